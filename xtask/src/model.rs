//! Walking an OpenAPI document held as JSON: operations, `$ref` resolution, parameters, media types
//! and schemas, each with its JSON pointer.

use serde_json::{Map, Value};

use crate::generate::{METHODS, is_manual};
use crate::locate::join;

/// One operation (a method of a path item).
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    /// The path template, e.g. `/v2/servicerequest/cases/{case_id}`.
    pub path: &'a str,
    /// Lower-case HTTP method.
    pub method: &'static str,
    /// Pointer of the operation object.
    pub pointer: String,
    /// The operation object.
    pub value: &'a Value,
    /// Pointer of the path item.
    pub path_pointer: String,
    /// The path item.
    pub path_item: &'a Value,
}

impl Operation<'_> {
    /// The operationId, if it is a string.
    pub fn id(&self) -> Option<&str> {
        self.value.get("operationId").and_then(Value::as_str)
    }

    /// The operationId, or `METHOD /path` when it has none; for messages.
    pub fn label(&self) -> String {
        match self.id() {
            Some(id) => id.to_string(),
            None => format!("{} {}", self.method.to_uppercase(), self.path),
        }
    }

    /// Whether the operation is hand-written (`x-sdk-manual: true`).
    pub fn is_manual(&self) -> bool {
        is_manual(self.value)
    }
}

/// All operations, in document order of paths and in [`METHODS`] order within a path.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let path_pointer = join("/paths", path);
        for method in METHODS {
            if let Some(value) = item.get(method).filter(|v| v.is_object()) {
                out.push(Operation {
                    path,
                    method,
                    pointer: join(&path_pointer, method),
                    value,
                    path_pointer: path_pointer.clone(),
                    path_item: item,
                });
            }
        }
    }
    out
}

/// The target of a local `$ref` (`#/…`), if it exists.
pub fn ref_target<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    // A `$ref` is a URI, so its pointer may be percent-encoded.
    let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    doc.pointer(fragment).or_else(|| doc.pointer(&decoded))
}

/// A value with `$ref`s followed.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    /// The object that was reached.
    pub value: &'a Value,
    /// Its pointer.
    pub pointer: String,
    /// The first `$ref` that was followed, if any.
    pub via: Option<&'a str>,
}

/// Follows `$ref` chains from `value` (found at `pointer`). `None` when a reference does not
/// resolve or loops (`unresolved-ref` reports those).
pub fn resolve<'a>(doc: &'a Value, value: &'a Value, pointer: &str) -> Option<Resolved<'a>> {
    let mut current = value;
    let mut current_pointer = pointer.to_string();
    let mut via = None;
    for _ in 0..32 {
        match current.get("$ref").and_then(Value::as_str) {
            None => {
                return Some(Resolved {
                    value: current,
                    pointer: current_pointer,
                    via,
                });
            }
            Some(reference) => {
                via.get_or_insert(reference);
                current = ref_target(doc, reference)?;
                current_pointer = reference.trim_start_matches('#').to_string();
            }
        }
    }
    None
}

/// The name of a schema reference `#/components/schemas/<Name>`.
pub fn schema_ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
}

/// A parameter that applies to an operation, with `$ref`s followed.
#[derive(Debug, Clone)]
pub struct Param<'a> {
    /// Where it is listed (in the operation or its path item).
    pub site: String,
    /// The parameter object.
    pub value: &'a Value,
    /// Where the parameter object is defined (`site` unless it is a `$ref`).
    pub pointer: String,
    /// Whether it was written as a `$ref`.
    pub is_ref: bool,
}

impl Param<'_> {
    /// `name`.
    pub fn name(&self) -> &str {
        self.value.get("name").and_then(Value::as_str).unwrap_or("")
    }
    /// `in`.
    pub fn location(&self) -> &str {
        self.value.get("in").and_then(Value::as_str).unwrap_or("")
    }
}

