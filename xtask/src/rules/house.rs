//! The project's own rules (`openapi/README.md`, shared DESIGN.md "Spec rules").

use std::collections::BTreeSet;

use serde_json::Value;

use crate::findings::Findings;
use crate::locate::join;
use crate::model::{
    MediaPlace, Operation, inline_parameters, is_json_media, media_types, operations,
    reachable_schemas, resolve, schema_ref_name, schemas,
};
use crate::rules::catalog;
use crate::rules::progenitor::template_names;
use crate::rules::tsv::OperationsTsv;
use crate::spec::Spec;

/// What the house rules need besides the spec.
#[derive(Debug)]
pub struct HouseOptions<'a> {
    /// The repo's operations.tsv, or why it could not be read.
    pub tsv: Result<&'a OperationsTsv, String>,
    /// Whether every row of operations.tsv must be in the spec.
    pub require_all_operations: bool,
}

/// Runs every house rule.
pub fn check(spec: &Spec, options: &HouseOptions<'_>, findings: &mut Findings) {
    let ops = operations(&spec.doc);
    operations_tsv(spec, &ops, options, findings);
    let declared_tags: BTreeSet<&str> = spec
        .doc
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| {
            t.iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    for op in &ops {
        tags(spec, op, &declared_tags, findings);
        text_field(spec, op, "summary", &catalog::MISSING_SUMMARY, findings);
        text_field(
            spec,
            op,
            "description",
            &catalog::MISSING_DESCRIPTION,
            findings,
        );
        response_codes(spec, op, findings);
        error_responses(spec, op, findings);
        named_bodies_and_example(spec, op, findings);
        paging(spec, op, findings);
    }
    additional_properties_false(spec, findings);
    forbidden_keywords(spec, findings);
    response_enums(spec, &ops, findings);
    response_required(spec, &ops, findings);
    schema_properties(spec, findings);
    shared_headers(spec, findings);
}

fn normalise(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push('{');
            }
            '}' => {
                depth -= 1;
                out.push('}');
            }
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

fn request_kind(spec: &Spec, op: &Operation<'_>) -> Option<&'static str> {
    let Some(body) = op.value.get("requestBody") else {
        return Some("none");
    };
    let r = resolve(&spec.doc, body, "")?;
    let content = r.value.get("content")?.as_object()?;
    let name = content.keys().next()?;
    let base = name.split(';').next().unwrap_or("").trim();
    match base {
        "application/json" => Some("json"),
        "multipart/form-data" => Some("multipart"),
        "application/octet-stream" => Some("binary"),
        _ => None,
    }
}

fn response_kind(spec: &Spec, op: &Operation<'_>) -> Option<&'static str> {
    let response = op.value.get("responses")?.get("200")?;
    let r = resolve(&spec.doc, response, "")?;
    let content = r.value.get("content")?.as_object()?;
    if content.keys().any(|k| is_json_media(k)) {
        Some("json")
    } else if content
        .keys()
        .any(|k| k.starts_with("application/octet-stream"))
    {
        Some("binary")
    } else {
        None
    }
}

fn operations_tsv(
    spec: &Spec,
    ops: &[Operation<'_>],
    options: &HouseOptions<'_>,
    findings: &mut Findings,
) {
    let tsv = match options.tsv {
        Ok(tsv) => tsv,
        Err(ref e) => {
            findings.add(&catalog::OPERATIONS_TSV, 1, "", e.clone());
            return;
        }
    };
    let file = tsv.display.as_str();
    for op in ops {
        let Some(id) = op.id() else { continue };
        let p = join(&op.pointer, "operationId");
        let line = spec.line(&p);
        let Some(row) = tsv.get(id) else {
            findings.add(
                &catalog::OPERATIONS_TSV,
                line,
                &p,
                format!(
                    "operationId `{id}` is not a name in {file}{}",
                    crate::text::did_you_mean(id, tsv.rows.iter().map(|r| r.operation.as_str()))
                ),
            );
            continue;
        };
        if !row.method.eq_ignore_ascii_case(op.method) || normalise(&row.path) != normalise(op.path)
        {
            findings.add(
                &catalog::OPERATIONS_TSV,
                line,
                &p,
                format!(
                    "{file} lists `{id}` as {} {}, but here it is {} {}",
                    row.method,
                    row.path,
                    op.method.to_uppercase(),
                    op.path
                ),
            );
        } else if row.path != op.path {
            let theirs = template_names(&row.path).join(", ");
            let ours = template_names(op.path).join(", ");
            findings.add(
                &catalog::OPERATIONS_TSV,
                line,
                &p,
                format!("{file} names the path parameters of `{id}` {{{theirs}}}, here they are {{{ours}}}"),
            );
        }
        let checks = [
            (
                "request body",
                row.request_body.as_str(),
                request_kind(spec, op),
                "requestBody",
            ),
            (
                "200 response body",
                row.response_body.as_str(),
                response_kind(spec, op),
                "responses",
            ),
        ];
        for (what, expected, actual, key) in checks {
            if let Some(actual) = actual
                && expected != actual
                && matches!(expected, "none" | "json" | "multipart" | "binary")
            {
                let kp = join(&op.pointer, key);
                findings.add(
                    &catalog::OPERATIONS_TSV,
                    spec.line(&kp),
                    &kp,
                    format!(
                        "{file} says the {what} of `{id}` is {expected}, but here it is {actual}"
                    ),
                );
            }
        }
        if row.request_body == "multipart" && !op.is_manual() {
            findings.add(
                &catalog::OPERATIONS_TSV,
                line,
                &p,
                format!(
                    "{file} says `{id}` uploads multipart/form-data: mark it `x-sdk-manual: true`"
                ),
            );
        }
    }
    if options.require_all_operations {
        let present: BTreeSet<&str> = ops.iter().filter_map(|o| o.id()).collect();
        for row in &tsv.rows {
            if !present.contains(row.operation.as_str()) {
                findings.add_with_hint(
                    &catalog::OPERATIONS_TSV,
                    spec.line("/paths"),
                    "/paths",
                    format!("`{}` ({} {}) from {file} is missing", row.operation, row.method, row.path),
                    "add the operation (or run with --no-require-all-operations to check a partial spec)",
                );
            }
        }
    }
}

fn tags(spec: &Spec, op: &Operation<'_>, declared: &BTreeSet<&str>, findings: &mut Findings) {
    let tp = join(&op.pointer, "tags");
    let list: Vec<&str> = op
        .value
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match list.as_slice() {
        [] => findings.add(
            &catalog::MISSING_TAG,
            spec.line(&op.pointer),
            &op.pointer,
            format!("{} has no tag", op.label()),
        ),
        [tag] => {
            if !declared.contains(tag) {
                findings.add(
                    &catalog::MISSING_TAG,
                    spec.line(&tp),
                    &tp,
                    format!(
                        "tag `{tag}` of {} is not declared in the top-level `tags` list{}",
                        op.label(),
                        crate::text::did_you_mean(tag, declared.iter().copied())
                    ),
                );
            }
        }
        _ => findings.add(
            &catalog::MISSING_TAG,
            spec.line(&tp),
            &tp,
            format!(
                "{} has {} tags; it should have exactly one, its API area",
                op.label(),
                list.len()
            ),
        ),
    }
}

fn text_field(
    spec: &Spec,
    op: &Operation<'_>,
    key: &str,
    rule: &catalog::Rule,
    findings: &mut Findings,
) {
    let ok = op
        .value
        .get(key)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty());
    if !ok {
        findings.add(
            rule,
            spec.line(&op.pointer),
            &op.pointer,
            format!("{} has no `{key}`", op.label()),
        );
    }
}

fn response_codes(spec: &Spec, op: &Operation<'_>, findings: &mut Findings) {
    let rp = join(&op.pointer, "responses");
    let Some(responses) = op.value.get("responses").and_then(Value::as_object) else {
        return;
    };
    if !responses.contains_key("200") {
        findings.add(
            &catalog::RESPONSE_CODES,
            spec.line(&rp),
            &rp,
            format!("{} has no `'200'` response", op.label()),
        );
    }
    for code in responses.keys() {
        if matches!(code.as_str(), "200" | "4XX" | "5XX") || code.starts_with("x-") {
            continue;
        }
        let cp = join(&rp, code);
        let why = match code.as_str() {
            "default" => "`default` counts as a success and an error response",
            "204" => {
                "a 204 beside the 200 gives two success bodies; OSM answers 200 with a JSON body"
            }
            c if c.starts_with('2') => "there is exactly one success response, `'200'`",
            c if c.starts_with('4') || c.starts_with('5') => {
                "errors are the `4XX`/`5XX` ranges, which share `ErrorResponse`"
            }
            _ => "the responses are `'200'`, `4XX` and `5XX`",
        };
        findings.add(
            &catalog::RESPONSE_CODES,
            spec.line(&cp),
            &cp,
            format!("response `{code}` is not allowed: {why}"),
        );
    }
}

fn error_responses(spec: &Spec, op: &Operation<'_>, findings: &mut Findings) {
    let rp = join(&op.pointer, "responses");
    let responses = op.value.get("responses").and_then(Value::as_object);
    for range in ["4XX", "5XX"] {
        let Some(response) = responses.and_then(|r| r.get(range)) else {
            findings.add(
                &catalog::ERROR_RESPONSES,
                spec.line(&rp),
                &rp,
                format!("{} has no `{range}` response", op.label()),
            );
            continue;
        };
        let p = join(&rp, range);
        let reference = response.get("$ref").and_then(Value::as_str);
        if reference == Some("#/components/responses/Error") {
            continue;
        }
        let body_is_error = resolve(&spec.doc, response, &p)
            .and_then(|r| {
                r.value
                    .get("content")?
                    .get("application/json")?
                    .get("schema")
                    .cloned()
            })
            .is_some_and(|s| schema_ref_name(&s) == Some("ErrorResponse"));
        let message = match (reference, body_is_error) {
            (Some(r), _) => {
                format!("`{range}` is `$ref: '{r}'`, not `#/components/responses/Error`")
            }
            (None, true) => format!(
                "`{range}` is written inline; the house style is `$ref: '#/components/responses/Error'`"
            ),
            (None, false) => format!("`{range}` does not have the `ErrorResponse` body"),
        };
        findings.add(&catalog::ERROR_RESPONSES, spec.line(&p), &p, message);
    }
}

fn named_bodies_and_example(spec: &Spec, op: &Operation<'_>, findings: &mut Findings) {
    let mut bodies: Vec<(String, &Value, bool)> = Vec::new();
    if let Some(body) = op.value.get("requestBody")
        && let Some(r) = resolve(&spec.doc, body, &join(&op.pointer, "requestBody"))
    {
        bodies.push((r.pointer, r.value, false));
    }
    if let Some(response) = op.value.get("responses").and_then(|r| r.get("200"))
        && let Some(r) = resolve(
            &spec.doc,
            response,
            &join(&join(&op.pointer, "responses"), "200"),
        )
    {
        bodies.push((r.pointer, r.value, true));
    }
    for (pointer, owner, is_response) in bodies {
        let Some(content) = owner.get("content").and_then(Value::as_object) else {
            continue;
        };
        for (name, media) in content {
            if !is_json_media(name) {
                continue;
            }
            let mp = join(&join(&pointer, "content"), name);
            if let Some(schema) = media.get("schema")
                && schema_ref_name(schema).is_none()
            {
                let sp = join(&mp, "schema");
                findings.add(
                    &catalog::NAMED_BODY_SCHEMA,
                    spec.line(&sp),
                    &sp,
                    format!(
                        "the JSON {} body of {} is an inline schema, so its generated type would be named after the operation",
                        if is_response { "success" } else { "request" },
                        op.label()
                    ),
                );
            }
            if is_response && media.get("example").is_none() && media.get("examples").is_none() {
                findings.add(
                    &catalog::MISSING_EXAMPLE,
                    spec.line(&mp),
                    &mp,
                    format!("the `200` JSON response of {} has no `example`", op.label()),
                );
            }
        }
    }
}

fn additional_properties_false(spec: &Spec, findings: &mut Findings) {
    for s in schemas(&spec.doc) {
        if s.value.get("additionalProperties") == Some(&Value::Bool(false)) {
            let p = join(&s.pointer, "additionalProperties");
            findings.add(
                &catalog::ADDITIONAL_PROPERTIES_FALSE,
                spec.line(&p),
                &p,
                "`additionalProperties: false` makes the generated type `deny_unknown_fields`: a new field from Huawei would break decoding",
            );
        }
    }
}

fn forbidden_keywords(spec: &Spec, findings: &mut Findings) {
    for s in schemas(&spec.doc) {
        for key in ["pattern", "nullable", "oneOf", "anyOf"] {
            if let Some(v) = s.value.get(key) {
                if key == "nullable" && v == &Value::Bool(false) {
                    continue;
                }
                let p = join(&s.pointer, key);
                let why = match key {
                    "pattern" => "it becomes a newtype that rejects values the server may send",
                    "nullable" => "the house style keeps fields optional instead",
                    _ => "it becomes an untagged enum or a struct of optional flattened parts",
                };
                findings.add(
                    &catalog::FORBIDDEN_KEYWORD,
                    spec.line(&p),
                    &p,
                    format!("`{key}` is not used in this spec: {why}"),
                );
            }
        }
        if let Some(format @ ("date-time" | "date")) = s.value.get("format").and_then(Value::as_str)
        {
            let p = join(&s.pointer, "format");
            findings.add(
                &catalog::FORBIDDEN_KEYWORD,
                spec.line(&p),
                &p,
                format!("`format: {format}` becomes a chrono type, but the server's date formats vary, so decoding would fail"),
            );
        }
    }
}

/// Names of the component schemas that a response body can contain.
fn response_schema_names(spec: &Spec, ops: &[Operation<'_>]) -> BTreeSet<String> {
    let mut roots: Vec<&Value> = Vec::new();
    for op in ops {
        if let Some(responses) = op.value.get("responses").and_then(Value::as_object) {
            for response in responses.values() {
                if let Some(r) = resolve(&spec.doc, response, "")
                    && let Some(content) = r.value.get("content")
                {
                    roots.push(content);
                }
            }
        }
    }
    for media in media_types(&spec.doc) {
        if media.place == MediaPlace::Response
            && let Some(s) = media.value.get("schema")
        {
            roots.push(s);
        }
    }
    reachable_schemas(&spec.doc, &roots)
}

/// Whether the schema at `pointer` is one a response can contain: inside a reachable component
/// schema, or inline in a response.
fn in_response(pointer: &str, reachable: &BTreeSet<String>) -> bool {
    match pointer.strip_prefix("/components/schemas/") {
        Some(rest) => {
            let name = crate::locate::tokens(&format!("/{rest}"))
                .into_iter()
                .next()
                .unwrap_or_default();
            reachable.contains(&name)
        }
        None => pointer.contains("/responses/") && !pointer.starts_with("/components/parameters"),
    }
}

fn response_enums(spec: &Spec, ops: &[Operation<'_>], findings: &mut Findings) {
    let reachable = response_schema_names(spec, ops);
    for s in schemas(&spec.doc) {
        if s.value.get("enum").is_some() && in_response(&s.pointer, &reachable) {
            let p = join(&s.pointer, "enum");
            findings.add(
                &catalog::RESPONSE_ENUM,
                spec.line(&p),
                &p,
                "`enum` in a schema that responses contain: a value the server adds later would fail decoding",
            );
        }
    }
}

fn paging(spec: &Spec, op: &Operation<'_>, findings: &mut Findings) {
    if let Some(Err(e)) = crate::paging::of_operation(&spec.doc, op.value) {
        let p = join(&op.pointer, "x-sdk-paging");
        findings.add(&catalog::PAGING, spec.line(&p), &p, e);
    }
}

fn response_required(spec: &Spec, ops: &[Operation<'_>], findings: &mut Findings) {
    let reachable = response_schema_names(spec, ops);
    for s in schemas(&spec.doc) {
        let Some(required) = s.value.get("required").and_then(Value::as_array) else {
            continue;
        };
        if required.is_empty() || !in_response(&s.pointer, &reachable) {
            continue;
        }
        let names: Vec<&str> = required.iter().filter_map(Value::as_str).collect();
        let p = join(&s.pointer, "required");
        findings.add(
            &catalog::RESPONSE_REQUIRED,
            spec.line(&p),
            &p,
            format!(
                "`required` ({}) in a schema that responses contain: an answer without {} would fail decoding",
                names.join(", "),
                if names.len() == 1 { "it" } else { "one of them" }
            ),
        );
    }
}

fn schema_properties(spec: &Spec, findings: &mut Findings) {
    for s in schemas(&spec.doc) {
        if !s.is_property || s.value.contains_key("$ref") {
            continue;
        }
        let composed = ["allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| s.value.contains_key(*k));
        let mut missing: Vec<String> = Vec::new();
        let format = s.value.get("format").and_then(Value::as_str);
        match (s.value.get("type").and_then(Value::as_str), format) {
            (None, _) if !composed => missing.push("`type`".into()),
            (Some("integer"), Some("int32" | "int64"))
            | (Some("number"), Some("double" | "float")) => {}
            (Some("integer"), _) => missing.push("`format: int32` or `int64`".into()),
            (Some("number"), _) => missing.push("`format: double`".into()),
            _ => {}
        }
        let described = s
            .value
            .get("description")
            .and_then(Value::as_str)
            .is_some_and(|d| !d.trim().is_empty());
        if !described {
            missing.push("a `description`".into());
        }
        if !missing.is_empty() {
            let name = crate::locate::tokens(&s.pointer).pop().unwrap_or_default();
            findings.add(
                &catalog::SCHEMA_PROPERTY,
                spec.line(&s.pointer),
                &s.pointer,
                format!("property `{name}` has no {}", missing.join(" and no ")),
            );
        }
    }
}

/// The shared headers and the `components/parameters` entries that define them.
const SHARED_HEADERS: [(&str, &str); 6] = [
    ("X-Site", "XSite"),
    ("X-Language", "XLanguage"),
    ("X-Time-Zone", "XTimeZone"),
    (
        "x-service-key",
        "IrobotServiceKeyRequired` or `IrobotServiceKeyOptional",
    ),
    ("x-site", "IrobotSite"),
    ("x-language", "IrobotLanguage"),
];

fn shared_header(name: &str) -> Option<(&'static str, &'static str)> {
    SHARED_HEADERS
        .iter()
        .find(|(h, _)| *h == name)
        .or_else(|| {
            SHARED_HEADERS
                .iter()
                .find(|(h, _)| h.eq_ignore_ascii_case(name))
        })
        .copied()
}

fn shared_headers(spec: &Spec, findings: &mut Findings) {
    for (pointer, p) in inline_parameters(&spec.doc) {
        if p.get("in").and_then(Value::as_str) != Some("header") {
            continue;
        }
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        let Some((canonical, component_name)) = shared_header(name) else {
            continue;
        };
        if pointer.starts_with("/components/parameters/") {
            let sp = join(&pointer, "schema");
            if p.get("schema")
                .is_some_and(|s| schema_ref_name(s).is_none())
            {
                findings.add_with_hint(
                    &catalog::SHARED_HEADER,
                    spec.line(&sp),
                    &sp,
                    format!("the shared header `{name}` has an inline schema, so each use gets its own Rust type"),
                    "move the schema to `components/schemas` and `$ref` it",
                );
            }
            continue;
        }
        findings.add_with_hint(
            &catalog::SHARED_HEADER,
            spec.line(&pointer),
            &pointer,
            format!("the shared header `{name}` is defined inline; it must come from `components/parameters`"),
            format!(
                "replace it with `$ref: '#/components/parameters/{component_name}'`{}",
                if canonical != name { format!(" (the header is spelled `{canonical}`)") } else { String::new() }
            ),
        );
    }
}
