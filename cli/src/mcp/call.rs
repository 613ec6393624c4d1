//! A tool call: its arguments made into the operation's request and sent through the SDK's raw
//! call (`Client::raw`), which treats a path of the spec as its operation: the same signing,
//! retries, error decoding and limit checks (the `pre` hook) as the generated builders, so an
//! argument over a limit is refused before anything is sent. Answers come back as structured
//! JSON, cut to the size limit; errors as tool errors with code, message, request id and what to
//! change.

use huaweicloud_osm::attachments::{Attachment, Download};
use huaweicloud_osm::error::ErrorKind;
use huaweicloud_osm::{Client, Error, Method};
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Map, Value, json};

use super::catalog::{Kind, Location, ToolDef};
use super::files::FilesDir;

/// What the server was started with that calls need.
#[derive(Debug)]
pub struct Settings {
    /// `--files DIR`.
    pub files: Option<FilesDir>,
    /// `--max-result-chars`.
    pub max_result_chars: usize,
}

/// Why a call failed.
enum Failure {
    /// The arguments do not make a request; nothing was sent.
    Arguments(String),
    /// The SDK's error (refused before sending, or the service's answer, or no answer).
    Sdk(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Sdk(e)
    }
}

/// Calls `tool` with `args`.
pub async fn call(
    client: &Client,
    tool: &ToolDef,
    args: Map<String, Value>,
    settings: &Settings,
) -> CallToolResult {
    match run(client, tool, &args, settings).await {
        Ok(mut answer) => {
            let note = super::cut::fit(
                &mut answer,
                settings.max_result_chars,
                tool.name(),
                &args,
                tool.paging.as_ref(),
            );
            let mut result = CallToolResult::structured(answer);
            if let Some(note) = note {
                if let Some(Value::Object(fields)) = result.structured_content.as_mut() {
                    fields.insert("_note".into(), note.clone().into());
                }
                result.content.push(ContentBlock::text(note));
            }
            result
        }
        Err(Failure::Arguments(message)) => error(json!({
            "kind": "invalid_arguments",
            "message": message,
            "sent": false,
            "what_to_change": "Nothing was sent. Correct the argument the message names (the tool's input schema has every argument, its type and limits).",
        })),
        Err(Failure::Sdk(e)) => error(sdk_error(&e)),
    }
}

/// A tool error: the JSON object under `error`, as text.
pub fn error(object: Value) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(
        json!({ "error": object }).to_string(),
    )])
}

async fn run(
    client: &Client,
    tool: &ToolDef,
    args: &Map<String, Value>,
    settings: &Settings,
) -> Result<Value, Failure> {
    let known = |name: &str| {
        tool.params.iter().any(|p| p.name == name)
            || match tool.kind {
                Kind::Json => name == "body" && tool.body.is_some(),
                Kind::Download => name == "save_as" || (name == "body" && tool.body.is_some()),
                Kind::Upload | Kind::UploadV1 => name == "file" || name == "accessory_from",
            }
    };
    if let Some(unknown) = args.keys().find(|k| !known(k)) {
        let mut names: Vec<&str> = tool
            .tool
            .input_schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|p| p.keys().map(String::as_str))
            .collect();
        names.sort_unstable();
        return Err(Failure::Arguments(format!(
            "unknown argument `{unknown}`: {} takes {}",
            tool.name(),
            names.join(", ")
        )));
    }
    let files = || {
        settings
            .files
            .as_ref()
            .ok_or_else(|| Failure::Arguments("this server has no --files directory".into()))
    };
    match tool.kind {
        Kind::Json => {
            let answer: Value = request(client, tool, args)?.send().await?;
            if answer.is_object() {
                Ok(answer)
            } else {
                Ok(json!({ "answer": answer }))
            }
        }
        Kind::Download => {
            let dir = files()?;
            let save_as = text_arg(args, "save_as")?;
            let target = dir.new_file(&save_as).map_err(Failure::Arguments)?;
            let answer = request(client, tool, args)?.send_stream().await?;
            let bytes = answer.save_to(&target).await?;
            Ok(json!({ "path": dir.shown(&target), "bytes": bytes }))
        }
        Kind::Upload | Kind::UploadV1 => {
            let dir = files()?;
            let path = dir
                .existing(&text_arg(args, "file")?)
                .map_err(Failure::Arguments)?;
            let from = text_arg(args, "accessory_from")?;
            let attachment = Attachment::from_path(&path).await?;
            let uploaded = if tool.kind == Kind::Upload {
                let from = from
                    .parse()
                    .map_err(|e| Failure::Arguments(format!("{e}")))?;
                let limits = client.accessory_limits().await?;
                let answer = client
                    .upload_accessory_checked(attachment, from, &limits)
                    .await?;
                serde_json::to_value(answer.into_inner())
            } else {
                let from = from
                    .parse()
                    .map_err(|e| Failure::Arguments(format!("{e}")))?;
                let answer = client.upload_accessory_v1(attachment, from).await?;
                serde_json::to_value(answer.into_inner())
            };
            uploaded.map_err(|e| Failure::Sdk(Error::InvalidRequest(e.to_string())))
        }
    }
}

fn text_arg(args: &Map<String, Value>, name: &str) -> Result<String, Failure> {
    match args.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(Failure::Arguments(format!(
            "`{name}` must be a string, not {other}"
        ))),
        None => Err(Failure::Arguments(format!("`{name}` is required"))),
    }
}

