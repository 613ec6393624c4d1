//! Paginators from the spec: the `x-sdk-paging` extension of an operation says how its list pages,
//! and [`crate::passes::paginators`] gives the operation's generated builder `.pages()` and `.stream()` (and the
//! `crate::paginate::Paged` implementation they run on, inside the builder's own module so that it
//! can read the position and page size the caller set).
//!
//! ```yaml
//! x-sdk-paging:
//!   style: offset          # offset: `start` counts items | page: a page number | after-last
//!   start: offset          # query parameter of the position (offset, page only)
//!   size: limit            # query parameter of the page size
//!   first: 1               # first position (page style; default 0 for offset, 1 for page)
//!   items: incident_info_list   # response field with the items (absent: a binary export, paged whole)
//!   total: total_count     # response field with the total, when there is one
//!   key: incident_id       # item field identifying an item (else its whole content)
//!   cursor:                # after-last only: query parameter <- field of the page's last item
//!     create_time: create_time
//! ```
//!
//! Run by `build.rs` and by the xtask.

use proc_macro2::{Ident, Literal, Span};
use serde_json::Value;
use syn::{ImplItem, Item, parse_quote};

use crate::names::rust_name;

/// The page size sent when the caller set none: the docs' default where they give one (10 for
/// ListHasVerifiedContacts, and for the v1.0 `pageSize`), 10 for the others, which state none.
pub const DEFAULT_SIZE: i32 = 10;

/// How one operation pages, from its `x-sdk-paging`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// The operation's `operationId` (also its builder's name).
    pub operation_id: String,
    /// `offset`, `page` or `after-last`.
    pub style: String,
    /// Query parameter of the position.
    pub start: Option<String>,
    /// Query parameter of the page size.
    pub size: String,
    /// First position.
    pub first: i64,
    /// Response field with the items.
    pub items: Option<String>,
    /// Response field with the total.
    pub total: Option<String>,
    /// Item field identifying an item.
    pub key: Option<String>,
    /// After-last: query parameter <- field of the last item.
    pub cursor: Vec<(String, String)>,
    /// Name of the response schema.
    pub page_type: Option<String>,
    /// Name of the items' schema.
    pub item_type: Option<String>,
}

/// Every operation's paging, in spec order; an error names a malformed extension.
pub fn of_spec(doc: &Value) -> Result<Vec<Paging>, String> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Ok(out);
    };
    for item in paths.values().filter_map(Value::as_object) {
        for op in item.values() {
            let Some(ext) = op.get("x-sdk-paging") else {
                continue;
            };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or("an operation with x-sdk-paging has no operationId")?;
            out.push(parse(doc, id, op, ext).map_err(|e| format!("{id}: x-sdk-paging: {e}"))?);
        }
    }
    Ok(out)
}

/// The paging of one operation object, if it has `x-sdk-paging` (an error says what is wrong).
pub fn of_operation(doc: &Value, op: &Value) -> Option<Result<Paging, String>> {
    let ext = op.get("x-sdk-paging")?;
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Some(parse(doc, id, op, ext))
}

