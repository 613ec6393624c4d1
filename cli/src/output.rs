//! What the tool prints: results on standard output as JSON, JSON lines or a table (the generated
//! code's `CliConfig`), errors on standard error as one line of text or JSON, and the exit status
//! that says what kind of failure it was.

use std::io::Write;
use std::process::ExitCode;

use futures::StreamExt;
use huaweicloud_osm::paginate::Items;
use huaweicloud_osm::values::CaseStatus;
use huaweicloud_osm::{Error, ResponseValue};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::generated::CliConfig;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document (the default).
    Json,
    /// One JSON object a line; paged lists stream every item of every page.
    Jsonl,
    /// A list's id, status, description and creation time, aligned.
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
mod status {
    pub const SERVICE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const TRANSPORT: u8 = 3;
    pub const LOCAL: u8 = 4;
}

/// Writes a line to standard output; a closed pipe (`osm … | head`) is not an error.
pub fn emit(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

/// The generated commands' output, in the chosen format.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    format: Format,
}

impl Output {
    /// The output for `--output` (JSON when not given).
    pub fn new(format: Option<Format>) -> Output {
        Output {
            format: format.unwrap_or(Format::Json),
        }
    }

    fn document<T: Serialize>(&self, value: &T) {
        let text = match self.format {
            Format::Jsonl => serde_json::to_string(value),
            _ => serde_json::to_string_pretty(value),
        };
        emit(&text.unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize: {e}\"}}")));
    }
}

impl CliConfig for Output {
    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: JsonSchema + Serialize + std::fmt::Debug,
    {
        let value: &T = value;
        if self.format == Format::Table
            && let Some(table) = table(value)
        {
            return emit(table.trim_end());
        }
        self.document(value);
    }

    fn success_no_item(&self, _: &ResponseValue<()>) {}

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
        emit(&serde_json::to_string(value).unwrap_or_default());
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

    fn stream_lists(&self) -> bool {
        self.format == Format::Jsonl
    }
}

/// Every item of a paged list, through the builder's paginator, one `list_item` each.
pub async fn list<C, T>(config: &C, mut items: Items<'_, T>) -> anyhow::Result<()>
where
    C: CliConfig,
    T: JsonSchema + Serialize + std::fmt::Debug,
{
    config.list_start::<T>();
    while let Some(item) = items.next().await {
        match item {
            Ok(item) => config.list_item(&item),
            Err(e) => {
                config.list_end_error::<T>(&e);
                return Err(e.into());
            }
        }
    }
    config.list_end_success::<T>();
    Ok(())
}

/// The columns a person scans, by field name: id, status, description, creation time.
const COLUMNS: [fn(&str) -> bool; 4] = [
    |f| f == "incident_id" || f == "id" || f.ends_with("_id"),
    |f| f == "status" || f.ends_with("_status"),
    |f| f.contains("description") || f == "content" || f == "title" || f.ends_with("name"),
    |f| f.starts_with("create") || f.starts_with("created"),
];

/// A table of the first list (array of objects) of `value`'s type, or `None` when it has none.
fn table<T: Serialize + JsonSchema>(value: &T) -> Option<String> {
    let json = serde_json::to_value(value).ok()?;
    let schema = serde_json::to_value(schemars::schema_for!(T)).ok()?;
    let (field, properties) =
        schema
            .get("properties")?
            .as_object()?
            .iter()
            .find_map(|(field, property)| {
                let list = resolve(&schema, property)?;
                if list.get("type")? != "array" {
                    return None;
                }
                let item = resolve(&schema, list.get("items")?)?;
                Some((field, item.get("properties")?.as_object()?))
            })?;
    let items = json
        .get(field)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // The preferred name first (`incident_id` before any other `…_id`), then schema order; names
    // compared in snake case (the v1.0 and iRobot APIs answer in camel case: `regionId`).
    let mut columns: Vec<&String> = Vec::new();
    for wanted in COLUMNS {
        let best = ["incident_id", "status", "simple_description", "create_time"]
            .iter()
            .find_map(|p| properties.get_key_value(*p).filter(|(k, _)| wanted(k)))
            .map(|(k, _)| k)
            .or_else(|| {
                properties
                    .keys()
                    .find(|k| wanted(&snake_case(k)) && !columns.contains(k))
            });
        if let Some(column) = best.filter(|k| !columns.contains(k)) {
            columns.push(column);
        }
    }
    if columns.is_empty() {
        // Nothing a person scans by name: the first fields, in schema order.
        columns = properties.keys().take(COLUMNS.len()).collect();
    }
    // Which columns hold a ticket status (shown by name), decided once per column.
    let case_status: Vec<bool> = columns
        .iter()
        .map(|c| {
            properties[c.as_str()]
                .to_string()
                .contains("#/definitions/CaseStatus")
        })
        .collect();
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            columns
                .iter()
                .zip(&case_status)
                .map(|(c, &status)| cell(&item[c.as_str()], status))
                .collect()
        })
        .collect();
    let header: Vec<String> = columns
        .iter()
        .map(|c| snake_case(c).to_uppercase())
        .collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| {
            std::iter::once(&header[i])
                .chain(rows.iter().map(|r| &r[i]))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        for (text, width) in row.iter().zip(&widths) {
            let pad = width - text.chars().count();
            out.push_str(text);
            out.push_str(&" ".repeat(pad + 2));
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    Some(out)
}

/// `regionId` -> `region_id`; snake case stays as it is.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A schema with its `$ref` (and schemars' `allOf: [$ref]` / nullable `anyOf`) followed.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/definitions/")?;
        return resolve(root, root.pointer(&format!("/definitions/{name}"))?);
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        if let Some(first) = schema
            .get(keyword)
            .and_then(Value::as_array)
            .and_then(|b| b.iter().find(|s| s.get("type") != Some(&"null".into())))
        {
            return resolve(root, first);
        }
    }
    Some(schema)
}

