//! Rule `unresolved-ref`: every `$ref` resolves inside the file, and schema `$ref`s point into
//! `#/components/schemas/` (typify names types after that last segment and panics otherwise).

use serde_json::Value;

use crate::findings::Findings;
use crate::locate::{join, tokens};
use crate::model::{ref_target, schemas};
use crate::rules::catalog;
use crate::spec::Spec;
use crate::text::did_you_mean;

/// Records an `unresolved-ref` finding for each `$ref` that does not resolve.
pub fn check(spec: &Spec, findings: &mut Findings) {
    let mut refs = Vec::new();
    collect(&spec.doc, String::new(), None, &mut refs);
    for (pointer, reference) in refs {
        let ref_pointer = join(&pointer, "$ref");
        let line = spec.line(&ref_pointer);
        if !reference.starts_with('#') {
            findings.add_with_hint(
                &catalog::UNRESOLVED_REF,
                line,
                &ref_pointer,
                format!("`{reference}` refers to another document; the spec must be one self-contained file"),
                "move the referenced definition into this file's `components` and refer to it as `#/components/…`",
            );
            continue;
        }
        if ref_target(&spec.doc, &reference).is_some() {
            continue;
        }
        // Suggest a close name among the siblings of the missing target.
        let toks = tokens(reference.trim_start_matches('#'));
        let suggestion = toks.split_last().map(|(last, parent)| {
            let parent_pointer: String = parent.iter().map(|t| join("", t)).collect();
            let siblings: Vec<&str> = spec
                .doc
                .pointer(&parent_pointer)
                .and_then(Value::as_object)
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            did_you_mean(last, siblings)
        });
        findings.add(
            &catalog::UNRESOLVED_REF,
            line,
            &ref_pointer,
            format!(
                "`$ref: '{reference}'` points to nothing in this file{}",
                suggestion.unwrap_or_default()
            ),
        );
    }
    for schema in schemas(&spec.doc) {
        let Some(reference) = schema.value.get("$ref").and_then(Value::as_str) else {
            continue;
        };
        if reference.starts_with("#/components/schemas/")
            || ref_target(&spec.doc, reference).is_none()
        {
            continue;
        }
        let p = join(&schema.pointer, "$ref");
        findings.add_with_hint(
            &catalog::UNRESOLVED_REF,
            spec.line(&p),
            &p,
            format!("schema `$ref: '{reference}'` does not point into `#/components/schemas/`, which progenitor requires"),
            "define the schema under `components/schemas/<Name>` and refer to it as `#/components/schemas/<Name>`",
        );
    }
}

/// Collects `(pointer of the object, $ref)` pairs, skipping example data and extensions.
fn collect(
    value: &Value,
    pointer: String,
    parent_key: Option<&str>,
    out: &mut Vec<(String, String)>,
) {
    match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                out.push((pointer.clone(), r.to_string()));
            }
            let in_properties = parent_key == Some("properties");
            let in_examples = parent_key == Some("examples");
            for (key, child) in map {
                let is_data = !in_properties
                    && (matches!(key.as_str(), "example" | "default" | "enum")
                        || key.starts_with("x-"));
                if is_data || key == "$ref" {
                    continue;
                }
                let grand = if in_examples {
                    Some("examples-entry")
                } else {
                    Some(key.as_str())
                };
                if parent_key == Some("examples-entry") && key == "value" {
                    continue;
                }
                collect(child, join(&pointer, key), grand, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, join(&pointer, &i.to_string()), None, out);
            }
        }
        _ => {}
    }
}
