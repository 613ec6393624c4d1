//! Every operation of the spec as a tool: its name (the operation's in snake case, as the SDK's
//! operation table has it), its description (the spec's summary and description), its input
//! schema (parameters and body, with their limits and value sets), its output schema, and what it
//! does to the account (read, write, destroy), from the spec and the SDK's table.
//!
//! The spec is the SDK's own (`huaweicloud_osm::OPENAPI_JSON`, its `OPENAPI_YAML` as JSON), read
//! once when the server starts. (A test checks that the tools are those of `OPENAPI_YAML`.)

use std::sync::Arc;

use huaweicloud_osm::attachments::{AccessoryFrom, AccessoryFromV1};
use huaweicloud_osm::operations::{self, OperationMeta};
use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use super::schema::{Converter, Side};
use crate::names::Names;

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A segment of the path.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
}

/// A parameter of an operation, as a tool argument of the same name.
#[derive(Debug, Clone)]
pub struct Param {
    /// Wire name (the argument's name too).
    pub name: String,
    /// Where it goes.
    pub location: Location,
    /// Must be given.
    pub required: bool,
    /// The documented value set it takes (names and codes), when the SDK types one.
    pub names: Option<Names>,
}

/// How an operation pages (the spec's `x-sdk-paging`), for the note of a cut answer.
#[derive(Debug, Clone)]
pub struct Paging {
    /// `offset`, `page` or `after-last`.
    pub style: String,
    /// Query parameter of the position.
    pub start: Option<String>,
    /// Query parameter of the page size.
    pub size: String,
    /// First position (page style).
    pub first: i64,
    /// Answer field with the items.
    pub items: Option<String>,
    /// Answer field with the total.
    pub total: Option<String>,
    /// After-last: query parameter <- field of the page's last item.
    pub cursor: Vec<(String, String)>,
}

/// What calling the tool does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON request (maybe with a JSON body), a JSON answer.
    Json,
    /// A binary answer, saved to a file under `--files DIR`.
    Download,
    /// A multipart upload of a file under `--files DIR` (v2).
    Upload,
    /// A multipart upload of a file under `--files DIR` (v1.0).
    UploadV1,
}

impl Kind {
    /// Whether the tool reads or writes a local file (offered only with `--files`).
    pub fn uses_files(self) -> bool {
        self != Kind::Json
    }
}

/// One tool.
#[derive(Debug, Clone)]
pub struct ToolDef {
    /// The operation in the SDK's table.
    pub meta: &'static OperationMeta,
    /// Its parameters (the shared `X-Site`/`X-Language`/`X-Time-Zone` headers left to the client).
    pub params: Vec<Param>,
    /// It takes a JSON body (argument `body`); `Some(true)` when required.
    pub body: Option<bool>,
    /// How it pages, if it does.
    pub paging: Option<Paging>,
    /// What calling it does.
    pub kind: Kind,
    /// It changes nothing in the account (offered without `--allow-write`).
    pub read_only: bool,
    /// The tool as listed.
    pub tool: Tool,
}

impl ToolDef {
    /// The tool's name: the operation's in snake case (the SDK table's `id`, not the spec's
    /// `operationId`, which is `meta.name`).
    #[allow(clippy::misnamed_getters)]
    pub fn name(&self) -> &'static str {
        self.meta.id
    }
}

/// The spec, parsed once: the SDK's `openapi/osm.yaml` as JSON (`huaweicloud_osm::OPENAPI_JSON`,
/// a tenth of the YAML's parsing time at start-up).
pub fn spec() -> &'static Value {
    static SPEC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(huaweicloud_osm::OPENAPI_JSON).unwrap_or_default())
}

/// Every tool of the spec, in the SDK table's order (by name).
pub fn all() -> Vec<ToolDef> {
    let spec = spec();
    let mut operations: Vec<(&Value, &str, &str)> = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if op.get("operationId").is_some() {
                operations.push((op, method, path));
            }
        }
    }
    operations::all()
        .iter()
        .filter_map(|meta| {
            let (op, ..) = operations
                .iter()
                .find(|(op, ..)| op["operationId"] == meta.name)?;
            Some(tool_of(spec, meta, op))
        })
        .collect()
}

/// The shared headers the client sets from its own settings (`--language`).
fn shared_header(name: &str) -> bool {
    ["x-site", "x-language", "x-time-zone"].contains(&name.to_ascii_lowercase().as_str())
}

/// A `$ref` to `#/components/parameters/…`, resolved.
fn resolve_param<'a>(spec: &'a Value, param: &'a Value) -> &'a Value {
    match param.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or(param),
        None => param,
    }
}

