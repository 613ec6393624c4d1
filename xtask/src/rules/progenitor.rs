//! progenitor 0.15.1's limits as rules (shared/reference/progenitor.md §4): each of these would make
//! the generator fail, panic, or generate something else than the spec says.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::findings::Findings;
use crate::locate::join;
use crate::model::{Operation, is_json_media, media_types, operations, parameters, resolve};
use crate::rules::catalog;
use crate::spec::Spec;

/// Runs every progenitor rule.
pub fn check(spec: &Spec, findings: &mut Findings) {
    openapi_version(spec, findings);
    operation_ids(spec, findings);
    for op in operations(&spec.doc) {
        response_bodies(spec, &op, findings);
        request_body(spec, &op, findings);
        path_parameters(spec, &op, findings);
        unsupported_parameters(spec, &op, findings);
    }
    json_response_schema(spec, findings);
    octet_stream_schemas(spec, findings);
}

fn openapi_version(spec: &Spec, findings: &mut Findings) {
    let version = spec.doc.get("openapi");
    let line = spec.line("/openapi");
    match version.and_then(Value::as_str) {
        Some(v) if v.trim().starts_with("3.0.") => {
            if v != "3.0.3" {
                findings.add(
                    &catalog::OPENAPI_VERSION,
                    line,
                    "/openapi",
                    format!("`openapi: {v}` works with progenitor, but the house rule is 3.0.3"),
                );
            }
        }
        Some(v) => findings.add(
            &catalog::OPENAPI_VERSION,
            line,
            "/openapi",
            format!("`openapi: {v}` is not 3.0.x; progenitor 0.15.1 only reads OpenAPI 3.0 (3.1 is rejected, issues #762/#1268)"),
        ),
        None => findings.add(
            &catalog::OPENAPI_VERSION,
            line,
            if version.is_some() { "/openapi" } else { "" },
            match version {
                Some(v) => format!("`openapi` must be the string \"3.0.3\", not {v}"),
                None => "the document has no `openapi` version".into(),
            },
        ),
    }
}

fn operation_ids(spec: &Spec, findings: &mut Findings) {
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    for op in operations(&spec.doc) {
        let Some(id) = op.id() else {
            findings.add(
                &catalog::MISSING_OPERATION_ID,
                spec.line(&op.pointer),
                &op.pointer,
                format!(
                    "{} {} has no `operationId`",
                    op.method.to_uppercase(),
                    op.path
                ),
            );
            continue;
        };
        let method = crate::names::snake_case(id);
        let p = join(&op.pointer, "operationId");
        match seen.get(&method) {
            Some((other, other_pointer)) => {
                let message = if other == id {
                    format!("operationId `{id}` is already used at {other_pointer}")
                } else {
                    format!(
                        "operationId `{id}` becomes the method `{method}()`, like `{other}` at {other_pointer}"
                    )
                };
                findings.add(&catalog::DUPLICATE_OPERATION_ID, spec.line(&p), &p, message);
            }
            None => {
                seen.insert(method, (id.to_string(), op.pointer.clone()));
            }
        }
    }
}

/// How progenitor classifies a response body.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Body {
    None,
    Raw,
    Json(String),
}

impl Body {
    fn describe(&self) -> String {
        match self {
            Body::None => "no body".into(),
            Body::Raw => "a raw (non-JSON) body".into(),
            Body::Json(s) => s.clone(),
        }
    }
}

fn body_of(doc: &Value, response: &Value) -> Body {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Body::None;
    };
    if let Some((_, media)) = content.iter().find(|(k, _)| is_json_media(k)) {
        return match media.get("schema") {
            Some(s) => match crate::model::schema_ref_name(s) {
                Some(name) => Body::Json(format!("`{name}`")),
                None => {
                    let _ = doc;
                    Body::Json(format!(
                        "an inline schema {}",
                        crate::text::shorten(&s.to_string(), 60)
                    ))
                }
            },
            None => Body::Json("JSON without a schema".into()),
        };
    }
    if content.is_empty() {
        Body::None
    } else {
        Body::Raw
    }
}

