//! Rules `example-invalid` and `example-unknown-property`: every example validates against its
//! schema.
//!
//! The OpenAPI 3.0 schema subset is translated to JSON Schema draft-04 (whose boolean
//! `exclusiveMinimum`/`exclusiveMaximum` match OpenAPI 3.0): `type`, `nullable`, `format` int32 and
//! int64 (as ranges), `properties`, `required`, `items`, `additionalProperties`, the numeric,
//! string, array and object limits, `enum`, `pattern`, `allOf`/`anyOf`/`oneOf`/`not`, and `$ref`
//! to `#/components/schemas/<Name>` (as `#/definitions/<Name>`). Other formats are not checked:
//! the house rules keep date-times as plain strings.
//!
//! Examples checked: `example` and `examples/*/value` of every media type (responses, request
//! bodies, parameters' content) and of every inline parameter, and the `example` and `default` of
//! every schema (progenitor rejects a `default` that does not match, without saying where).

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::findings::Findings;
use crate::locate::join;
use crate::model::{component, inline_parameters, media_types, resolve, schemas};
use crate::rules::catalog;
use crate::spec::Spec;
use crate::text::show;

/// Translates one OpenAPI 3.0 schema to JSON Schema draft-04. `known` holds the names of the
/// component schemas; a `$ref` to any other name (reported by `unresolved-ref`) accepts anything,
/// so the rest of the example is still checked.
pub fn translate(schema: &Value, known: &BTreeSet<String>) -> Value {
    let translate = |s: &Value| translate(s, known);
    let Some(s) = schema.as_object() else {
        return json!({});
    };
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return match r
            .strip_prefix("#/components/schemas/")
            .filter(|n| known.contains(*n))
        {
            Some(name) => {
                json!({ "$ref": format!("#/definitions/{}", crate::locate::escape(name)) })
            }
            None => json!({}),
        };
    }
    let nullable = s.get("nullable").and_then(Value::as_bool).unwrap_or(false);
    let mut out = Map::new();
    if let Some(t) = s.get("type").and_then(Value::as_str) {
        out.insert(
            "type".into(),
            if nullable {
                json!([t, "null"])
            } else {
                json!(t)
            },
        );
    }
    let mut all_of: Vec<Value> = Vec::new();
    match s.get("format").and_then(Value::as_str) {
        Some("int32") => all_of.push(json!({"minimum": i32::MIN, "maximum": i32::MAX})),
        Some("int64") => all_of.push(json!({"minimum": i64::MIN, "maximum": i64::MAX})),
        _ => {}
    }
    const COPIED: [&str; 14] = [
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "required",
    ];
    for key in COPIED {
        if let Some(v) = s.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(Value::Array(values)) = s.get("enum") {
        let mut values = values.clone();
        if nullable {
            values.push(Value::Null);
        }
        out.insert("enum".into(), Value::Array(values));
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        let props: Map<String, Value> = props
            .iter()
            .map(|(k, v)| (k.clone(), translate(v)))
            .collect();
        out.insert("properties".into(), Value::Object(props));
    }
    if let Some(items) = s.get("items") {
        out.insert("items".into(), translate(items));
    }
    match s.get("additionalProperties") {
        Some(Value::Bool(b)) => {
            out.insert("additionalProperties".into(), json!(b));
        }
        Some(v @ Value::Object(_)) => {
            out.insert("additionalProperties".into(), translate(v));
        }
        _ => {}
    }
    if let Some(n) = s.get("not") {
        out.insert("not".into(), translate(n));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(list)) = s.get(key) {
            out.insert(
                key.into(),
                Value::Array(list.iter().map(translate).collect()),
            );
        }
    }
    if let Some(Value::Array(list)) = s.get("allOf") {
        all_of.extend(list.iter().map(&translate));
    }
    if !all_of.is_empty() {
        out.insert("allOf".into(), Value::Array(all_of));
    }
    Value::Object(out)
}

/// All component schemas, translated, as a `definitions` map.
fn definitions(doc: &Value, known: &BTreeSet<String>) -> Value {
    let defs: Map<String, Value> = component(doc, "schemas")
        .into_iter()
        .map(|(name, s)| (name.to_string(), translate(s, known)))
        .collect();
    Value::Object(defs)
}

