//! The spec's OpenAPI 3.0 schemas as the plain JSON Schema a tool's `inputSchema` and
//! `outputSchema` are: `$ref`s inlined (MCP clients do not resolve references), the spec's own
//! keywords (`example`, `x-…`, `deprecated`, `readOnly`…) left out. The limits (`maxLength`,
//! `minimum`, `maxItems`…) stay, so an agent sees the same limits the SDK checks.
//!
//! An output schema accepts what the SDK decodes: a field may be `null` (every response field is
//! optional), and the schemas of the documented contradictions (`huaweicloud_osm::lenient`) accept
//! both shapes.

use serde_json::{Map, Value, json};

/// Keywords of JSON Schema kept from the spec's schemas.
const KEPT: [&str; 16] = [
    "type",
    "format",
    "description",
    "properties",
    "items",
    "required",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
];

/// The schemas the SDK decodes leniently (`src/lenient.rs`: a field whose docs contradict their own
/// examples), with what an answer may carry there.
fn lenient(name: &str) -> Option<Value> {
    Some(match name {
        "Flag" => json!({"type": ["boolean", "integer", "string", "null"]}),
        "LenientInteger" => json!({"type": ["integer", "string", "null"]}),
        "CcEmailInfos" => json!({"type": ["object", "array", "null"]}),
        _ => return None,
    })
}

/// Which side of the exchange a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Arguments the agent sends: exactly as the spec states them.
    Input,
    /// An answer: as leniently as the SDK decodes it.
    Output,
}

/// Turns the spec's schemas into self-contained JSON Schemas.
pub struct Converter<'a> {
    schemas: &'a Map<String, Value>,
    side: Side,
    /// The named schemas being inlined (a schema that contains itself is cut there).
    stack: Vec<String>,
}

impl<'a> Converter<'a> {
    /// A converter reading `#/components/schemas` of `spec`.
    pub fn new(spec: &'a Value, side: Side) -> Self {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let schemas = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new));
        Converter {
            schemas,
            side,
            stack: Vec::new(),
        }
    }

    /// The JSON Schema of `schema` (a spec schema or a `$ref` to one).
    pub fn convert(&mut self, schema: &Value) -> Value {
        let Some(object) = schema.as_object() else {
            return json!({});
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or_default().to_string();
            let mut resolved = self.named(&name);
            // A description beside the reference describes this use of it.
            if let (Some(description), Some(target)) =
                (object.get("description"), resolved.as_object_mut())
            {
                target.insert("description".into(), description.clone());
            }
            return resolved;
        }
        let mut out = Map::new();
        for (key, value) in object {
            if !KEPT.contains(&key.as_str()) {
                continue;
            }
            let value = match key.as_str() {
                "properties" => Value::Object(
                    value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, property)| (name.clone(), self.field(property)))
                        .collect(),
                ),
                "items" | "additionalProperties" if value.is_object() => self.convert(value),
                "allOf" | "anyOf" | "oneOf" => Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|s| self.convert(s))
                        .collect(),
                ),
                // An answer need not carry what the spec requires (the SDK decodes it anyway).
                "required" if self.side == Side::Output => continue,
                _ => value.clone(),
            };
            out.insert(key.clone(), value);
        }
        Value::Object(out)
    }

    /// A field of an object: on the output side it may also be `null`.
    fn field(&mut self, schema: &Value) -> Value {
        let mut converted = self.convert(schema);
        if self.side == Side::Output {
            allow_null(&mut converted);
        }
        converted
    }

    fn named(&mut self, name: &str) -> Value {
        if self.side == Side::Output
            && let Some(schema) = lenient(name)
        {
            return schema;
        }
        if self.stack.iter().any(|n| n == name) {
            return json!({ "description": format!("(recursive: the shape of {name})") });
        }
        let Some(schema) = self.schemas.get(name) else {
            return json!({});
        };
        self.stack.push(name.to_string());
        let converted = self.convert(schema);
        self.stack.pop();
        converted
    }
}

/// Lets a schema also match `null` (`"type": "string"` -> `["string", "null"]`).
fn allow_null(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let has_all_of = object.contains_key("allOf");
    match object.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            object.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
            types.push("null".into());
        }
        // No type (allOf, any value): wrap so that null also matches.
        _ if has_all_of => {
            let inner = std::mem::take(object);
            object.insert(
                "anyOf".into(),
                json!([Value::Object(inner), {"type": "null"}]),
            );
        }
        _ => {}
    }
}