fn response_bodies(spec: &Spec, op: &Operation<'_>, findings: &mut Findings) {
    let Some(responses) = op.value.get("responses").and_then(Value::as_object) else {
        return;
    };
    let rp = join(&op.pointer, "responses");
    let mut success: Vec<(&str, Body)> = Vec::new();
    let mut error: Vec<(&str, Body)> = Vec::new();
    let has_2xx_range = responses.contains_key("2XX");
    for (code, response) in responses {
        let Some(r) = resolve(&spec.doc, response, &join(&rp, code)) else {
            continue;
        };
        let body = body_of(&spec.doc, r.value);
        let is_default = code == "default";
        let is_success = is_default
            || code == "101"
            || code == "2XX"
            || code.parse::<u16>().is_ok_and(|c| (200..=299).contains(&c));
        let is_error = is_default
            || code == "4XX"
            || code == "5XX"
            || code.parse::<u16>().is_ok_and(|c| (400..=599).contains(&c));
        // progenitor drops a `default` that follows a `2XX` range on the success side.
        if is_success && !(is_default && has_2xx_range) {
            success.push((code, body.clone()));
        }
        if is_error {
            error.push((code, body));
        }
    }
    for (rule, list, what) in [
        (&catalog::SINGLE_SUCCESS_SCHEMA, success, "success"),
        (&catalog::SINGLE_ERROR_SCHEMA, error, "error"),
    ] {
        let mut kinds: Vec<&Body> = list.iter().map(|(_, b)| b).collect();
        kinds.sort();
        kinds.dedup();
        if kinds.len() <= 1 {
            continue;
        }
        let detail: Vec<String> = list
            .iter()
            .map(|(c, b)| format!("{c} → {}", b.describe()))
            .collect();
        let codes: Vec<&str> = list.iter().map(|(c, _)| *c).collect();
        let mut message = format!(
            "{} {what} responses with different bodies ({}): {}; progenitor panics (`response_types.len() <= 1`)",
            if kinds.len() == 2 { "two" } else { "several" },
            codes.join(", "),
            detail.join("; "),
        );
        if codes.contains(&"default") {
            message.push_str("; `default` counts as a success and an error response");
        }
        findings.add(rule, spec.line(&rp), &rp, message);
    }
}

const GENERATED_MEDIA: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

fn request_body(spec: &Spec, op: &Operation<'_>, findings: &mut Findings) {
    let Some(body) = op.value.get("requestBody") else {
        return;
    };
    let Some(r) = resolve(&spec.doc, body, &join(&op.pointer, "requestBody")) else {
        return;
    };
    let Some(content) = r.value.get("content").and_then(Value::as_object) else {
        return;
    };
    let cp = join(&r.pointer, "content");
    if content.len() > 1 {
        let names: Vec<&str> = content.keys().map(String::as_str).collect();
        findings.add(
            &catalog::REQUEST_MEDIA_TYPE,
            spec.line(&cp),
            &cp,
            format!(
                "{} has {} request media types ({}); progenitor panics on more than one (`todo!: more media types than expected`)",
                op.label(),
                names.len(),
                names.join(", ")
            ),
        );
    }
    let manual = op.is_manual();
    let mut generated = false;
    for (name, media) in content {
        let mp = join(&cp, name);
        let base = name.split(';').next().unwrap_or("").trim();
        if base == "multipart/form-data" {
            if !manual {
                findings.add(
                    &catalog::REQUEST_MEDIA_TYPE,
                    spec.line(&mp),
                    &mp,
                    format!("{} has a multipart/form-data body, which progenitor cannot generate, but is not marked `x-sdk-manual: true`", op.label()),
                );
            }
            continue;
        }
        if !GENERATED_MEDIA.contains(&base) {
            findings.add(
                &catalog::REQUEST_MEDIA_TYPE,
                spec.line(&mp),
                &mp,
                format!(
                    "request media type `{name}` is not one progenitor generates (it knows {})",
                    GENERATED_MEDIA.join(", ")
                ),
            );
            continue;
        }
        generated = true;
        if media.get("schema").is_none() {
            findings.add(
                &catalog::REQUEST_MEDIA_TYPE,
                spec.line(&mp),
                &mp,
                format!("request media type `{name}` has no schema (progenitor: \"No schema specified for request body\")"),
            );
        }
        if media
            .get("encoding")
            .and_then(Value::as_object)
            .is_some_and(|e| !e.is_empty())
            && matches!(
                base,
                "application/json" | "application/x-www-form-urlencoded"
            )
        {
            let p = join(&mp, "encoding");
            findings.add(
                &catalog::REQUEST_MEDIA_TYPE,
                spec.line(&p),
                &p,
                format!("`encoding` on a `{base}` body makes progenitor panic (`todo!: media type encoding not empty`)"),
            );
        }
        if matches!(base, "text/plain" | "text/x-markdown")
            && let Some(s) = media.get("schema")
            && let Some(rs) = resolve(&spec.doc, s, &join(&mp, "schema"))
            && !plain_string(rs.value, None)
        {
            findings.add(
                &catalog::REQUEST_MEDIA_TYPE,
                spec.line(&rs.pointer),
                &rs.pointer,
                format!("a `{base}` body must have exactly the schema `{{type: string}}`"),
            );
        }
    }
    if generated && !manual && r.value.get("required") != Some(&Value::Bool(true)) {
        findings.add(
            &catalog::REQUEST_BODY_REQUIRED,
            spec.line(&r.pointer),
            &r.pointer,
            format!("the request body of {} is not `required: true`; progenitor generates a required body anyway (\"TODO bodies may be optional\")", op.label()),
        );
    }
}

