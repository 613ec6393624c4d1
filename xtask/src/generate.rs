//! The one place that turns `openapi/osm.yaml` into Rust: generator settings and spec preparation.
//!
//! Shared by the SDK's `build.rs` (through `#[path]`) and by `cargo xtask validate` / `cargo xtask
//! codegen`, so the validator runs exactly the generator the build runs. Only std, serde_json,
//! serde_yaml, openapiv3, progenitor, syn, proc-macro2 and prettyplease may be used here: they are
//! dependencies of both the build script and the xtask.

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

/// HTTP methods of an OpenAPI path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// Operations marked with this extension are hand-written in `src/attachments.rs`.
pub const MANUAL_EXTENSION: &str = "x-sdk-manual";

/// Rust type that replaces the spec's `ErrorResponse` schema (it also keeps status and raw body).
pub const ERROR_TYPE: &str = "crate::error::ServiceError";

/// The generated client's code and its typed httpmock helpers, formatted.
pub struct Generated {
    /// The client, its builders and types.
    pub client: String,
    /// `MockServerExt` and the per-operation `When`/`Then` helpers.
    pub mocks: String,
    /// Operations that were generated (manual ones excluded).
    pub operations: usize,
    /// `OPERATIONS`, the table of every operation (manual ones included) the hooks consult.
    pub table: String,
}

/// The generator settings of the project.
pub fn settings() -> GenerationSettings {
    let inner: proc_macro2::TokenStream = "crate::client::Shared"
        .parse()
        .expect("static token stream parses");
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(inner)
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema")
        .with_replacement("ErrorResponse", ERROR_TYPE, std::iter::empty::<TypeImpl>());
    settings
}

/// Parses the YAML text of a spec into JSON, the form every later step works on.
pub fn parse_yaml(text: &str) -> Result<serde_json::Value, String> {
    serde_yaml::from_str(text).map_err(|e| match e.location() {
        Some(loc) => format!(
            "YAML error at line {}, column {}: {e}",
            loc.line(),
            loc.column()
        ),
        None => format!("YAML error: {e}"),
    })
}

/// Whether an operation object is hand-written rather than generated.
pub fn is_manual(operation: &serde_json::Value) -> bool {
    operation
        .get(MANUAL_EXTENSION)
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false)
}

/// Removes the hand-written operations (and path items left empty) before generation.
/// Their schemas stay in `components`, so the hand-written code reuses the generated types.
pub fn strip_manual_operations(doc: &mut serde_json::Value) {
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for item in paths.values_mut() {
        if let Some(item) = item.as_object_mut() {
            item.retain(|key, op| !(METHODS.contains(&key.as_str()) && is_manual(op)));
        }
    }
    paths.retain(|_, item| {
        item.as_object()
            .is_some_and(|o| o.keys().any(|k| METHODS.contains(&k.as_str())))
    });
}

/// Runs progenitor on a prepared document. Errors (not panics) are returned as text; callers that
/// must survive a generator panic wrap this in `catch_unwind`.
pub fn generate(doc: serde_json::Value) -> Result<Generated, String> {
    let table = operation_table(&doc)?;
    let mut doc = doc;
    strip_manual_operations(&mut doc);
    relax_response_schemas(&mut doc);
    plain_integers(&mut doc);
    let operations = count_operations(&doc);
    let doc_for_mocks = doc.clone();
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(doc).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let mut generator = Generator::new(&settings());
    let client = generator
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor: {e}"))?;
    let mock_spec: openapiv3::OpenAPI =
        serde_json::from_value(scalar_array_query_params(doc_for_mocks))
            .map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let mocks = Generator::new(&settings())
        .httpmock(&mock_spec, "crate")
        .map_err(|e| format!("progenitor httpmock: {e}"))?;
    let client = format_tokens(client)?;
    check_table_covers(&client, &table)?;
    Ok(Generated {
        client,
        mocks: format_tokens(mocks)?,
        operations,
        table,
    })
}