/// The operation's parameters: its path item's, overridden by its own of the same name and `in`.
pub fn parameters<'a>(doc: &'a Value, op: &Operation<'a>) -> Vec<Param<'a>> {
    let mut out: Vec<Param<'a>> = Vec::new();
    let lists = [
        (op.path_item, op.path_pointer.as_str()),
        (op.value, op.pointer.as_str()),
    ];
    for (owner, owner_pointer) in lists {
        let Some(list) = owner.get("parameters").and_then(Value::as_array) else {
            continue;
        };
        for (i, p) in list.iter().enumerate() {
            let site = join(&join(owner_pointer, "parameters"), &i.to_string());
            let Some(r) = resolve(doc, p, &site) else {
                continue;
            };
            let param = Param {
                is_ref: r.via.is_some(),
                site,
                value: r.value,
                pointer: r.pointer,
            };
            out.retain(|q| !(q.name() == param.name() && q.location() == param.location()));
            out.push(param);
        }
    }
    out
}

/// Every parameter object written inline in the document (path items, operations and
/// `components/parameters`), with its pointer.
pub fn inline_parameters(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_pointer = join("/paths", path);
            let mut owners = vec![(item, item_pointer.clone())];
            for m in METHODS {
                if let Some(op) = item.get(m) {
                    owners.push((op, join(&item_pointer, m)));
                }
            }
            for (owner, owner_pointer) in owners {
                if let Some(list) = owner.get("parameters").and_then(Value::as_array) {
                    for (i, p) in list.iter().enumerate() {
                        if p.get("$ref").is_none() && p.is_object() {
                            let ptr = join(&join(&owner_pointer, "parameters"), &i.to_string());
                            out.push((ptr, p));
                        }
                    }
                }
            }
        }
    }
    for (name, p) in component(doc, "parameters") {
        if p.get("$ref").is_none() && p.is_object() {
            out.push((join("/components/parameters", name), p));
        }
    }
    out
}

/// The entries of `components/<kind>`.
pub fn component<'a>(doc: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    doc.get("components")
        .and_then(|c| c.get(kind))
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

/// Where a media type object sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaPlace {
    /// In a request body.
    Request,
    /// In a response.
    Response,
    /// In a parameter's `content`.
    Parameter,
}

/// A media type object written in the document.
#[derive(Debug, Clone)]
pub struct Media<'a> {
    /// Its pointer (`…/content/application~1json`).
    pub pointer: String,
    /// The media type name, e.g. `application/json`.
    pub name: &'a str,
    /// The media type object.
    pub value: &'a Value,
    /// What contains it.
    pub place: MediaPlace,
}

impl Media<'_> {
    /// Whether this is `application/json` (possibly with parameters such as `charset`).
    pub fn is_json(&self) -> bool {
        is_json_media(self.name)
    }
}

/// Whether a media type name is JSON the way progenitor recognises it.
pub fn is_json_media(name: &str) -> bool {
    name == "application/json" || name.starts_with("application/json;")
}

fn push_content<'a>(out: &mut Vec<Media<'a>>, owner: &'a Value, pointer: &str, place: MediaPlace) {
    if let Some(content) = owner.get("content").and_then(Value::as_object) {
        let content_pointer = join(pointer, "content");
        for (name, value) in content {
            out.push(Media {
                pointer: join(&content_pointer, name),
                name,
                value,
                place,
            });
        }
    }
}