/// One cell: text as is (on one line, cut at 60 characters), ticket statuses by name.
fn cell(value: &Value, case_status: bool) -> String {
    if case_status && let Ok(status) = serde_json::from_value::<CaseStatus>(value.clone()) {
        return status.to_string();
    }
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(59).collect::<String>())
    } else {
        line
    }
}

/// Prints the error of a failed command on standard error (one line of text, or JSON with
/// `--output json|jsonl`) and returns the exit status for its kind.
pub fn report(error: &anyhow::Error, format: Option<Format>) -> ExitCode {
    let sdk = error.chain().find_map(|e| e.downcast_ref::<Error>());
    let rejected = error.downcast_ref::<crate::body::Rejected>();
    let (kind, code) = match (sdk, rejected) {
        (_, Some(_)) => ("usage", status::USAGE),
        (Some(e), _) if e.service().is_some() => ("service", status::SERVICE),
        (Some(e), _) if e.is_invalid_request() => ("usage", status::USAGE),
        (Some(Error::Transport(_) | Error::Timeout { .. } | Error::Decode { .. }), _) => {
            ("transport", status::TRANSPORT)
        }
        _ => ("local", status::LOCAL),
    };
    let json = matches!(format, Some(Format::Json | Format::Jsonl));
    let mut err = std::io::stderr().lock();
    let _ = if json {
        let mut object = serde_json::json!({ "kind": kind, "message": format!("{error:#}") });
        if let Some(e) = sdk {
            object["code"] = e.code().into();
            object["message"] = e
                .message()
                .map_or(format!("{error:#}"), String::from)
                .into();
            object["status"] = e.status().into();
            object["request_id"] = e.request_id().into();
        }
        if let Some(r) = rejected {
            object["message"] = r.summary().into();
            object["problems"] = r.problems_json();
        }
        writeln!(err, "{}", serde_json::json!({ "error": object }))
    } else {
        writeln!(err, "error: {error:#}")
    };
    ExitCode::from(code)
}