/// One example and the schema it must match.
struct Case<'a> {
    /// Pointer of the example value.
    pointer: String,
    example: &'a Value,
    schema: &'a Value,
    /// For messages: the schema's name or where it is.
    schema_label: String,
    /// `example` or `default`.
    what: &'static str,
}

fn schema_label(schema: &Value) -> String {
    match crate::model::schema_ref_name(schema) {
        Some(name) => format!("schema `{name}`"),
        None => "its schema".into(),
    }
}

fn cases(spec: &Spec) -> Vec<Case<'_>> {
    let doc = &spec.doc;
    let mut out = Vec::new();
    let mut owners: Vec<(String, &Value)> = media_types(doc)
        .into_iter()
        .map(|m| (m.pointer, m.value))
        .collect();
    owners.extend(inline_parameters(doc));
    for (pointer, owner) in owners {
        let Some(schema) = owner.get("schema") else {
            continue;
        };
        let label = schema_label(schema);
        if let Some(example) = owner.get("example") {
            out.push(Case {
                pointer: join(&pointer, "example"),
                example,
                schema,
                schema_label: label.clone(),
                what: "example",
            });
        }
        if let Some(examples) = owner.get("examples").and_then(Value::as_object) {
            for (name, ex) in examples {
                let ex_pointer = join(&join(&pointer, "examples"), name);
                let Some(r) = resolve(doc, ex, &ex_pointer) else {
                    continue;
                };
                if let Some(value) = r.value.get("value") {
                    out.push(Case {
                        pointer: join(&r.pointer, "value"),
                        example: value,
                        schema,
                        schema_label: label.clone(),
                        what: "example",
                    });
                }
            }
        }
    }
    for s in schemas(doc) {
        for what in ["example", "default"] {
            if let Some(example) = s.value.get(what) {
                out.push(Case {
                    pointer: join(&s.pointer, what),
                    example,
                    schema: example_owner(doc, &s.pointer),
                    schema_label: "the schema it belongs to".into(),
                    what,
                });
            }
        }
    }
    out
}

/// The schema at `pointer` (it exists: it was found by walking the document).
fn example_owner<'a>(doc: &'a Value, pointer: &str) -> &'a Value {
    doc.pointer(pointer).unwrap_or(&Value::Null)
}

/// Checks every example; records `example-invalid` and `example-unknown-property` findings.
pub fn check(spec: &Spec, findings: &mut Findings) {
    let known: BTreeSet<String> = component(&spec.doc, "schemas")
        .into_iter()
        .map(|(n, _)| n.to_string())
        .collect();
    let defs = definitions(&spec.doc, &known);
    for case in cases(spec) {
        let root = json!({ "definitions": defs, "allOf": [translate(case.schema, &known)] });
        let validator = match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(false)
            .build(&root)
        {
            Ok(v) => v,
            // A schema that does not compile has an unresolved `$ref` (reported by
            // `unresolved-ref`) or an invalid `pattern` (reported here).
            Err(e) => {
                if !matches!(
                    e.kind(),
                    jsonschema::error::ValidationErrorKind::Referencing(_)
                ) {
                    findings.add(
                        &catalog::EXAMPLE_INVALID,
                        spec.line(&case.pointer),
                        &case.pointer,
                        format!(
                            "cannot check this {}: {} does not compile: {e}",
                            case.what, case.schema_label
                        ),
                    );
                }
                continue;
            }
        };
        for error in validator.iter_errors(case.example) {
            let pointer = format!("{}{}", case.pointer, error.instance_path().as_str());
            let mut message = format!(
                "{} does not match {}: {}",
                case.what,
                case.schema_label,
                describe(&error)
            );
            if let jsonschema::error::ValidationErrorKind::Type { .. } = error.kind()
                && (error.instance().is_number() || error.instance().is_boolean())
                && error.to_string().contains("\"string\"")
            {
                message.push_str(
                    " (YAML reads unquoted numbers and true/false as such: quote the value)",
                );
            }
            findings.add(
                &catalog::EXAMPLE_INVALID,
                spec.line(&pointer),
                &pointer,
                message,
            );
        }
        unknown_properties(spec, case.example, case.schema, &case.pointer, findings, 0);
    }
}