/// A scalar argument as it travels in a path, query or header.
fn scalar(name: &str, value: &Value) -> Result<String, Failure> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(Failure::Arguments(format!(
            "`{name}` must be a string, number or boolean, not {other}"
        ))),
    }
}

/// Characters a path segment keeps as they are (RFC 3986 unreserved); the rest is escaped.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The operation's request for these arguments (nothing sent yet).
fn request<'a>(
    client: &'a Client,
    tool: &ToolDef,
    args: &Map<String, Value>,
) -> Result<huaweicloud_osm::RawRequest<'a>, Failure> {
    let mut path = tool.meta.path.to_string();
    let mut query: Vec<(String, String)> = Vec::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    for param in &tool.params {
        let values: Vec<String> = match args.get(&param.name) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) if param.location == Location::Query => items
                .iter()
                .map(|v| scalar(&param.name, v))
                .collect::<Result<_, _>>()?,
            Some(value) => vec![scalar(&param.name, value)?],
        };
        let values = match &param.names {
            Some(names) => values
                .iter()
                .map(|v| names.wire(v))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| Failure::Arguments(format!("`{}`: {e}", param.name)))?,
            None => values,
        };
        if param.required && values.is_empty() {
            return Err(Failure::Arguments(format!("`{}` is required", param.name)));
        }
        match param.location {
            Location::Path => {
                let value = values.into_iter().next().unwrap_or_default();
                if value.is_empty() || value == "." || value == ".." {
                    return Err(Failure::Arguments(format!(
                        "`{}` must be an id, not {value:?}",
                        param.name
                    )));
                }
                let encoded = percent_encoding::utf8_percent_encode(&value, SEGMENT).to_string();
                path = path.replace(&format!("{{{}}}", param.name), &encoded);
            }
            Location::Query => query.extend(values.into_iter().map(|v| (param.name.clone(), v))),
            Location::Header => headers.extend(values.into_iter().map(|v| (param.name.clone(), v))),
        }
    }
    let method = Method::from_bytes(tool.meta.method.as_bytes())
        .map_err(|e| Failure::Sdk(Error::InvalidRequest(e.to_string())))?;
    let mut request = client.raw(method, &path).query(&query);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if let Some(required) = tool.body {
        match args.get("body") {
            Some(body) if !body.is_null() => request = request.json(body),
            _ if required => request = request.json(&json!({})),
            _ => {}
        }
    }
    Ok(request)
}

/// The SDK's classes of service errors (`huaweicloud_osm::error::codes`): the error's kind in a
/// tool error, and what the agent can do about it.
const BY_CLASS: [(ErrorKind, &str, &str); 8] = [
    (
        ErrorKind::Authentication,
        "authentication",
        "The service refused the credentials this server runs with. Nothing the arguments can change: the server's credentials must be fixed.",
    ),
    (
        ErrorKind::Permission,
        "permission",
        "The account may not do this. Ask for the permission to be granted, or do something else.",
    ),
    (
        ErrorKind::Throttled,
        "throttled",
        "Too many requests, or too soon (a ticket can be urged only so often). Wait before trying again.",
    ),
    (
        ErrorKind::NotFound,
        "not_found",
        "Nothing has that id. Check the id (list_cases lists the tickets).",
    ),
    (
        ErrorKind::InvalidRequest,
        "invalid_request",
        "The service refused the request as sent. Change the argument its message names.",
    ),
    (
        ErrorKind::Conflict,
        "conflict",
        "The ticket's state forbids this (it may be closed already). Check its status first (show_case_status).",
    ),
    (
        ErrorKind::Quota,
        "quota",
        "A quota is used up (today's uploads). Wait until it is renewed.",
    ),
    (
        ErrorKind::ServerFault,
        "server_fault",
        "The service failed. Try again later; quote the request id if it goes on.",
    ),
];

/// An SDK error as a tool error: kind, code, message, HTTP status, request id, whether anything
/// was sent, and what to change.
fn sdk_error(e: &Error) -> Value {
    // Whether the request reached the service: known for a refusal before sending and for an
    // answer, not for a failed exchange.
    let sent = match e {
        Error::InvalidRequest(_) | Error::Config(_) => Some(false),
        Error::Service(_) | Error::Decode { .. } => Some(true),
        _ => None,
    };
    let (kind, what) = match (e, e.kind()) {
        (Error::InvalidRequest(_), _) => (
            "invalid_request",
            "Nothing was sent: the value the message names is outside the limits of the spec. Change it to fit them (the tool's input schema states them).",
        ),
        (_, Some(class)) => BY_CLASS
            .iter()
            .find(|(c, ..)| *c == class)
            .map_or(("error", "See the message."), |(_, kind, what)| {
                (*kind, *what)
            }),
        (Error::Transport(_) | Error::Timeout { .. }, _) => (
            "transport",
            "No answer from the service (connection, TLS or time limit). Try again later.",
        ),
        (Error::Decode { .. }, _) => (
            "decode",
            "The service's answer does not match the spec. Quote the request id to Huawei support.",
        ),
        (Error::Io(_), _) => ("local", "A local file could not be read or written."),
        _ => ("error", "See the message."),
    };
    let mut object = json!({
        "kind": kind,
        "code": e.code(),
        "message": e.message().map_or_else(|| e.to_string(), String::from),
        "http_status": e.status(),
        "request_id": e.request_id(),
        "sent": sent,
        "what_to_change": what,
    });
    if let Some(fields) = object.as_object_mut() {
        fields.retain(|_, v| !v.is_null());
    }
    object
}
