//! Rule `meta-schema`: the document against the OpenAPI 3.0 JSON schema.
//!
//! The schema is vendored from PyPI `openapi-spec-validator` 0.9.0
//! (`resources/schemas/v3.0/schema.json`, Apache-2.0; see `xtask/schemas/`). Its objects forbid
//! unknown keys, so typos such as `requried` are caught. Errors under `oneOf`/`anyOf` are narrowed
//! to the branch that fits best, so a typo inside a schema is reported at the typo, not as "not
//! valid under any of the schemas listed in the 'oneOf' keyword".

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, ValidationError};
use serde_json::Value;

use crate::findings::Findings;
use crate::locate::join;
use crate::rules::catalog;
use crate::spec::Spec;
use crate::text::{did_you_mean, shorten, show};

/// The vendored OpenAPI 3.0 schema (draft-04).
pub const OAS_30_SCHEMA: &str = include_str!("../schemas/oas-3.0.schema.json");

/// One narrowed validation error.
#[derive(Debug, Clone)]
struct Issue {
    pointer: String,
    message: String,
    /// Set for value mismatches (`enum`, `const`), which mark a branch as the wrong variant.
    mismatch: Option<(String, Vec<String>)>,
}

/// Validates the document and records a `meta-schema` finding per problem.
pub fn check(spec: &Spec, findings: &mut Findings) {
    let meta: Value = match serde_json::from_str(OAS_30_SCHEMA) {
        Ok(v) => v,
        Err(e) => {
            findings.add(
                &catalog::META_SCHEMA,
                1,
                "",
                format!("the vendored OpenAPI schema does not parse: {e}"),
            );
            return;
        }
    };
    let validator = match jsonschema::options().with_draft(Draft::Draft4).build(&meta) {
        Ok(v) => v,
        Err(e) => {
            findings.add(
                &catalog::META_SCHEMA,
                1,
                "",
                format!("the vendored OpenAPI schema does not compile: {e}"),
            );
            return;
        }
    };
    let mut issues = Vec::new();
    for error in validator.iter_errors(&spec.doc) {
        flatten(&error, &meta, &mut issues);
    }
    for issue in issues {
        // The `openapi-version` rule explains this one better.
        if issue.pointer == "/openapi" {
            continue;
        }
        findings.add(
            &catalog::META_SCHEMA,
            spec.line(&issue.pointer),
            &issue.pointer,
            issue.message,
        );
    }
}

