//! Type builders for the types a request sends, and for no other.
//!
//! typify gives every generated struct a builder (`types::builder::X`, `X::builder()`), the
//! operation builders take request bodies through them (`.body(types::X::builder()…)`,
//! `.body_map(…)`), and users build request bodies with them. A response type is decoded, never
//! built: its builder (a struct of `Result` fields, a setter per field, two conversions) was 40 % of
//! the generated code and a quarter of the library's compile time, unused. [`request_only`] keeps
//! the builders of the types the operation builders name (`types::builder::X`) and of every type
//! reachable from their fields, and removes the others. The response types themselves keep every
//! field public and `Default`, so a test builds one as `types::X { field, ..Default::default() }`.
//!
//! Run by `build.rs` (through [`crate::generate`]) and by the xtask.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{ImplItem, Item, ItemMod, Type};

/// Removes the builders of the types no request sends (directly or inside another); returns how
/// many it removed. An error when the generated code does not have the expected shape.
pub fn request_only(file: &mut syn::File) -> Result<usize, String> {
    let roots = named_builders(file.items.iter().filter(|item| !is_mod(item, "types")));
    let types = module_mut(&mut file.items, "types").ok_or(
        "the generated code has no `types` module (see huaweicloud-osm-codegen: builders.rs)",
    )?;
    let names: BTreeSet<String> = types.iter().filter_map(type_name).collect();
    if let Some(missing) = roots.iter().find(|r| !names.contains(*r)) {
        return Err(format!(
            "an operation builder names `types::builder::{missing}`, which is not a generated \
             type: progenitor's output changed shape (see huaweicloud-osm-codegen: builders.rs)"
        ));
    }
    let keep = reachable(types, &names, roots);
    let mut removed = 0;
    // `impl X { pub fn builder() -> builder::X }` of the types whose builder goes.
    types.retain(|item| match item {
        Item::Impl(block) if block.trait_.is_none() => {
            let builder_only = block.items.len() == 1
                && matches!(&block.items[0], ImplItem::Fn(f) if f.sig.ident == "builder");
            !(builder_only && self_name(&block.self_ty).is_some_and(|n| !keep.contains(&n)))
        }
        _ => true,
    });
    let builders = module_mut(types, "builder").ok_or(
        "the generated code has no `types::builder` module (see huaweicloud-osm-codegen: builders.rs)",
    )?;
    builders.retain(|item| {
        let name = match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            // `Default for X`, the setters, `From<super::X> for X`, `TryFrom<X> for super::X`.
            Item::Impl(block) => self_name(&block.self_ty),
            _ => None,
        };
        let goes = name.is_some_and(|n| !keep.contains(&n));
        if goes && matches!(item, Item::Struct(_)) {
            removed += 1;
        }
        !goes
    });
    Ok(removed)
}

/// The types whose builders the given items name (`types::builder::X`).
fn named_builders<'a>(items: impl Iterator<Item = &'a Item>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in items {
        let mut idents = Vec::new();
        flatten(item.to_token_stream(), &mut idents);
        for w in idents.windows(3) {
            if w[0] == "types" && w[1] == "builder" {
                out.insert(w[2].clone());
            }
        }
    }
    out
}

/// `roots` and every generated type their definitions mention, transitively.
pub(crate) fn reachable(
    types: &[Item],
    names: &BTreeSet<String>,
    roots: BTreeSet<String>,
) -> BTreeSet<String> {
    let mut keep = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !keep.insert(name.clone()) {
            continue;
        }
        let Some(definition) = types
            .iter()
            .find(|i| type_name(i).as_deref() == Some(&name))
        else {
            continue;
        };
        let mut idents = Vec::new();
        flatten(definition.to_token_stream(), &mut idents);
        todo.extend(
            idents
                .into_iter()
                .filter(|i| names.contains(i) && !keep.contains(i)),
        );
    }
    keep
}

