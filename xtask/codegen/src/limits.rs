//! The spec's limits, moved out of the generated types into one table the client checks.
//!
//! typify turns `maxLength`/`minLength` into string newtypes (`Some("x".try_into()?)` for an
//! optional field), `minimum: 1` into `NonZeroU32`, and checks them when *decoding* too, so a longer
//! name from the server would break a response. Instead, [`strip`] removes every limit from the
//! document progenitor sees (the generated types carry plain `String`s and integers), and
//! [`of_operation`] writes the same limits as Rust data: per operation, the rules of its path, query and
//! header parameters and of its request body (JSON, or the parts of a multipart form). The SDK's `pre` hook checks a request against
//! them before anything is sent (`src/operations.rs`). The spec keeps every limit for its readers.
//! (`pattern` is stripped too, but the house rules forbid it in the spec — `forbidden-keyword` —
//! so the table carries no regular expressions.)
//!
//! Run by `build.rs` and by the xtask.

use serde_json::{Map, Value};

/// The limit keywords of a schema.
pub const KEYWORDS: [&str; 11] = [
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "multipleOf",
    "uniqueItems",
];

/// Keys under which a schema object holds other schemas (one each).
const SUBSCHEMA: [&str; 3] = ["items", "additionalProperties", "not"];
/// Keys under which a schema object holds a list of schemas.
const SUBSCHEMA_LISTS: [&str; 3] = ["allOf", "oneOf", "anyOf"];

/// Removes every limit keyword from every schema of the document: components, parameters, request
/// bodies and responses. Examples are data, not schemas, and property *names* are never touched.
pub fn strip(doc: &mut Value) {
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.values_mut().for_each(strip_schema);
    }
    for pointer in ["/components/parameters", "/components/responses"] {
        if let Some(map) = doc.pointer_mut(pointer).and_then(Value::as_object_mut) {
            map.values_mut().for_each(strip_holder);
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (key, op) in item.iter_mut() {
                if key == "parameters" {
                    op.as_array_mut()
                        .into_iter()
                        .flatten()
                        .for_each(strip_holder);
                    continue;
                }
                let Some(op) = op.as_object_mut() else {
                    continue;
                };
                for param in op
                    .get_mut("parameters")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    strip_holder(param);
                }
                if let Some(body) = op.get_mut("requestBody") {
                    strip_holder(body);
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    responses.values_mut().for_each(strip_holder);
                }
            }
        }
    }
}

/// A parameter, request body or response: its `schema`, or the schemas of its `content`.
fn strip_holder(holder: &mut Value) {
    if let Some(schema) = holder.get_mut("schema") {
        strip_schema(schema);
    }
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        for media in content.values_mut() {
            if let Some(schema) = media.get_mut("schema") {
                strip_schema(schema);
            }
        }
    }
}

fn strip_schema(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    for keyword in KEYWORDS {
        map.remove(keyword);
    }
    for key in SUBSCHEMA {
        if let Some(sub) = map.get_mut(key) {
            strip_schema(sub);
        }
    }
    for key in SUBSCHEMA_LISTS {
        if let Some(list) = map.get_mut(key).and_then(Value::as_array_mut) {
            list.iter_mut().for_each(strip_schema);
        }
    }
    if let Some(props) = map.get_mut("properties").and_then(Value::as_object_mut) {
        props.values_mut().for_each(strip_schema);
    }
}

/// One operation's limits, as the Rust source of its `params` slice and `body` rule.
pub struct OperationLimits {
    /// `&[Param { .. }, ..]`
    pub params: String,
    /// `None` or `Some(&Rule { .. })`
    pub body: String,
}

/// The limits of one operation object of the spec (`doc` resolves `$ref`s).
/// `path_params` are the parameters declared on the path item, shared by its operations.
pub fn of_operation(doc: &Value, path_params: Option<&Value>, op: &Value) -> OperationLimits {
    let mut params = Vec::new();
    let declared = path_params
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    for param in declared {
        let param = resolve(doc, param);
        let location = match param.get("in").and_then(Value::as_str) {
            Some("path") => "Path",
            Some("query") => "Query",
            Some("header") => "Header",
            _ => continue,
        };
        let Some(name) = param.get("name").and_then(Value::as_str) else {
            continue;
        };
        let schema = param.get("schema").map(|s| resolve(doc, s));
        let required = param
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let rule = schema.and_then(|s| rule_of(doc, s, 0));
        let is_array = schema.is_some_and(|s| kind_of(doc, s) == "Array");
        // A required array must not be empty, which the generated code does not check.
        if rule.is_none() && !(required && is_array) {
            continue;
        }
        let rule = rule.unwrap_or_else(|| {
            format!(
                "Rule {{ kind: Kind::{}, ..Rule::NONE }}",
                schema.map_or("Any", |s| kind_of(doc, s))
            )
        });
        params.push(format!(
            "Param {{ name: {name:?}, location: Location::{location}, required: {required}, rule: {rule} }}"
        ));
    }
    // A JSON body, or the parts of a multipart form (checked by the hand-written uploads).
    let body = ["application~1json", "multipart~1form-data"]
        .iter()
        .find_map(|media| op.pointer(&format!("/requestBody/content/{media}/schema")))
        .and_then(|s| rule_of(doc, resolve(doc, s), 0))
        .map_or_else(|| "None".to_string(), |r| format!("Some(&{r})"));
    OperationLimits {
        params: format!("&[{}]", params.join(", ")),
        body,
    }
}