/// progenitor's name for an operation: `ListCasesV1` -> `list_cases_v1`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Header bit: the operation takes `X-Site` (or iRobot's `x-site`).
pub const HEADER_SITE: u8 = 1;
/// Header bit: the operation takes `X-Language` (or iRobot's `x-language`).
pub const HEADER_LANGUAGE: u8 = 2;
/// Header bit: the operation takes `X-Time-Zone`.
pub const HEADER_TIME_ZONE: u8 = 4;

/// Rust source of `OPERATIONS`: one `OperationMeta` per operation of the spec, sorted by id.
fn operation_table(doc: &serde_json::Value) -> Result<String, String> {
    let params = doc.pointer("/components/parameters");
    let mut rows = Vec::new();
    let paths = doc
        .get("paths")
        .and_then(|p| p.as_object())
        .ok_or("the spec has no paths")?;
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let name = op
                .get("operationId")
                .and_then(|v| v.as_str())
                .ok_or_else(|| format!("{method} {path} has no operationId"))?;
            let mut headers = 0u8;
            let mut limits = Vec::new();
            for param in op
                .get("parameters")
                .and_then(|p| p.as_array())
                .into_iter()
                .flatten()
            {
                let param = match param.get("$ref").and_then(|r| r.as_str()) {
                    Some(r) => r
                        .strip_prefix("#/components/parameters/")
                        .and_then(|n| params.and_then(|p| p.get(n)))
                        .unwrap_or(param),
                    None => param,
                };
                let location = param.get("in").and_then(|v| v.as_str()).unwrap_or_default();
                let param_name = param
                    .get("name")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                if location == "header" {
                    headers |= match param_name.to_ascii_lowercase().as_str() {
                        "x-site" => HEADER_SITE,
                        "x-language" => HEADER_LANGUAGE,
                        "x-time-zone" => HEADER_TIME_ZONE,
                        _ => 0,
                    };
                }
                if let Some(limit) = param_limit(param, location, param_name) {
                    limits.push(limit);
                }
            }
            let idempotent = method == "get"
                || op
                    .get("x-idempotent")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
            rows.push((
                snake_case(name),
                name.to_string(),
                method.to_uppercase(),
                path.clone(),
                headers,
                idempotent,
                is_manual(op),
                limits.join(", "),
            ));
        }
    }
    rows.sort();
    let mut out =
        String::from("/// Every operation of the spec, sorted by `id` (generated by build.rs).\n");
    out.push_str("pub(crate) const OPERATIONS: &[OperationMeta] = &[\n");
    for (id, name, method, path, headers, idempotent, manual, limits) in rows {
        out.push_str(&format!(
            "    OperationMeta {{ id: {id:?}, name: {name:?}, method: {method:?}, path: {path:?}, headers: {headers}, idempotent: {idempotent}, manual: {manual}, params: &[{limits}] }},\n"
        ));
    }
    out.push_str("];\n");
    out.push_str(&body_rules(doc));
    Ok(out)
}

/// Rust source of `BODY_RULES`: for each operation whose JSON request body has limits the generated
/// types do not check (array item counts, integer ranges), the body schema pruned to those limits,
/// as JSON text (`properties`, `items`, `minItems`, `maxItems`, `minimum`, `maximum`).
fn body_rules(doc: &serde_json::Value) -> String {
    let schemas = doc.pointer("/components/schemas");
    let mut rules = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) {
        for item in paths.values().filter_map(|i| i.as_object()) {
            for (method, op) in item {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let (Some(name), Some(schema)) = (
                    op.get("operationId").and_then(|v| v.as_str()),
                    op.pointer("/requestBody/content/application~1json/schema"),
                ) else {
                    continue;
                };
                if let Some(pruned) = prune_limits(schema, schemas, 0) {
                    rules.push((snake_case(name), pruned.to_string()));
                }
            }
        }
    }
    rules.sort();
    let mut out = String::from(
        "/// Request-body limits the generated types do not check, per operation id (generated by build.rs).\n",
    );
    out.push_str("pub(crate) const BODY_RULES: &[(&str, &str)] = &[\n");
    for (id, json) in rules {
        out.push_str(&format!("    ({id:?}, {json:?}),\n"));
    }
    out.push_str("];\n");
    out
}

