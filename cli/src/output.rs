//! What the tool prints: results on standard output as JSON, JSON lines or a table (the generated
//! code's `CliConfig`), shaped by `--query`; errors on standard error as one line of text or JSON,
//! with the URL and phase of a failed exchange, and the exit status that says what kind of
//! failure it was.

use std::io::Write;
use std::process::ExitCode;

use huaweicloud_osm::{Error, ResponseValue};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::generated::CliConfig;
use crate::setup;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document (the default).
    Json,
    /// One JSON object a line; paged lists stream every item of every page.
    Jsonl,
    /// A list's key fields, aligned to the terminal's width.
    Table,
}

impl Format {
    /// Parses `--output`'s value.
    pub fn from_arg(value: &str) -> Result<Format, String> {
        match value {
            "json" => Ok(Format::Json),
            "jsonl" => Ok(Format::Jsonl),
            "table" => Ok(Format::Table),
            other => Err(format!("`{other}` is not a format: json, jsonl or table")),
        }
    }
}

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
            && setup::options().format.is_none()
            && setup::options().query.is_none()
        {
            return emit(&crate::commands::done_line());
        }
        print(json, &schema);
    }

    fn success_no_item(&self, _: &ResponseValue<()>) {
        emit(&crate::commands::done_line());
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
    let options = setup::options();
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

/// Where a failed exchange went and what it was for.
struct Exchange {
    url: String,
    /// `IAM account lookup` or `OSM call`.
    phase: &'static str,
    /// The account id lookup failed: a configuration matter (no account id was set).
    lookup: bool,
}

/// The failed exchange: the IAM account lookup when no attempt of the operation was sent and the
/// account id was to be looked up, else the operation's call (its method and path, from the SDK's
/// operation table, with the path parameters given on the line).
fn exchange() -> Option<Exchange> {
    let target = setup::target()?;
    if let Some(iam) = target
        .iam_lookup
        .as_deref()
        .filter(|_| crate::retries::attempts() == 0)
    {
        return Some(Exchange {
            url: format!("GET {}/v3/auth/domains", iam.trim_end_matches('/')),
            phase: "IAM account lookup",
            lookup: true,
        });
    }
    let call = crate::retries::operation()
        .and_then(|op| huaweicloud_osm::operations::find(&op))
        .map(|meta| {
            format!(
                "{} {}{}",
                meta.method,
                target.endpoint,
                crate::commands::fill_path(meta.path)
            )
        })
        .unwrap_or_else(|| target.endpoint.clone());
    Some(Exchange {
        url: call,
        phase: "OSM call",
        lookup: false,
    })
}

/// The error's message, each cause once (`a: b: c`, without repeating a cause a message already
/// quotes, as the transport and I/O errors do).
fn message(error: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// The innermost cause (`Connection refused (os error 111)`).
fn root_cause(error: &anyhow::Error) -> String {
    error
        .chain()
        .last()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

/// Prints the error of a failed command on standard error (one line of text, or JSON with
/// `--output json|jsonl`) and returns the exit status for its kind.
pub fn report(error: &anyhow::Error, format: Option<Format>) -> ExitCode {
    let sdk = error.chain().find_map(|e| e.downcast_ref::<Error>());
    let rejected = error.downcast_ref::<crate::body::Rejected>();
    let transport = matches!(sdk, Some(Error::Transport(_) | Error::Timeout { .. }));
    let exchange = if transport { exchange() } else { None };
    let (kind, code) = match (sdk, rejected) {
        (_, Some(_)) => ("usage", status::USAGE),
        (Some(e), _) if e.service().is_some() => ("service", status::SERVICE),
        (Some(e), _) if e.is_invalid_request() => ("usage", status::USAGE),
        (Some(Error::WaitTimeout { .. }), _) => ("timeout", status::SERVICE),
        _ if exchange.as_ref().is_some_and(|x| x.lookup) => ("configuration", status::LOCAL),
        (Some(Error::Transport(_) | Error::Timeout { .. } | Error::Decode { .. }), _) => {
            ("transport", status::TRANSPORT)
        }
        _ => ("local", status::LOCAL),
    };
    let mut text = message(error);
    if let Some(x) = &exchange {
        let retried = crate::retries::retried();
        // The SDK's line names the cause and the request (`… for GET http://…`); a failure it
        // does not place (the IAM lookup's) is placed here.
        let line = sdk
            .map(|e| e.to_string())
            .filter(|line| line.contains(" for "))
            .unwrap_or_else(|| {
                let head = match sdk {
                    Some(e @ Error::Timeout { .. }) => e.to_string(),
                    _ => "transport error".to_string(),
                };
                format!("{head}: {} for {}", root_cause(error), x.url)
            });
        text = format!(
            "{line} ({}){}",
            x.phase,
            if retried > 0 {
                format!(
                    "; gave up after {retried} retr{} within the {} s retry budget (--retry-budget SECONDS to wait longer)",
                    if retried == 1 { "y" } else { "ies" },
                    setup::options().retry_budget().as_secs_f64()
                )
            } else {
                String::new()
            }
        );
        if x.lookup {
            text.push_str(
                "; no account (domain) id is set, so osm looked it up through IAM: set \
                 HUAWEICLOUD_SDK_DOMAIN_ID, or domain_id in the profile (`osm configure`), or \
                 HUAWEICLOUD_SDK_IAM_ENDPOINT to an IAM endpoint you can reach",
            );
        }
    }
    let json = matches!(format, Some(Format::Json | Format::Jsonl));
    let mut err = std::io::stderr().lock();
    let _ = if json {
        let mut object = serde_json::json!({ "kind": kind, "message": text });
        if let Some(e) = sdk {
            object["code"] = e.code().into();
            object["message"] = e.message().map_or(text.clone(), String::from).into();
            object["status"] = e.status().into();
            object["request_id"] = e.request_id().into();
        }
        if let Some(x) = &exchange {
            object["message"] = text.clone().into();
            object["url"] = x.url.clone().into();
            object["phase"] = x.phase.into();
        }
        if let Some(r) = rejected {
            object["message"] = r.summary().into();
            object["problems"] = r.problems_json();
        }
        writeln!(err, "{}", serde_json::json!({ "error": object }))
    } else {
        writeln!(err, "error: {text}")
    };
    ExitCode::from(code)
}