fn parse(doc: &Value, id: &str, op: &Value, ext: &Value) -> Result<Paging, String> {
    let text = |key: &str| ext.get(key).and_then(Value::as_str).map(str::to_owned);
    let style = text("style").ok_or("`style` is missing")?;
    let first_default = match style.as_str() {
        "offset" | "after-last" => 0,
        "page" => 1,
        other => {
            return Err(format!(
                "unknown style `{other}` (offset, page, after-last)"
            ));
        }
    };
    let start = text("start");
    if start.is_none() && style != "after-last" {
        return Err("`start` is missing".into());
    }
    let size = text("size").ok_or("`size` is missing")?;
    let cursor: Vec<(String, String)> = ext
        .get("cursor")
        .and_then(Value::as_object)
        .map(|c| {
            c.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    if style == "after-last" && cursor.is_empty() {
        return Err("style `after-last` needs a `cursor`".into());
    }
    let params: Vec<&str> = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .filter_map(|p| p.get("name").and_then(Value::as_str))
        .collect();
    for param in start
        .iter()
        .chain(std::iter::once(&size))
        .chain(cursor.iter().map(|(p, _)| p))
    {
        if !params.contains(&param.as_str()) {
            return Err(format!(
                "`{param}` is not a query parameter of the operation"
            ));
        }
    }
    let schema_name = |v: &Value| {
        v.get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(str::to_owned)
    };
    let page_type = op
        .pointer("/responses/200/content/application~1json/schema")
        .and_then(schema_name);
    let page_schema = page_type
        .as_ref()
        .and_then(|n| doc.pointer(&format!("/components/schemas/{n}")));
    let items = text("items");
    let mut item_type = None;
    if let Some(items) = &items {
        let prop = page_schema
            .and_then(|s| s.pointer(&format!("/properties/{items}")))
            .ok_or_else(|| format!("`{items}` is not a field of the JSON response"))?;
        item_type = prop
            .get("items")
            .and_then(schema_name)
            .ok_or_else(|| format!("`{items}` is not an array of a named schema"))?
            .into();
        let item_schema = doc.pointer(&format!(
            "/components/schemas/{}",
            item_type.as_deref().unwrap_or_default()
        ));
        for field in text("key").iter().chain(cursor.iter().map(|(_, f)| f)) {
            if item_schema
                .and_then(|s| s.pointer(&format!("/properties/{field}")))
                .is_none()
            {
                return Err(format!("`{field}` is not a field of the items"));
            }
        }
    } else if page_type.is_some() {
        return Err("`items` is missing (only a binary answer pages without items)".into());
    }
    if let Some(total) = text("total")
        && page_schema
            .and_then(|s| s.pointer(&format!("/properties/{total}")))
            .is_none()
    {
        return Err(format!("`{total}` is not a field of the JSON response"));
    }
    Ok(Paging {
        operation_id: id.to_string(),
        first: ext
            .get("first")
            .and_then(Value::as_i64)
            .unwrap_or(first_default),
        style,
        start,
        size,
        items,
        total: text("total"),
        key: text("key"),
        cursor,
        page_type,
        item_type,
    })
}

/// The items added to the operation builders' module for `paging`: the builder's
/// `crate::paginate::Paged` implementation, and its `.stream()` and `.pages()` (only `.pages()` for
/// a binary export, whose pages are read whole).
///
/// Every function is `#[inline]`: each is a few lines that instantiate the paginator's machinery
/// (the walk's state machine, futures' stream combinators, the page's decoding) for its operation.
/// Inline, that code is compiled by the program that pages through the operation, for the
/// operations it pages through; otherwise the library compiles it for every paged operation, used
/// or not (a sixth of its compile time: BENCHMARKS.md, "Build cost").
pub fn emit(paging: &Paging) -> Vec<Item> {
    let mut items = emit_items(paging);
    for item in &mut items {
        if let Item::Impl(block) = item {
            for f in &mut block.items {
                if let ImplItem::Fn(f) = f {
                    f.attrs.push(parse_quote!(#[inline]));
                }
            }
        }
    }
    items
}

/// [`emit`]'s items, before `#[inline]`.
fn emit_items(paging: &Paging) -> Vec<Item> {
    let op = ident(&paging.operation_id);
    let size = ident(&rust_name(&paging.size));
    let style = ident(match paging.style.as_str() {
        "offset" => "Offset",
        "page" => "Page",
        _ => "AfterLast",
    });
    let first = Literal::i64_unsuffixed(paging.first);
    let default_size = Literal::i32_unsuffixed(DEFAULT_SIZE);
    let counted = paging.items.is_some();
    let constant: ImplItem = parse_quote! {
        const PAGING: crate::paginate::Paging = crate::paginate::Paging {
            style: crate::paginate::Style::#style,
            first: #first,
            default_size: #default_size,
            counted: #counted,
        };
    };
    let (position, at): (ImplItem, ImplItem) = match paging.start.as_deref().map(rust_name) {
        Some(start) => {
            let start = ident(&start);
            (
                parse_quote! {
                    fn position(&self) -> Result<(Option<i32>, Option<i32>), String> {
                        Ok((
                            crate::paginate::Setting::read(self.#start.clone())?,
                            crate::paginate::Setting::read(self.#size.clone())?,
                        ))
                    }
                },
                parse_quote! {
                    fn at(self, start: i32, size: i32) -> Self {
                        self.#start(start).#size(size)
                    }
                },
            )
        }
        None => (
            parse_quote! {
                fn position(&self) -> Result<(Option<i32>, Option<i32>), String> {
                    Ok((None, crate::paginate::Setting::read(self.#size.clone())?))
                }
            },
            parse_quote! {
                fn at(self, _start: i32, size: i32) -> Self {
                    self.#size(size)
                }
            },
        ),
    };
    let Some(items) = paging.items.as_deref().map(|i| ident(&rust_name(i))) else {
        // A binary export: each page is the whole answer, read whole.
        return vec![
            parse_quote! {
                impl<'a> crate::paginate::Paged<'a> for #op<'a> {
                    type Page = ::bytes::Bytes;
                    type Item = ::bytes::Bytes;
                    #constant
                    #position
                    #at
                    fn fetch(self) -> crate::paginate::Fetch<'a, Self::Page> {
                        Box::pin(async move {
                            let client = self.client;
                            crate::paginate::collect(client, self.send().await?).await
                        })
                    }
                    fn items(page: &Self::Page) -> &[Self::Item] {
                        ::std::slice::from_ref(page)
                    }
                    fn len(page: &Self::Page) -> usize {
                        page.len()
                    }
                    fn total(_: &Self::Page) -> Option<i64> {
                        None
                    }
                    fn into_items(page: Self::Page) -> Vec<Self::Item> {
                        vec![page]
                    }
                    fn key(item: &Self::Item) -> String {
                        crate::paginate::content_key(&item[..])
                    }
                }
            },
            parse_quote! {
                impl<'a> #op<'a> {
                    /// Every page of the export, lazily: one request per page, the position advanced by the
                    /// page size, until an empty page (or one identical to the last). The filters and the
                    /// page size set on this builder apply to every page. A page larger than the client's
                    /// largest response body ends the walk with an error.
                    pub fn pages(self) -> crate::paginate::Pages<'a, ::bytes::Bytes> {
                        crate::paginate::pages(self)
                    }
                }
            },
        ];
    };
    let page_ty = schema_type(paging.page_type.as_deref());
    let item_ty = schema_type(paging.item_type.as_deref());
    let total: ImplItem = match paging.total.as_deref().map(rust_name) {
        Some(total) => {
            let total = ident(&total);
            parse_quote! {
                fn total(page: &Self::Page) -> Option<i64> {
                    page.#total.map(i64::from)
                }
            }
        }
        None => parse_quote! {
            fn total(_: &Self::Page) -> Option<i64> {
                None
            }
        },
    };
    let key: syn::Expr = match paging.key.as_deref().map(rust_name) {
        Some(key) => {
            let key = ident(&key);
            parse_quote! {
                match &item.#key {
                    Some(key) => format!("{key:?}"),
                    None => crate::paginate::content_key(item),
                }
            }
        }
        None => parse_quote!(crate::paginate::content_key(item)),
    };
    let after: Option<ImplItem> = (!paging.cursor.is_empty()).then(|| {
        let (params, fields): (Vec<Ident>, Vec<Ident>) = paging
            .cursor
            .iter()
            .map(|(param, field)| (ident(&rust_name(param)), ident(&rust_name(field))))
            .unzip();
        parse_quote! {
            fn after(self, page: &Self::Page) -> Option<Self> {
                page.#items.last().map(|last| self #(.#params(last.#fields.clone().unwrap_or_default()))*)
            }
        }
    });
    let stream_doc = format!(
        " Every item of every page (`{items}`), lazily: no request until the stream is polled,"
    );
    vec![
        parse_quote! {
            impl<'a> crate::paginate::Paged<'a> for #op<'a> {
                type Page = #page_ty;
                type Item = #item_ty;
                #constant
                #position
                #at
                #after
                fn fetch(self) -> crate::paginate::Fetch<'a, Self::Page> {
                    Box::pin(async move { self.send().await.map(ResponseValue::into_inner) })
                }
                fn items(page: &Self::Page) -> &[Self::Item] {
                    &page.#items
                }
                #total
                fn into_items(page: Self::Page) -> Vec<Self::Item> {
                    page.#items
                }
                fn key(item: &Self::Item) -> String {
                    #key
                }
            }
        },
        parse_quote! {
            impl<'a> #op<'a> {
                #[doc = #stream_doc]
                /// one request per page. The filters and the page size set on this builder apply to
                /// every page (the documented default when none is set). The stream ends on an empty
                /// or short page or when the reported total is reached, never yields an item twice
                /// (the list may shift while it is read), and ends with the error of a failed page.
                pub fn stream(self) -> crate::paginate::Items<'a, #item_ty> {
                    crate::paginate::items(self)
                }
                /// Every page, whole (totals included), lazily, ending as [`Self::stream`] does.
                pub fn pages(self) -> crate::paginate::Pages<'a, #page_ty> {
                    crate::paginate::pages(self)
                }
            }
        },
    ]
}

/// An identifier of the generated code (a builder, a field, a setter).
fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `types::Name`: the generated type of a named schema.
fn schema_type(name: Option<&str>) -> syn::Type {
    let name = ident(name.unwrap_or_default());
    parse_quote!(types::#name)
}