fn describe(error: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::ValidationErrorKind as K;
    let at = error.instance_path().as_str();
    let at = if at.is_empty() {
        String::new()
    } else {
        format!("at `{at}`: ")
    };
    let what = match error.kind() {
        K::Required { property } => format!("required property {property} is missing"),
        K::Maximum { limit } if limit.as_f64().is_some_and(|l| l == i32::MAX as f64) => {
            format!("{} is larger than int32 allows", show(error.instance()))
        }
        K::Minimum { limit } if limit.as_f64().is_some_and(|l| l == i32::MIN as f64) => {
            format!("{} is smaller than int32 allows", show(error.instance()))
        }
        _ => crate::text::shorten(&error.to_string(), 200),
    };
    format!("{at}{what}")
}

/// Reports example properties that the schema does not declare (for object schemas that list
/// `properties` and say nothing about `additionalProperties`).
fn unknown_properties(
    spec: &Spec,
    example: &Value,
    schema: &Value,
    pointer: &str,
    findings: &mut Findings,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let Some(resolved) = resolve(&spec.doc, schema, "") else {
        return;
    };
    let schema = resolved.value;
    if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        return;
    }
    match example {
        Value::Object(fields) => {
            let mut props: Map<String, Value> = Map::new();
            let mut open = schema
                .get("additionalProperties")
                .is_some_and(|a| a != &Value::Bool(false));
            let mut parts = vec![schema];
            if let Some(Value::Array(list)) = schema.get("allOf") {
                for part in list {
                    match resolve(&spec.doc, part, "") {
                        Some(r) => parts.push(r.value),
                        None => open = true,
                    }
                }
            }
            for part in &parts {
                if let Some(p) = part.get("properties").and_then(Value::as_object) {
                    props.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                if part
                    .get("additionalProperties")
                    .is_some_and(|a| a != &Value::Bool(false))
                {
                    open = true;
                }
            }
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            for (key, value) in fields {
                let child = join(pointer, key);
                match props.get(key) {
                    Some(s) => unknown_properties(spec, value, s, &child, findings, depth + 1),
                    None if open => {
                        if let Some(a) = additional {
                            unknown_properties(spec, value, a, &child, findings, depth + 1);
                        }
                    }
                    None if props.is_empty() => {}
                    None => {
                        let name = resolved
                            .via
                            .and_then(|r| r.strip_prefix("#/components/schemas/"))
                            .map(|n| format!("schema `{n}`"))
                            .unwrap_or_else(|| "its schema".into());
                        findings.add(
                            &catalog::EXAMPLE_UNKNOWN_PROPERTY,
                            spec.line(&child),
                            &child,
                            format!(
                                "example property `{key}` is not declared in {name}{}",
                                crate::text::did_you_mean(key, props.keys().map(String::as_str))
                            ),
                        );
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    unknown_properties(
                        spec,
                        item,
                        item_schema,
                        &join(pointer, &i.to_string()),
                        findings,
                        depth + 1,
                    );
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_covers_the_subset() {
        let s = json!({
            "type": "object", "required": ["a"], "nullable": true,
            "properties": {
                "a": {"type": "integer", "format": "int32", "minimum": 0},
                "b": {"type": "array", "maxItems": 2, "items": {"$ref": "#/components/schemas/B"}},
                "c": {"type": "string", "enum": ["x"], "maxLength": 3, "format": "date-time"}
            },
            "additionalProperties": {}
        });
        let known: BTreeSet<String> = ["B".to_string()].into();
        let t = translate(&s, &known);
        assert_eq!(t["type"], json!(["object", "null"]));
        assert_eq!(t["required"], json!(["a"]));
        assert_eq!(t["properties"]["a"]["allOf"][0]["maximum"], json!(i32::MAX));
        assert_eq!(
            t["properties"]["b"]["items"]["$ref"],
            json!("#/definitions/B")
        );
        assert_eq!(t["properties"]["c"]["enum"], json!(["x"]));
        assert!(t["properties"]["c"].get("format").is_none());
        assert_eq!(t["additionalProperties"], json!({}));
        let dangling = translate(&json!({"$ref": "#/components/schemas/Nope"}), &known);
        assert_eq!(dangling, json!({}));
    }
}
