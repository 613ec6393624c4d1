//! `Serialize` on the types requests send, `Deserialize` on the types responses carry; both on
//! every type only with the SDK's features `serde-serialize` and `serde-deserialize`.
//!
//! typify derives both on every generated type. A client encodes only what it sends and decodes
//! only what it receives, and the derive nobody calls is still expanded, type-checked and written
//! into the crate's metadata: `Deserialize` on the types only requests send and `Serialize` on
//! the types only responses carry were about a fifth of the library's compile time (BENCHMARKS.md,
//! "Build cost"). [`by_direction`] moves each derive a type does not need into
//! `#[cfg_attr(feature = "serde-serialize", derive(::serde::Serialize))]` (or the `Deserialize`
//! one), so that programs which also serve, store or print these values (osm-sandbox, `osm`, the
//! typed mocks) turn the features on. The feature names are aws-sdk-rust's.
//!
//! What a request sends: the `types` the operation builders hold (bodies, query and header
//! values) and the request bodies and parameters of the hand-written operations; what a response
//! carries: the `types` the operations' `send()` return and the responses of the hand-written
//! operations; each with every type inside it. A type neither reaches keeps both derives.
//!
//! Run by `build.rs` (through [`crate::generate`]) and by the xtask.

use std::collections::BTreeSet;

use quote::ToTokens;
use syn::{ImplItem, Item, parse_quote};

use crate::builders::{flatten, is_mod, module_mut, reachable, type_name};
use crate::schemas::move_derive;

/// The types the hand-written operations send and receive, by the names of their schemas (see
/// [`manual_roots`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roots {
    /// Schemas of request bodies and parameters.
    pub sent: BTreeSet<String>,
    /// Schemas of responses.
    pub received: BTreeSet<String>,
}

/// How many types lost a derive to a feature.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moved {
    /// Types with `Serialize` behind `serde-serialize` (only received).
    pub serialize: usize,
    /// Types with `Deserialize` behind `serde-deserialize` (only sent).
    pub deserialize: usize,
}

/// The schemas (`#/components/schemas/X`) the operations `is_manual` picks send (request bodies,
/// parameters) and receive (responses), read from the spec before those operations are removed.
pub fn manual_roots(doc: &serde_json::Value, is_manual: fn(&serde_json::Value) -> bool) -> Roots {
    let mut roots = Roots::default();
    let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) else {
        return roots;
    };
    for item in paths.values().filter_map(|i| i.as_object()) {
        for op in item.values().filter(|op| is_manual(op)) {
            for key in ["requestBody", "parameters"] {
                if let Some(part) = op.get(key) {
                    schema_refs(part, &mut roots.sent);
                }
            }
            if let Some(responses) = op.get("responses") {
                schema_refs(responses, &mut roots.received);
            }
        }
    }
    roots
}

/// The names of the component schemas `value` refers to, anywhere inside it.
fn schema_refs(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(|r| r.as_str())
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.insert(name.to_string());
            }
            map.values().for_each(|v| schema_refs(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| schema_refs(v, out)),
        _ => {}
    }
}