fn prune_limits(
    schema: &serde_json::Value,
    schemas: Option<&serde_json::Value>,
    depth: usize,
) -> Option<serde_json::Value> {
    if depth > 12 {
        return None;
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(|r| r.as_str())
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        return prune_limits(schemas?.get(name)?, schemas, depth + 1);
    }
    let mut out = serde_json::Map::new();
    let is_int = schema.get("type").and_then(|t| t.as_str()) == Some("integer");
    for key in ["minItems", "maxItems"] {
        if let Some(v) = schema.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if is_int {
        for key in ["minimum", "maximum"] {
            if let Some(v) = schema.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
    }
    if let Some(props) = schema.get("properties").and_then(|p| p.as_object()) {
        let pruned: serde_json::Map<String, serde_json::Value> = props
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), prune_limits(v, schemas, depth + 1)?)))
            .collect();
        if !pruned.is_empty() {
            out.insert("properties".into(), pruned.into());
        }
    }
    if let Some(items) = schema
        .get("items")
        .and_then(|i| prune_limits(i, schemas, depth + 1))
    {
        out.insert("items".into(), items);
    }
    (!out.is_empty()).then(|| out.into())
}

/// Rust source of a `ParamLimit` for a query or path parameter the generated code does not check
/// itself: integer ranges, array item counts, required arrays. `None` when there is nothing to
/// check.
fn param_limit(param: &serde_json::Value, location: &str, name: &str) -> Option<String> {
    if location != "query" && location != "path" {
        return None;
    }
    let schema = param.get("schema")?;
    let required = param
        .get("required")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let is_array = schema.get("type").and_then(|t| t.as_str()) == Some("array");
    let number_schema = if is_array {
        schema.get("items")?
    } else {
        schema
    };
    let integer = number_schema.get("type").and_then(|t| t.as_str()) == Some("integer");
    let int = |key: &str| {
        number_schema
            .get(key)
            .and_then(|v| v.as_i64())
            .filter(|_| integer)
    };
    let count = |key: &str| {
        schema
            .get(key)
            .and_then(|v| v.as_u64())
            .filter(|_| is_array)
    };
    let (minimum, maximum) = (int("minimum"), int("maximum"));
    let (min_items, max_items) = (count("minItems"), count("maxItems"));
    let checks_array = is_array && (required || min_items.is_some() || max_items.is_some());
    if minimum.is_none() && maximum.is_none() && !checks_array {
        return None;
    }
    Some(format!(
        "ParamLimit {{ name: {name:?}, in_path: {}, required: {required}, min_items: {min_items:?}, max_items: {max_items:?}, minimum: {minimum:?}, maximum: {maximum:?} }}",
        location == "path"
    ))
}

/// Every `operation_id` the generated code passes to the hooks must be in the table.
fn check_table_covers(client: &str, table: &str) -> Result<(), String> {
    for piece in client.split("operation_id: \"").skip(1) {
        let id = piece.split('"').next().unwrap_or_default();
        if !table.contains(&format!("id: {id:?},")) {
            return Err(format!(
                "operation `{id}` is missing from the operation table (naming mismatch)"
            ));
        }
    }
    Ok(())
}

/// Keywords that typify turns into checks when decoding.
const LIMITS: [&str; 9] = [
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "multipleOf",
];