fn tool_of(spec: &Value, meta: &'static OperationMeta, op: &Value) -> ToolDef {
    let command = meta.id.replace('_', "-");
    let mut input = Converter::new(spec, Side::Input);
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut params = Vec::new();
    for param in op["parameters"].as_array().into_iter().flatten() {
        let param = resolve_param(spec, param);
        let name = param["name"].as_str().unwrap_or_default().to_string();
        let location = match param["in"].as_str() {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") if !shared_header(&name) => Location::Header,
            _ => continue,
        };
        let mut schema = input.convert(&param["schema"]);
        if let Some(description) = param.get("description") {
            schema["description"] = description.clone();
        }
        let names = crate::names::of_flag(&command, &name.replace('_', "-"));
        if let Some(names) = names.as_ref().filter(|n| !n.is_open()) {
            schema["enum"] = names.wire_values().into();
        }
        let is_required = param["required"].as_bool().unwrap_or(false);
        if is_required {
            required.push(Value::from(name.clone()));
        }
        properties.insert(name.clone(), schema);
        params.push(Param {
            name,
            location,
            required: is_required,
            names,
        });
    }
    let kind = if meta.manual {
        if meta.id.ends_with("_v1") {
            Kind::UploadV1
        } else {
            Kind::Upload
        }
    } else if op
        .pointer("/responses/200/content")
        .and_then(Value::as_object)
        .is_some_and(|c| !c.contains_key("application/json"))
    {
        Kind::Download
    } else {
        Kind::Json
    };
    let mut body = None;
    match kind {
        Kind::Json | Kind::Download => {
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                let is_required = op["requestBody"]["required"].as_bool().unwrap_or(false);
                let mut schema = input.convert(schema);
                let note = "The request body (JSON).";
                schema["description"] = match schema["description"].as_str() {
                    Some(d) => format!("{note} {d}").into(),
                    None => note.into(),
                };
                // A required body without required fields of its own (`{}` will do) is
                // filled in when left out.
                if is_required && schema.get("required").is_some() {
                    required.push("body".into());
                }
                properties.insert("body".into(), schema);
                body = Some(is_required);
            }
        }
        Kind::Upload | Kind::UploadV1 => {
            let from: Vec<&str> = if kind == Kind::Upload {
                AccessoryFrom::ALL.iter().map(|v| v.as_str()).collect()
            } else {
                AccessoryFromV1::ALL.iter().map(|v| v.as_str()).collect()
            };
            properties.insert(
                "file".into(),
                json!({"type": "string", "minLength": 1, "description":
                    "The file to upload: a path relative to the directory given with --files (its name is the attachment's name)"}),
            );
            properties.insert(
                "accessory_from".into(),
                json!({"type": "string", "enum": from, "description": "What the attachment is for"}),
            );
            required.extend(["file".into(), "accessory_from".into()]);
        }
    }
    if kind == Kind::Download {
        properties.insert(
            "save_as".into(),
            json!({"type": "string", "minLength": 1, "description":
                "Where to save the answer: a new file, its path relative to the directory given with --files"}),
        );
        required.push("save_as".into());
    }
    let mut input_schema = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        input_schema["required"] = required.into();
    }
    let output_schema = match kind {
        Kind::Download => Some(json!({
            "type": "object",
            "properties": {
                "path": {"type": "string", "description": "The file written, relative to the --files directory"},
                "bytes": {"type": "integer", "description": "Its size"},
            },
        })),
        _ => op
            .pointer("/responses/200/content/application~1json/schema")
            .map(|s| Converter::new(spec, Side::Output).convert(s))
            .filter(|s| s["type"] == "object"),
    };
    let summary = op["summary"].as_str().unwrap_or_default();
    let read_only = match meta.method {
        "GET" => true,
        // Queries sent as POST: the spec marks them safe to repeat, and they only list or show.
        "POST" => {
            meta.idempotent && (meta.name.starts_with("List") || meta.name.starts_with("Show"))
        }
        _ => false,
    };
    let destructive = !read_only && destroys(meta, summary, &params);
    let mut description = summary.to_string();
    if let Some(text) = op["description"].as_str() {
        description.push_str("\n\n");
        description.push_str(&crate::commands::reflow(text));
    }
    if op["deprecated"] == true {
        description.push_str("\n\nDeprecated.");
    }
    // A download changes nothing in the account but writes a file (never over another one).
    let writes_file = kind == Kind::Download;
    let annotations = ToolAnnotations::with_title(summary)
        .read_only(read_only && !writes_file)
        .destructive(destructive)
        .idempotent((read_only && !writes_file) || meta.idempotent)
        .open_world(true);
    let mut tool = Tool::new(meta.id, description, as_object(input_schema));
    tool.title = Some(summary.to_string());
    tool.output_schema = output_schema.map(as_object);
    tool.annotations = Some(annotations);
    ToolDef {
        meta,
        params,
        body,
        paging: paging_of(op),
        kind,
        read_only,
        tool,
    }
}

/// Whether an operation destroys something: a `DELETE`, a summary that says so, or a value set
/// (`action_id`) that deletes, closes or cancels.
fn destroys(meta: &OperationMeta, summary: &str, params: &[Param]) -> bool {
    const WORDS: [&str; 7] = [
        "delete", "cancel", "close", "withdraw", "revoke", "reject", "remove",
    ];
    let says = |text: &str| {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| WORDS.contains(&w.to_ascii_lowercase().as_str()))
    };
    meta.method == "DELETE"
        || says(summary)
        || params
            .iter()
            .filter_map(|p| p.names.as_ref())
            .any(|names| names.wire_values().iter().any(|v| says(v)))
}

fn as_object(value: Value) -> Arc<Map<String, Value>> {
    match value {
        Value::Object(map) => Arc::new(map),
        _ => Arc::default(),
    }
}

fn paging_of(op: &Value) -> Option<Paging> {
    let p = op.get("x-sdk-paging")?;
    let text = |key: &str| p.get(key).and_then(Value::as_str).map(String::from);
    let style = text("style")?;
    Some(Paging {
        first: p["first"]
            .as_i64()
            .unwrap_or(if style == "page" { 1 } else { 0 }),
        style,
        start: text("start"),
        size: text("size")?,
        items: text("items"),
        total: text("total"),
        cursor: p["cursor"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(param, field)| Some((param.clone(), field.as_str()?.to_string())))
            .collect(),
    })
}
