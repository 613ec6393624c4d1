//! The pass over progenitor's typed httpmock helpers (`mock::MockServerExt`): every operation's
//! `Then` gets `osm_error(code, message)`, which answers as OSM answers a business error, with HTTP
//! **200** and the error body (`{"error_code": …, "error_msg": …}`). progenitor's own
//! `client_error`/`server_error` only answer 4xx/5xx, while OSM reports most of its errors under 200.

use syn::{Item, ItemImpl, Type, parse_quote};

/// Adds `osm_error` to every `…Then` wrapper of the generated mocks; returns how many it extended.
pub fn apply(file: &mut syn::File) -> Result<usize, String> {
    let module = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "operations" => m.content.as_mut(),
            _ => None,
        })
        .ok_or("progenitor's mocks have no `operations` module: their output changed shape")?;
    let mut extended = 0;
    for item in &mut module.1 {
        if let Item::Impl(block) = item
            && is_then(block)
        {
            block.items.push(parse_quote! {
                /// Answers as OSM answers a business error: HTTP 200 with the error body
                /// (`error_code`, `error_msg`), which the client reports as an `Error` with that
                /// code and `status() == Some(200)`.
                pub fn osm_error(self, code: &str, message: &str) -> Self {
                    Self(
                        self.0
                            .status(200u16)
                            .header("content-type", "application/json")
                            .json_body(::serde_json::json!({ "error_code": code, "error_msg": message })),
                    )
                }
            });
            extended += 1;
        }
    }
    Ok(extended)
}

/// `impl …Then { … }`, the answer half of an operation's mock (it has `into_inner`).
fn is_then(block: &ItemImpl) -> bool {
    let named_then = match &*block.self_ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident.to_string().ends_with("Then")),
        _ => false,
    };
    named_then && block.trait_.is_none()
}