/// Removes the documented limits from every schema a response can contain, so decoding never fails
/// because the server sent a longer name or a larger number than the docs say (the docs are often
/// wrong there). Request-only schemas keep their limits: the generated builders check them before
/// anything is sent. The spec keeps every limit for readers; only the generated types differ.
pub fn relax_response_schemas(doc: &mut serde_json::Value) {
    let mut reachable = std::collections::BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) {
        for item in paths.values().filter_map(|i| i.as_object()) {
            for (method, op) in item {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                if let Some(responses) = op.get("responses") {
                    collect_refs(responses, &mut pending);
                }
            }
        }
    }
    if let Some(responses) = doc.pointer("/components/responses") {
        collect_refs(responses, &mut pending);
    }
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_default();
    while let Some(name) = pending.pop() {
        let first_visit = reachable.insert(name.clone());
        if let Some(schema) = schemas.get(&name).filter(|_| first_visit) {
            collect_refs(schema, &mut pending);
        }
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(|s| s.as_object_mut())
    {
        for (name, schema) in schemas.iter_mut() {
            if reachable.contains(name) {
                strip_limits(schema);
            }
        }
    }
}

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v.as_str()) {
                    ("$ref", Some(r)) => {
                        if let Some(name) = r.strip_prefix("#/components/schemas/") {
                            out.push(name.to_string());
                        }
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn strip_limits(schema: &mut serde_json::Value) {
    match schema {
        serde_json::Value::Object(map) => {
            for limit in LIMITS {
                map.remove(limit);
            }
            for (key, value) in map.iter_mut() {
                // `properties` maps names to schemas; `example`s are data, not schemas.
                if key != "example" && key != "examples" {
                    strip_limits(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_limits),
        _ => {}
    }
}

/// typify turns `minimum: 0` into `u32` and `minimum: 1` into `NonZeroU32`, which makes callers write
/// `NonZeroU32::new(5).unwrap()` for a page size. Integers are generated as their declared format
/// (`i32`/`i64`) and the server checks their range; the bounds stay in the spec for readers.
pub fn plain_integers(doc: &mut serde_json::Value) {
    match doc {
        serde_json::Value::Object(map) => {
            if map.get("type").and_then(|t| t.as_str()) == Some("integer") {
                for bound in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
                    map.remove(bound);
                }
            }
            for (key, value) in map.iter_mut() {
                if key != "example" && key != "examples" {
                    plain_integers(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(plain_integers),
        _ => {}
    }
}

/// progenitor 0.15.1's httpmock generator calls `to_string()` on array query parameters, which does
/// not compile. The mocks are generated from a copy of the spec where such parameters are single
/// strings: `when.search_key("a")` then matches one of the repeated `search_key=` pairs.
pub fn scalar_array_query_params(mut doc: serde_json::Value) -> serde_json::Value {
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for item in paths.values_mut().filter_map(|i| i.as_object_mut()) {
            for (key, op) in item.iter_mut() {
                if !METHODS.contains(&key.as_str()) {
                    continue;
                }
                let Some(params) = op.get_mut("parameters").and_then(|p| p.as_array_mut()) else {
                    continue;
                };
                for param in params {
                    let is_array_query = param.get("in").and_then(|v| v.as_str()) == Some("query")
                        && param.pointer("/schema/type").and_then(|v| v.as_str()) == Some("array");
                    if is_array_query {
                        let item_type = param
                            .pointer("/schema/items/type")
                            .cloned()
                            .unwrap_or_else(|| "string".into());
                        param["schema"] = serde_json::json!({ "type": item_type });
                    }
                }
            }
        }
    }
    doc
}

fn count_operations(doc: &serde_json::Value) -> usize {
    doc.get("paths")
        .and_then(|p| p.as_object())
        .map(|paths| {
            paths
                .values()
                .filter_map(|i| i.as_object())
                .flat_map(|i| i.keys())
                .filter(|k| METHODS.contains(&k.as_str()))
                .count()
        })
        .unwrap_or(0)
}

fn format_tokens(tokens: proc_macro2::TokenStream) -> Result<String, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}