fn flatten(error: &ValidationError<'_>, meta: &Value, out: &mut Vec<Issue>) {
    let pointer = error.instance_path().as_str().to_string();
    let location = error
        .absolute_keyword_location()
        .map(|u| u.as_str().to_string())
        .unwrap_or_default();
    let keyword_pointer = location
        .split_once('#')
        .map(|(_, f)| f.to_string())
        .unwrap_or_default();
    let issue = |message: String| Issue {
        pointer: pointer.clone(),
        message,
        mismatch: None,
    };
    match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            let branches: Vec<Vec<Issue>> = context
                .iter()
                .map(|branch| {
                    let mut v = Vec::new();
                    for e in branch {
                        flatten(e, meta, &mut v);
                    }
                    v
                })
                .filter(|b| !b.is_empty())
                .collect();
            // Every branch rejects the same value: list all the values that would do.
            let mismatches: Vec<(&String, &(String, Vec<String>))> = branches
                .iter()
                .filter_map(|b| {
                    b.iter()
                        .find_map(|i| i.mismatch.as_ref().map(|m| (&i.pointer, m)))
                })
                .collect();
            if !branches.is_empty()
                && mismatches.len() == branches.len()
                && mismatches.iter().all(|(p, _)| *p == mismatches[0].0)
            {
                let mut allowed: Vec<String> = mismatches
                    .iter()
                    .flat_map(|(_, (_, a))| a.clone())
                    .collect();
                allowed.dedup();
                out.push(Issue {
                    pointer: mismatches[0].0.clone(),
                    message: format!("{} is not one of {}", mismatches[0].1.0, allowed.join(", ")),
                    mismatch: None,
                });
                return;
            }
            let best = branches.into_iter().max_by_key(|b| {
                let mismatches = b.iter().filter(|i| i.mismatch.is_some()).count();
                let depth = b
                    .iter()
                    .map(|i| i.pointer.matches('/').count())
                    .max()
                    .unwrap_or(0);
                (
                    std::cmp::Reverse(mismatches),
                    depth,
                    std::cmp::Reverse(b.len()),
                )
            });
            match best {
                Some(b) => out.extend(b),
                None => out.push(issue(shorten(&error.to_string(), 200))),
            }
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let parent = keyword_pointer
                .strip_suffix("/additionalProperties")
                .and_then(|p| meta.pointer(p));
            let known: Vec<&str> = parent
                .and_then(|p| p.get("properties"))
                .and_then(Value::as_object)
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let patterns: Vec<&str> = parent
                .and_then(|p| p.get("patternProperties"))
                .and_then(Value::as_object)
                .map(|m| {
                    m.keys()
                        .map(String::as_str)
                        .filter(|p| *p != "^x-")
                        .collect()
                })
                .unwrap_or_default();
            for key in unexpected {
                let mut message = format!(
                    "unknown key `{key}`{}",
                    did_you_mean(key, known.iter().copied())
                );
                if known.is_empty() && !patterns.is_empty() {
                    message.push_str(&format!(
                        " (keys here must match {})",
                        patterns.join(" or ")
                    ));
                } else if !known.is_empty() && !message.contains("did you mean") {
                    message.push_str(&format!(
                        "; allowed here: {}",
                        shorten(&known.join(", "), 160)
                    ));
                }
                out.push(Issue {
                    pointer: join(&pointer, key),
                    message,
                    mismatch: None,
                });
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| property.to_string());
            out.push(issue(format!("missing required key `{name}`")));
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            out.push(issue(format!(
                "{} must be of type {expected}",
                show(error.instance())
            )));
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(show).collect())
                .unwrap_or_else(|| vec![show(options)]);
            out.push(Issue {
                pointer: pointer.clone(),
                message: format!(
                    "{} is not one of {}",
                    show(error.instance()),
                    allowed.join(", ")
                ),
                mismatch: Some((show(error.instance()), allowed)),
            });
        }
        ValidationErrorKind::Not { .. } if keyword_pointer.contains("ExampleXORExamples") => {
            out.push(issue("has both `example` and `examples`; keep one".into()));
        }
        ValidationErrorKind::Not { .. } if keyword_pointer.contains("SchemaXORContent") => {
            out.push(issue("needs exactly one of `schema` or `content`".into()));
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            out.push(issue(
                "matches more than one of the shapes allowed here".into(),
            ));
        }
        _ => out.push(issue(shorten(&error.to_string(), 200))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues(yaml: &str) -> Vec<(String, String)> {
        let spec =
            crate::spec::parse(std::path::Path::new("t.yaml"), "t.yaml", yaml.to_string()).unwrap();
        let mut f = Findings::new("t.yaml");
        check(&spec, &mut f);
        f.into_sorted()
            .into_iter()
            .map(|f| (f.pointer, f.message))
            .collect()
    }

    #[test]
    fn a_typo_inside_a_schema_is_reported_at_the_typo() {
        let found = issues(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      requried: [a]\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "/components/schemas/A/requried");
        assert!(
            found[0].1.contains("did you mean `required`"),
            "{}",
            found[0].1
        );
    }

    #[test]
    fn a_wrong_parameter_location_lists_the_allowed_ones() {
        let found = issues(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: a, in: body, schema: {type: string}}\n      responses: {'200': {description: ok}}\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("\"path\""), "{}", found[0].1);
        assert!(found[0].1.contains("\"cookie\""), "{}", found[0].1);
    }

    #[test]
    fn the_known_good_spec_is_clean() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/good-spec.yaml"))
                .unwrap();
        assert_eq!(issues(&text), vec![]);
    }
}
