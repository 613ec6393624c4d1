//! What the tool prints: results on standard output as JSON, JSON lines or a table (the generated
//! code's `CliConfig`), shaped by `--query`, and notes on standard error. A failed command is
//! reported by [`crate::report`].

use std::io::Write;

use huaweicloud_osm::{Error, ResponseValue};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::generated::CliConfig;
use crate::options::{self, Format};

/// Exit statuses (documented in `osm --help`).
pub mod status {
    /// The service answered with an error.
    pub const SERVICE: u8 = 1;
    /// Bad arguments or body: nothing was sent.
    pub const USAGE: u8 = 2;
    /// No usable answer.
    pub const TRANSPORT: u8 = 3;
    /// Local or configuration problem.
    pub const LOCAL: u8 = 4;
}

/// Writes a line to standard output. When the reader has gone (`osm … | head -1`), the tool ends
/// quietly with status 0: there is nobody left to tell.
pub fn emit(line: &str) {
    write_out(format!("{line}\n").as_bytes());
}

/// Writes bytes to standard output, ending quietly when the pipe is closed.
pub fn write_out(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush())
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// A note for the person at the terminal, on standard error (never mixed with the results).
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "osm: {text}");
}

/// The generated commands' output, in the chosen format.
#[derive(Debug, Clone, Copy)]
pub struct Output;

impl CliConfig for Output {
    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
        let value: &T = value;
        let mut json = serde_json::to_value(value).unwrap_or(Value::Null);
        let schema = schema_of::<T>();
        // An answer with nothing in it, not even an empty list: say what was done instead.
        keep_list_keys(&mut json, &schema);
        if json.as_object().is_some_and(|o| o.is_empty())
            && options::options().format.is_none()
            && options::options().query.is_none()
        {
            return emit(&crate::current::done_line());
        }
        print(json, &schema);
    }

    fn success_no_item(&self, _: &ResponseValue<()>) {
        emit(&crate::current::done_line());
    }

    fn error(&self, _: &Error) {}

    fn list_start<T>(&self)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
    }

    fn list_item<T>(&self, value: &T)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
        line(serde_json::to_value(value).unwrap_or(Value::Null));
    }

    fn list_end_success<T>(&self)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
    }

    fn list_end_error<T>(&self, _: &Error)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
    }
}

/// The JSON Schema of `T`, as JSON.
pub fn schema_of<T: JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default()
}

/// One item a line (`--output jsonl`), through `--query`.
pub fn line(value: Value) {
    let value = match crate::query::apply(value) {
        Ok(v) => v,
        Err(e) => return note(&format!("{e:#}")),
    };
    emit(&serde_json::to_string(&value).unwrap_or_default());
}

/// Prints a whole answer (`schema`: its type's) in the chosen format: its empty lists given back
/// their keys, shaped by `--query`.
pub fn print(mut value: Value, schema: &Value) {
    keep_list_keys(&mut value, schema);
    let options = options::options();
    let queried = options.query.is_some();
    let value = match crate::query::apply(value) {
        Ok(v) => v,
        Err(e) => {
            note(&format!("{e:#}"));
            std::process::exit(status::USAGE.into());
        }
    };
    match options.format {
        Some(Format::Table) => {
            let table = if queried {
                crate::table::of_rows(&value)
            } else {
                crate::table::of_answer(&value, schema)
            };
            if let Some(table) = table {
                return emit(table.trim_end());
            }
            emit(&serde_json::to_string_pretty(&value).unwrap_or_default())
        }
        Some(Format::Jsonl) => match value {
            Value::Array(items) if queried => items.into_iter().for_each(|i| {
                emit(&serde_json::to_string(&i).unwrap_or_default());
            }),
            other => emit(&serde_json::to_string(&other).unwrap_or_default()),
        },
        _ => emit(&serde_json::to_string_pretty(&value).unwrap_or_default()),
    }
}

/// Puts back the list fields the SDK leaves out when empty (`"incident_info_list": []`), so that
/// `jq '.incident_info_list[]'` works on an empty answer too.
fn keep_list_keys(value: &mut Value, schema: &Value) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    let Some(properties) = crate::table::resolve(schema, schema)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
    else {
        return;
    };
    for (name, property) in properties {
        let is_list = crate::table::resolve(schema, property)
            .and_then(|p| p.get("type"))
            .is_some_and(|t| {
                t == "array" || t.as_array().is_some_and(|a| a.contains(&"array".into()))
            });
        if is_list && !object.contains_key(name) {
            object.insert(name.clone(), Value::Array(Vec::new()));
        }
    }
}
