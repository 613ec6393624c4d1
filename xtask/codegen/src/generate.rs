//! The one place that turns `openapi/osm.yaml` into Rust: generator settings and spec preparation.
//!
//! Run by the SDK's `build.rs` and by `cargo xtask validate` / `cargo xtask codegen`, so the
//! validator runs exactly the generator the build runs.

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

use crate::names::snake_case;

/// HTTP methods of an OpenAPI path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// Operations marked with this extension are hand-written in `src/attachments.rs`.
pub const MANUAL_EXTENSION: &str = "x-sdk-manual";

/// Rust type that replaces the spec's `ErrorResponse` schema (it also keeps status and raw body).
pub const ERROR_TYPE: &str = "crate::error::ServiceError";

/// Named schemas of the spec that hand-written types replace in the generated code, with the
/// traits those types implement (typify consults them for defaults and the CLI): `CaseStatus`,
/// the open ticket status (every response field carrying one is typed), and the lenient types of
/// the documented contradictions (`src/lenient.rs`).
pub fn replacements() -> [(&'static str, &'static str, Vec<TypeImpl>); 4] {
    let scalar = || vec![TypeImpl::Default, TypeImpl::Display, TypeImpl::FromStr];
    [
        ("CaseStatus", "crate::values::CaseStatus", scalar()),
        ("Flag", "crate::lenient::Flag", scalar()),
        ("LenientInteger", "crate::lenient::Integer", scalar()),
        (
            "CcEmailInfos",
            "crate::lenient::OneOrMany<crate::types::IncidentOrderCcEmailInfoV2>",
            vec![TypeImpl::Default],
        ),
    ]
}

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
    settings_in("crate")
}

/// The same settings for code that lives outside the SDK crate and reaches it as `root` (the
/// command-line tool's `huaweicloud_osm`): the hand-written types that replace schemas are named
/// from there.
pub fn settings_in(root: &str) -> GenerationSettings {
    let path = |rust: &str| rust.replace("crate::", &format!("{root}::"));
    let inner: proc_macro2::TokenStream = path("crate::client::Shared")
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
        .with_replacement(
            "ErrorResponse",
            path(ERROR_TYPE),
            std::iter::empty::<TypeImpl>(),
        );
    for (schema, rust, impls) in replacements() {
        settings.with_replacement(schema, path(rust), impls.into_iter());
    }
    settings
}

/// Parses the YAML text of a spec into JSON, the form every later step works on
/// ([`crate::yaml`]).
pub fn parse_yaml(text: &str) -> Result<serde_json::Value, String> {
    crate::yaml::to_json(text).map_err(|e| e.message)
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
    generate_with(doc, true)
}

/// [`generate`], with the typed httpmock helpers only when `mocks` is set (the SDK's build script
/// makes them only for its `httpmock` feature; `Generated::mocks` is empty otherwise).
pub fn generate_with(doc: serde_json::Value, mocks: bool) -> Result<Generated, String> {
    let table = operation_table(&doc)?;
    let pagings = crate::paging::of_spec(&doc)?;
    let manual = crate::directions::manual_roots(&doc, is_manual);
    let mut doc = doc;
    strip_manual_operations(&mut doc);
    crate::limits::strip(&mut doc);
    let operations = count_operations(&doc);
    let doc_for_mocks = mocks.then(|| doc.clone());
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(doc).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let mut generator = Generator::new(&settings());
    let client = generator
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor: {e}"))?;
    let mut client: syn::File =
        syn::parse2(client).map_err(|e| format!("generated code does not parse: {e}"))?;
    let rewritten = crate::passes::apply(&mut client, &pagings)?;
    crate::builders::request_only(&mut client)?;
    crate::directions::by_direction(&mut client, &manual)?;
    crate::schemas::behind_feature(&mut client)?;
    if rewritten.sends != operations {
        return Err(format!(
            "the one-error-type pass rewrote {} `send()`s for {operations} operations: progenitor's \
             output changed shape (see huaweicloud-osm-codegen: passes.rs)",
            rewritten.sends
        ));
    }
    let client = prettyplease::unparse(&client);
    if client.contains("TryInto<::std::option::Option<") {
        return Err(
            "an optional-field setter was not rewritten: progenitor's output changed shape \
             (see huaweicloud-osm-codegen: passes.rs)"
                .into(),
        );
    }
    // Errors flow as the SDK's values: none of progenitor's error plumbing may be left.
    for leftover in PROGENITOR_ERROR_PATH {
        if client.contains(leftover) {
            return Err(format!(
                "the generated code still has `{leftover}`: progenitor's output changed shape \
                 (see huaweicloud-osm-codegen: passes.rs)"
            ));
        }
    }
    check_table_covers(&client, &table)?;
    let mocks = match doc_for_mocks {
        Some(doc) => generate_mocks(doc, operations)?,
        None => String::new(),
    };
    Ok(Generated {
        client,
        mocks,
        operations,
        table,
    })
}

/// The typed httpmock helpers of a prepared document with `operations` generated operations.
fn generate_mocks(doc: serde_json::Value, operations: usize) -> Result<String, String> {
    let mock_spec: openapiv3::OpenAPI = serde_json::from_value(scalar_array_query_params(doc))
        .map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let mocks = Generator::new(&settings())
        .httpmock(&mock_spec, "crate")
        .map_err(|e| format!("progenitor httpmock: {e}"))?;
    let mut mocks: syn::File =
        syn::parse2(mocks).map_err(|e| format!("generated mocks do not parse: {e}"))?;
    let answered = crate::mock_passes::apply(&mut mocks)?;
    if answered != operations {
        return Err(format!(
            "the mocks' `osm_error` pass extended {answered} `Then`s for {operations} operations: \
             progenitor's httpmock output changed shape (see huaweicloud-osm-codegen: mock_passes.rs)"
        ));
    }
    Ok(prettyplease::unparse(&mocks))
}

/// What the generated client must not contain once its `send()`s are rewritten: progenitor's own
/// error type and error-status decoding, and its hook calls.
pub const PROGENITOR_ERROR_PATH: [&str; 7] = [
    "(Error::InvalidRequest)",
    "Error::ErrorResponse",
    "Error::UnexpectedResponse",
    "Error<crate::error::ServiceError>",
    "ResponseValue::from_response",
    "client.pre(",
    "client.exec(",
];

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
            }
            let limits = crate::limits::of_operation(doc, item.get("parameters"), op);
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
                limits,
            ));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out =
        String::from("/// Every operation of the spec, sorted by `id` (generated by build.rs).\n");
    out.push_str("pub(crate) const OPERATIONS: &[OperationMeta] = &[\n");
    for (id, name, method, path, headers, idempotent, manual, limits) in rows {
        out.push_str(&format!(
            "    OperationMeta {{ id: {id:?}, name: {name:?}, method: {method:?}, path: {path:?}, headers: {headers}, idempotent: {idempotent}, manual: {manual}, params: {}, body: {} }},\n",
            limits.params, limits.body
        ));
    }
    out.push_str("];\n");
    Ok(out)
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

/// How many operations (method entries under `paths`) a document has.
pub fn count_operations(doc: &serde_json::Value) -> usize {
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