/// Follows a `$ref` to `components/*` (once per level; the spec has no chains longer than that).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut value = value;
    for _ in 0..8 {
        let Some(target) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| doc.pointer(pointer))
        else {
            break;
        };
        value = target;
    }
    value
}

fn kind_of(doc: &Value, schema: &Value) -> &'static str {
    match resolve(doc, schema).get("type").and_then(Value::as_str) {
        Some("string") => "String",
        Some("integer") => "Integer",
        Some("number") => "Number",
        Some("boolean") => "Boolean",
        Some("array") => "Array",
        Some("object") => "Object",
        _ => "Any",
    }
}

/// The Rust source of a `Rule` for `schema`, or `None` when neither it nor anything inside it
/// has a limit.
fn rule_of(doc: &Value, schema: &Value, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    let schema = resolve(doc, schema);
    let map: &Map<String, Value> = schema.as_object()?;
    let mut fields = Vec::new();
    let count = |key: &str| map.get(key).and_then(Value::as_u64);
    let number = |key: &str| map.get(key).and_then(Value::as_f64);
    for (field, value) in [
        ("min_length", count("minLength")),
        ("max_length", count("maxLength")),
        ("min_items", count("minItems")),
        ("max_items", count("maxItems")),
    ] {
        if let Some(v) = value {
            fields.push(format!("{field}: Some({v})"));
        }
    }
    for (field, value) in [
        ("minimum", number("minimum")),
        ("maximum", number("maximum")),
    ] {
        if let Some(v) = value {
            fields.push(format!("{field}: Some({v:?})"));
        }
    }
    if let Some(items) = map.get("items").and_then(|i| rule_of(doc, i, depth + 1)) {
        fields.push(format!("items: Some(&{items})"));
    }
    let mut properties: Vec<(&String, String)> = Vec::new();
    // allOf members contribute their properties (the spec uses allOf only to compose objects).
    let composed = map
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| resolve(doc, s));
    for holder in std::iter::once(schema).chain(composed) {
        for (name, prop) in holder
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(rule) = rule_of(doc, prop, depth + 1) {
                properties.push((name, rule));
            }
        }
    }
    if !properties.is_empty() {
        let list: Vec<String> = properties
            .iter()
            .map(|(name, rule)| format!("({name:?}, {rule})"))
            .collect();
        fields.push(format!("properties: &[{}]", list.join(", ")));
    }
    if fields.is_empty() {
        return None;
    }
    Some(format!(
        "Rule {{ kind: Kind::{}, {}, ..Rule::NONE }}",
        kind_of(doc, schema),
        fields.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strip_removes_limits_but_not_properties_named_like_them_or_examples() {
        let mut doc = json!({
            "components": {"schemas": {"A": {
                "type": "object",
                "properties": {
                    "maxLength": {"type": "string", "maxLength": 3},
                    "list": {"type": "array", "maxItems": 2, "items": {"type": "integer", "minimum": 1}}
                },
                "example": {"maxLength": "abc"}
            }}}
        });
        strip(&mut doc);
        assert_eq!(
            doc,
            json!({
                "components": {"schemas": {"A": {
                    "type": "object",
                    "properties": {
                        "maxLength": {"type": "string"},
                        "list": {"type": "array", "items": {"type": "integer"}}
                    },
                    "example": {"maxLength": "abc"}
                }}}
            })
        );
    }

    #[test]
    fn rules_follow_refs_and_prune_what_has_no_limit() {
        let doc = json!({
            "components": {"schemas": {
                "Body": {"type": "object", "properties": {
                    "name": {"type": "string", "maxLength": 5},
                    "free": {"type": "string"},
                    "tags": {"type": "array", "maxItems": 2, "items": {"$ref": "#/components/schemas/Tag"}}
                }},
                "Tag": {"type": "string", "minLength": 1}
            }}
        });
        let op = json!({
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
                {"name": "ids", "in": "query", "required": true, "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "free", "in": "query", "schema": {"type": "string"}}
            ],
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}}
        });
        let limits = of_operation(&doc, None, &op);
        assert_eq!(
            limits.params,
            "&[Param { name: \"limit\", location: Location::Query, required: false, rule: Rule { kind: Kind::Integer, maximum: Some(100.0), ..Rule::NONE } }, \
             Param { name: \"ids\", location: Location::Query, required: true, rule: Rule { kind: Kind::Array, ..Rule::NONE } }]"
        );
        assert_eq!(
            limits.body,
            "Some(&Rule { kind: Kind::Object, properties: &[(\"name\", Rule { kind: Kind::String, max_length: Some(5), ..Rule::NONE }), \
             (\"tags\", Rule { kind: Kind::Array, max_items: Some(2), items: Some(&Rule { kind: Kind::String, min_length: Some(1), ..Rule::NONE }), ..Rule::NONE })], ..Rule::NONE })"
        );
    }
}