/// Whether a schema is exactly `{type: string}` plus `format` (when given) and documentation.
fn plain_string(schema: &Value, format: Option<&str>) -> bool {
    let Some(s) = schema.as_object() else {
        return false;
    };
    s.get("type").and_then(Value::as_str) == Some("string")
        && s.get("format").and_then(Value::as_str) == format
        && s.keys().all(|k| {
            matches!(
                k.as_str(),
                "type"
                    | "format"
                    | "description"
                    | "title"
                    | "example"
                    | "externalDocs"
                    | "readOnly"
                    | "writeOnly"
                    | "deprecated"
                    | "xml"
            ) || k.starts_with("x-")
                || (k == "nullable" && s.get(k) == Some(&Value::Bool(false)))
        })
}

fn octet_stream_schemas(spec: &Spec, findings: &mut Findings) {
    for media in media_types(&spec.doc) {
        if media.name.split(';').next().map(str::trim) != Some("application/octet-stream") {
            continue;
        }
        let sp = join(&media.pointer, "schema");
        let ok = media
            .value
            .get("schema")
            .and_then(|s| resolve(&spec.doc, s, &sp))
            .map(|r| plain_string(r.value, Some("binary")));
        if ok == Some(false) || ok.is_none() && media.value.get("schema").is_none() {
            findings.add(
                &catalog::OCTET_STREAM_SCHEMA,
                spec.line(&sp),
                &sp,
                "an `application/octet-stream` body must have exactly the schema `{type: string, format: binary}` (progenitor: \"invalid schema for application/octet-stream\")",
            );
        }
    }
}