/// Moves the serde derive each generated type does not need behind its feature (see the module's
/// documentation). `manual`: what the hand-written operations send and receive. An error when the
/// generated code does not have the expected shape.
pub fn by_direction(file: &mut syn::File, manual: &Roots) -> Result<Moved, String> {
    let (mut sent, mut received) = code_roots(file)?;
    sent.extend(manual.sent.iter().cloned());
    received.extend(manual.received.iter().cloned());
    let types = module_mut(&mut file.items, "types").ok_or(
        "the generated code has no `types` module (see huaweicloud-osm-codegen: directions.rs)",
    )?;
    let names: BTreeSet<String> = types.iter().filter_map(type_name).collect();
    if let Some(missing) = sent
        .iter()
        .chain(&received)
        .find(|r| !names.contains(*r) && !manual.sent.contains(*r) && !manual.received.contains(*r))
    {
        return Err(format!(
            "an operation names `types::{missing}`, which is not a generated type: progenitor's \
             output changed shape (see huaweicloud-osm-codegen: directions.rs)"
        ));
    }
    let sent = reachable(types, &names, sent);
    let received = reachable(types, &names, received);
    let mut moved = Moved::default();
    for item in types.iter_mut() {
        let Some(name) = type_name(item) else {
            continue;
        };
        let (is_sent, is_received) = (sent.contains(&name), received.contains(&name));
        if !is_sent && !is_received {
            continue;
        }
        let attrs = match item {
            Item::Struct(s) => &mut s.attrs,
            Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        if !is_sent
            && move_derive(
                attrs,
                ":: serde :: Serialize",
                parse_quote!(feature = "serde-serialize"),
            )?
        {
            moved.serialize += 1;
        }
        if !is_received
            && move_derive(
                attrs,
                ":: serde :: Deserialize",
                parse_quote!(feature = "serde-deserialize"),
            )?
        {
            moved.deserialize += 1;
        }
    }
    Ok(moved)
}

/// The generated types the operation builders hold (sent) and their `send()`s return (received),
/// from the top-level `builder` module.
fn code_roots(file: &syn::File) -> Result<(BTreeSet<String>, BTreeSet<String>), String> {
    let builders = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if is_mod(item, "builder") => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .ok_or(
            "the generated code has no `builder` module (see huaweicloud-osm-codegen: directions.rs)",
        )?;
    let (mut sent, mut received) = (BTreeSet::new(), BTreeSet::new());
    for item in builders {
        match item {
            Item::Struct(s) => types_named(s.fields.to_token_stream(), &mut sent),
            Item::Impl(block) => {
                for f in &block.items {
                    if let ImplItem::Fn(f) = f
                        && f.sig.ident == "send"
                    {
                        types_named(f.sig.output.to_token_stream(), &mut received);
                    }
                }
            }
            _ => {}
        }
    }
    Ok((sent, received))
}

/// The `X`s of `types::X` and `types::builder::X` in some tokens.
fn types_named(tokens: proc_macro2::TokenStream, out: &mut BTreeSet<String>) {
    let mut idents = Vec::new();
    flatten(tokens, &mut idents);
    for (i, ident) in idents.iter().enumerate() {
        if ident != "types" {
            continue;
        }
        match idents.get(i + 1).map(String::as_str) {
            Some("builder") => out.extend(idents.get(i + 2).cloned()),
            Some(name) => {
                out.insert(name.to_string());
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derives_of(file: &syn::File, name: &str) -> String {
        let Some(Item::Mod(types)) = file.items.iter().find(|i| is_mod(i, "types")) else {
            panic!("no types");
        };
        let (_, items) = types.content.as_ref().unwrap();
        let item = items
            .iter()
            .find(|i| type_name(i).as_deref() == Some(name))
            .unwrap();
        let attrs = match item {
            Item::Struct(s) => &s.attrs,
            Item::Enum(e) => &e.attrs,
            _ => unreachable!(),
        };
        attrs
            .iter()
            .map(|a| a.to_token_stream().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }

    const BOTH: &str = "# [derive (:: serde :: Deserialize , :: serde :: Serialize , Clone)]";

    #[test]
    fn each_type_derives_what_its_direction_needs() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                pub struct Body { pub inner: Option<Inner>, pub shared: Shared }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                pub struct Inner { pub tags: Vec<Tag> }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                pub enum Tag { A, B }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                pub struct Shared { pub x: i32 }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                pub struct Answer { pub shared: Shared }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                pub struct Form { pub name: String }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                pub struct Orphan { pub x: i32 }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
                pub enum Language { En }
            }
            pub mod builder {
                pub struct CreateBody<'a> {
                    client: &'a super::Client,
                    body: Result<types::builder::Body, String>,
                    x_language: Result<Option<types::Language>, String>,
                }
                impl<'a> CreateBody<'a> {
                    pub async fn send(self) -> crate::Result<ResponseValue<types::Answer>> { todo!() }
                }
            }
        };
        let manual = Roots {
            sent: ["Form".to_string()].into(),
            received: BTreeSet::new(),
        };
        let moved = by_direction(&mut file, &manual).unwrap();
        assert_eq!(
            moved,
            Moved {
                serialize: 1,
                deserialize: 5
            }
        );
        let only_sent = "# [derive (:: serde :: Serialize , Clone)] \
             # [cfg_attr (feature = \"serde-deserialize\" , derive (:: serde :: Deserialize))]";
        for sent in ["Body", "Inner", "Tag", "Language", "Form"] {
            assert_eq!(derives_of(&file, sent), only_sent, "{sent}");
        }
        assert_eq!(
            derives_of(&file, "Answer"),
            "# [derive (:: serde :: Deserialize , Clone)] \
             # [cfg_attr (feature = \"serde-serialize\" , derive (:: serde :: Serialize))]"
        );
        // Sent inside a body and received inside an answer: both; reached by nothing: both.
        assert_eq!(derives_of(&file, "Shared"), BOTH);
        assert_eq!(derives_of(&file, "Orphan"), BOTH);
    }

    #[test]
    fn an_operation_naming_no_generated_type_is_an_error() {
        let mut file: syn::File = parse_quote! {
            pub mod types {}
            pub mod builder {
                impl<'a> Op<'a> {
                    pub async fn send(self) -> crate::Result<ResponseValue<types::Gone>> { todo!() }
                }
            }
        };
        let err = by_direction(&mut file, &Roots::default()).unwrap_err();
        assert!(err.contains("types::Gone"), "{err}");
    }

    #[test]
    fn the_hand_written_operations_roots_come_from_the_spec() {
        let doc = serde_json::json!({"paths": {
            "/v2/upload": {"post": {
                "x-osm-manual": true,
                "requestBody": {"content": {"multipart/form-data": {"schema": {
                    "properties": {"form_data": {"$ref": "#/components/schemas/Form"}}}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/UploadResponse"}}}}}
            }},
            "/v2/cases": {"get": {
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Cases"}}}}}
            }}
        }});
        let roots = manual_roots(&doc, |op| op.get("x-osm-manual").is_some());
        assert_eq!(roots.sent, ["Form".to_string()].into());
        assert_eq!(roots.received, ["UploadResponse".to_string()].into());
    }
}
