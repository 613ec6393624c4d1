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
    serde_yaml::from_str(text).map_err(|e| {
        match e.location() {
            Some(loc) => format!("YAML error at line {}, column {}: {e}", loc.line(), loc.column()),
            None => format!("YAML error: {e}"),
        }
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
    let mut doc = doc;
    strip_manual_operations(&mut doc);
    let operations = count_operations(&doc);
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(doc).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let mut generator = Generator::new(&settings());
    let client = generator
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor: {e}"))?;
    let mocks = generator
        .httpmock(&spec, "crate")
        .map_err(|e| format!("progenitor httpmock: {e}"))?;
    Ok(Generated {
        client: format_tokens(client)?,
        mocks: format_tokens(mocks)?,
        operations,
    })
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
