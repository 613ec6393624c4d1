//! `schemars::JsonSchema` on the generated types only with the SDK's `schemars` feature.
//!
//! The generator settings ask typify for the derive on every type (the `osm` command line prints
//! and checks request bodies against those schemas); [`behind_feature`] moves it from each
//! `#[derive(…)]` into `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`, so a
//! program that never asks for a schema neither expands the derive on every type nor compiles
//! schemars for itself (an eighth of the library's compile time).
//!
//! Run by `build.rs` (through [`crate::generate`]) and by the xtask.

use syn::punctuated::Punctuated;
use syn::{Attribute, Item, ItemMod, Path, Token, parse_quote};

/// The derive the pass moves.
const DERIVE: &str = "schemars :: JsonSchema";

/// Moves `schemars::JsonSchema` out of every derive of the `types` module into a `cfg_attr` of
/// the `schemars` feature; returns how many types it changed.
pub fn behind_feature(file: &mut syn::File) -> Result<usize, String> {
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(ItemMod {
                ident,
                content: Some((_, items)),
                ..
            }) if ident == "types" => Some(items),
            _ => None,
        })
        .ok_or(
            "the generated code has no `types` module (see huaweicloud-osm-codegen: schemas.rs)",
        )?;
    let mut moved = 0;
    for item in types.iter_mut() {
        let attrs = match item {
            Item::Struct(s) => &mut s.attrs,
            Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        if move_derive(attrs, DERIVE, parse_quote!(feature = "schemars"))? {
            moved += 1;
        }
    }
    Ok(moved)
}

/// Moves `derive` (as its tokens print, `schemars :: JsonSchema`) out of one item's `#[derive(…)]`s
/// into `#[cfg_attr(condition, derive(…))]`; whether there was one. Shared with
/// [`crate::directions`].
pub(crate) fn move_derive(
    attrs: &mut Vec<Attribute>,
    derive: &str,
    condition: syn::Meta,
) -> Result<bool, String> {
    let mut found = false;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let paths = attr
            .parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
            .map_err(|e| format!("a generated derive does not parse: {e}"))?;
        let before = paths.len();
        let kept: Punctuated<Path, Token![,]> = paths
            .into_iter()
            .filter(|p| quote::quote!(#p).to_string() != derive)
            .collect();
        if kept.len() != before {
            found = true;
            *attr = parse_quote!(#[derive(#kept)]);
        }
    }
    if found {
        let path: Path = syn::parse_str(derive).map_err(|e| format!("derive `{derive}`: {e}"))?;
        attrs.push(parse_quote!(#[cfg_attr(#condition, derive(#path))]));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn the_derive_moves_behind_the_feature() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, Clone, schemars::JsonSchema)]
                #[serde(deny_unknown_fields)]
                pub struct A { pub x: i32 }
                #[derive(Clone, schemars::JsonSchema, Debug)]
                pub enum B { X }
                #[derive(Clone)]
                pub struct C;
                impl A {}
            }
        };
        assert_eq!(behind_feature(&mut file).unwrap(), 2);
        let text = file.to_token_stream().to_string();
        assert_eq!(text.matches("cfg_attr").count(), 2, "{text}");
        assert!(
            text.contains(
                "# [derive (:: serde :: Deserialize , Clone)] # [serde (deny_unknown_fields)] \
             # [cfg_attr (feature = \"schemars\" , derive (schemars :: JsonSchema))] pub struct A"
            ),
            "{text}"
        );
        assert!(text.contains("# [derive (Clone , Debug)]"), "{text}");
        assert!(!text.contains("derive (Clone , schemars"), "{text}");
    }
}