/// The identifiers of a token stream, in order, groups flattened (punctuation left out, so
/// `types::builder::X` reads `types`, `builder`, `X`).
pub(crate) fn flatten(tokens: TokenStream, out: &mut Vec<String>) {
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => out.push(ident.to_string()),
            TokenTree::Group(group) => flatten(group.stream(), out),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// The name of a generated struct or enum.
pub(crate) fn type_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        _ => None,
    }
}

/// The last segment of an impl's self type (`X` of `X` and of `super::X`).
fn self_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

pub(crate) fn is_mod(item: &Item, name: &str) -> bool {
    matches!(item, Item::Mod(ItemMod { ident, .. }) if ident == name)
}

pub(crate) fn module_mut<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(ItemMod {
            ident,
            content: Some((_, items)),
            ..
        }) if ident == name => Some(items),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_builders_of_sent_types_stay() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Body { pub inner: Option<Inner>, pub status: crate::values::CaseStatus }
                impl Body { pub fn builder() -> builder::Body { Default::default() } }
                pub struct Inner { pub tags: Vec<Tag> }
                impl Inner { pub fn builder() -> builder::Inner { Default::default() } }
                pub enum Tag { A, B }
                pub struct Answer { pub body: Option<Body> }
                impl Answer { pub fn builder() -> builder::Answer { Default::default() } }
                impl From<&Answer> for Answer { fn from(a: &Answer) -> Self { a.clone() } }
                pub mod builder {
                    pub struct Body { inner: Result<Option<super::Inner>, String> }
                    impl Default for Body { fn default() -> Self { todo!() } }
                    impl TryFrom<Body> for super::Body { type Error = String; fn try_from(b: Body) -> Result<Self, String> { todo!() } }
                    pub struct Inner { tags: Result<Vec<super::Tag>, String> }
                    impl From<super::Inner> for Inner { fn from(i: super::Inner) -> Self { todo!() } }
                    pub struct Answer { body: Result<Option<super::Body>, String> }
                    impl Default for Answer { fn default() -> Self { todo!() } }
                    impl Answer { pub fn body(self) -> Self { self } }
                    impl TryFrom<Answer> for super::Answer { type Error = String; fn try_from(a: Answer) -> Result<Self, String> { todo!() } }
                    impl From<super::Answer> for Answer { fn from(a: super::Answer) -> Self { todo!() } }
                }
            }
            pub mod builder {
                pub struct CreateBody<'a> { body: Result<types::builder::Body, String>, x: &'a () }
            }
        };
        assert_eq!(request_only(&mut file).unwrap(), 1);
        let types = module_mut(&mut file.items, "types").unwrap();
        let text = types
            .iter()
            .map(|i| i.to_token_stream().to_string())
            .collect::<Vec<_>>();
        assert!(
            text.iter().any(|t| t.starts_with("pub struct Answer {")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("impl From < & Answer > for Answer"))
        );
        assert!(
            !text.iter().any(|t| t.contains("builder :: Answer")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.contains("builder :: Body")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.contains("builder :: Inner")),
            "{text:?}"
        );
        let builders = module_mut(types, "builder").unwrap();
        let left: Vec<String> = builders
            .iter()
            .map(|item| match item {
                Item::Struct(s) => format!("struct {}", s.ident),
                Item::Impl(b) => format!("impl {}", self_name(&b.self_ty).unwrap()),
                _ => "other".into(),
            })
            .collect();
        assert_eq!(
            left,
            [
                "struct Body",
                "impl Body",
                "impl Body",
                "struct Inner",
                "impl Inner"
            ]
        );
    }

    #[test]
    fn a_builder_named_but_not_generated_is_an_error() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub mod builder {} }
            pub mod builder { pub struct Op { body: types::builder::Gone } }
        };
        let err = request_only(&mut file).unwrap_err();
        assert!(err.contains("types::builder::Gone"), "{err}");
    }
}