/// Every media type object written in the document (operations' request bodies and responses,
/// and `components/requestBodies`, `components/responses`, parameters with `content`).
pub fn media_types(doc: &Value) -> Vec<Media<'_>> {
    let mut out = Vec::new();
    for op in operations(doc) {
        if let Some(body) = op.value.get("requestBody") {
            push_content(
                &mut out,
                body,
                &join(&op.pointer, "requestBody"),
                MediaPlace::Request,
            );
        }
        if let Some(responses) = op.value.get("responses").and_then(Value::as_object) {
            let rp = join(&op.pointer, "responses");
            for (code, response) in responses {
                push_content(&mut out, response, &join(&rp, code), MediaPlace::Response);
            }
        }
    }
    for (name, body) in component(doc, "requestBodies") {
        push_content(
            &mut out,
            body,
            &join("/components/requestBodies", name),
            MediaPlace::Request,
        );
    }
    for (name, response) in component(doc, "responses") {
        push_content(
            &mut out,
            response,
            &join("/components/responses", name),
            MediaPlace::Response,
        );
    }
    for (pointer, p) in inline_parameters(doc) {
        push_content(&mut out, p, &pointer, MediaPlace::Parameter);
    }
    out
}

/// A schema object written in the document.
#[derive(Debug, Clone)]
pub struct SchemaAt<'a> {
    /// Its pointer.
    pub pointer: String,
    /// The schema object.
    pub value: &'a Map<String, Value>,
    /// Whether it is the value of a `properties` entry.
    pub is_property: bool,
}

/// Every schema object written in the document (component schemas, parameter and media type
/// schemas, response header schemas, and all their subschemas), without following `$ref`s.
pub fn schemas(doc: &Value) -> Vec<SchemaAt<'_>> {
    let mut out = Vec::new();
    for (name, schema) in component(doc, "schemas") {
        walk_schema(schema, join("/components/schemas", name), false, &mut out);
    }
    for (pointer, p) in inline_parameters(doc) {
        if let Some(s) = p.get("schema") {
            walk_schema(s, join(&pointer, "schema"), false, &mut out);
        }
    }
    for media in media_types(doc) {
        if let Some(s) = media.value.get("schema") {
            walk_schema(s, join(&media.pointer, "schema"), false, &mut out);
        }
    }
    let mut headers: Vec<(String, &Value)> = Vec::new();
    for op in operations(doc) {
        if let Some(responses) = op.value.get("responses").and_then(Value::as_object) {
            for (code, r) in responses {
                headers.push((join(&join(&op.pointer, "responses"), code), r));
            }
        }
    }
    for (name, r) in component(doc, "responses") {
        headers.push((join("/components/responses", name), r));
    }
    for (pointer, response) in headers {
        if let Some(hs) = response.get("headers").and_then(Value::as_object) {
            for (h, header) in hs {
                if let Some(s) = header.get("schema") {
                    let p = join(&join(&join(&pointer, "headers"), h), "schema");
                    walk_schema(s, p, false, &mut out);
                }
            }
        }
    }
    out
}

fn walk_schema<'a>(
    schema: &'a Value,
    pointer: String,
    is_property: bool,
    out: &mut Vec<SchemaAt<'a>>,
) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        let pp = join(&pointer, "properties");
        for (name, s) in props {
            walk_schema(s, join(&pp, name), true, out);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(s) = map.get(key).filter(|s| s.is_object()) {
            walk_schema(s, join(&pointer, key), false, out);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = map.get(key).and_then(Value::as_array) {
            let lp = join(&pointer, key);
            for (i, s) in list.iter().enumerate() {
                walk_schema(s, join(&lp, &i.to_string()), false, out);
            }
        }
    }
    out.push(SchemaAt {
        pointer,
        value: map,
        is_property,
    });
}

/// Component schema names reachable from `roots` through `$ref`s and subschemas.
pub fn reachable_schemas<'a>(
    doc: &'a Value,
    roots: &[&'a Value],
) -> std::collections::BTreeSet<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack: Vec<&Value> = roots.to_vec();
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(name) = schema_ref_name(v) {
                    if seen.insert(name.to_string())
                        && let Some(target) =
                            ref_target(doc, &format!("#/components/schemas/{name}"))
                    {
                        stack.push(target);
                    }
                    continue;
                }
                for (k, child) in map {
                    if k == "example" || k == "examples" || k == "default" || k == "enum" {
                        continue;
                    }
                    stack.push(child);
                }
            }
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    seen
}