/// The `{name}`s of a path template.
pub fn template_names(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                out.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

fn path_parameters(spec: &Spec, op: &Operation<'_>, findings: &mut Findings) {
    let names = template_names(op.path);
    let params = parameters(&spec.doc, op);
    let path_params: Vec<_> = params.iter().filter(|p| p.location() == "path").collect();
    for name in &names {
        if !path_params.iter().any(|p| p.name() == *name) {
            let similar = crate::text::did_you_mean(name, path_params.iter().map(|p| p.name()));
            findings.add(
                &catalog::PATH_PARAMETER,
                spec.line(&op.pointer),
                &op.pointer,
                format!(
                    "the path has `{{{name}}}` but {} declares no `in: path` parameter named `{name}`{similar}; progenitor panics (\"missing path name mapping\")",
                    op.label()
                ),
            );
        }
    }
    for p in path_params {
        if !names.contains(&p.name()) {
            findings.add(
                &catalog::PATH_PARAMETER,
                spec.line(&p.site),
                &p.site,
                format!(
                    "path parameter `{}` does not appear in the path `{}`{}; progenitor panics (\"{} missing from path\")",
                    p.name(),
                    op.path,
                    crate::text::did_you_mean(p.name(), names.iter().copied()),
                    p.name()
                ),
            );
        }
        if p.value.get("required") != Some(&Value::Bool(true)) {
            findings.add(
                &catalog::PATH_PARAMETER,
                spec.line(&p.pointer),
                &p.pointer,
                format!(
                    "path parameter `{}` is not `required: true`; progenitor asserts that it is",
                    p.name()
                ),
            );
        }
        if let Some(style) = p
            .value
            .get("style")
            .and_then(Value::as_str)
            .filter(|s| *s != "simple")
        {
            let sp = join(&p.pointer, "style");
            findings.add(
                &catalog::PATH_PARAMETER,
                spec.line(&sp),
                &sp,
                format!(
                    "path parameter `{}` has `style: {style}`; progenitor supports only `simple`",
                    p.name()
                ),
            );
        }
    }
}

fn unsupported_parameters(spec: &Spec, op: &Operation<'_>, findings: &mut Findings) {
    for p in parameters(&spec.doc, op) {
        let name = p.name();
        let at = |key: &str| join(&p.pointer, key);
        let mut report = |pointer: String, message: String| {
            if !findings.has(catalog::UNSUPPORTED_PARAMETER.name, &pointer) {
                findings.add(
                    &catalog::UNSUPPORTED_PARAMETER,
                    spec.line(&pointer),
                    &pointer,
                    message,
                );
            }
        };
        if p.location() == "cookie" {
            report(
                at("in"),
                format!("cookie parameter `{name}`: progenitor does not support cookie parameters"),
            );
        }
        if p.value.get("content").is_some() {
            report(
                at("content"),
                format!(
                    "parameter `{name}` uses `content`; progenitor supports only parameters with a `schema`"
                ),
            );
        }
        let style = p.value.get("style").and_then(Value::as_str);
        match (p.location(), style) {
            (_, Some("deepObject")) => report(
                at("style"),
                format!("parameter `{name}` has `style: deepObject`, which progenitor rejects"),
            ),
            ("query", Some(s)) if s != "form" => report(
                at("style"),
                format!(
                    "query parameter `{name}` has `style: {s}`; progenitor supports only `form`"
                ),
            ),
            ("header", Some(s)) if s != "simple" => report(
                at("style"),
                format!(
                    "header parameter `{name}` has `style: {s}`; progenitor supports only `simple`"
                ),
            ),
            _ => {}
        }
        let schema = p
            .value
            .get("schema")
            .and_then(|s| resolve(&spec.doc, s, &at("schema")));
        let ty = schema
            .as_ref()
            .and_then(|s| s.value.get("type"))
            .and_then(Value::as_str);
        match (p.location(), ty) {
            ("header", Some("array")) => report(
                at("schema"),
                format!(
                    "header parameter `{name}` is an array; progenitor generates code for it that does not compile"
                ),
            ),
            ("header" | "path" | "query", Some("object")) => report(
                at("schema"),
                format!(
                    "{} parameter `{name}` is an object; progenitor's Builder interface panics on it (`unreachable`)",
                    p.location()
                ),
            ),
            _ => {}
        }
    }
}

fn json_response_schema(spec: &Spec, findings: &mut Findings) {
    for media in media_types(&spec.doc) {
        if media.place == crate::model::MediaPlace::Response
            && media.is_json()
            && media.value.get("schema").is_none()
        {
            findings.add(
                &catalog::JSON_RESPONSE_SCHEMA,
                spec.line(&media.pointer),
                &media.pointer,
                format!("the `{}` response has no schema; progenitor panics (`todo!: media type encoding, no schema`)", media.name),
            );
        }
        if media.place == crate::model::MediaPlace::Response
            && media.is_json()
            && media
                .value
                .get("encoding")
                .and_then(Value::as_object)
                .is_some_and(|e| !e.is_empty())
        {
            let p = join(&media.pointer, "encoding");
            findings.add(
                &catalog::JSON_RESPONSE_SCHEMA,
                spec.line(&p),
                &p,
                "`encoding` on a JSON response makes progenitor panic (`assert!(mt.encoding.is_empty())`)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_names_are_found_in_order() {
        assert_eq!(template_names("/v2/{a}/x/{b_c}"), vec!["a", "b_c"]);
        assert!(template_names("/v2/x").is_empty());
    }
}
