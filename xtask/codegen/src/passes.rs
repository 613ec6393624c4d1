//! Passes over progenitor's output, so the generated client reads like the hand-written layer.
//!
//! progenitor 0.15.1 is pinned, so the shapes these passes rewrite are fixed; each pass counts what
//! it rewrote and the build fails with a clear message when the count is not what the spec implies
//! (a progenitor upgrade that changes the shape cannot slip through silently). The result is
//! snapshot-tested in `xtask/tests/passes.rs`.
//!
//! * [`optional_setters`]: typify's builder setter for an optional field takes
//!   `T: TryInto<Option<X>>`, so an optional string field refuses `&str`
//!   (`.region_id(Some("cn-north-4".to_string()))`). It is rewritten to take
//!   `T: crate::convert::IntoOptional<X>`: `X`, `Option<X>`, and for strings `&str`, `&String`.
//! * [`str_newtypes`]: a named string schema without limits (the `X-Language` header's
//!   `Language`) is a newtype with `From<String>`; it gains `From<&str>`, so
//!   `.x_language("en-us")` works like any other text parameter.
//! * [`one_error_type`]: every operation's `send()` returns the SDK's own
//!   `crate::Result<ResponseValue<T>>` instead of `progenitor_client::Error<ServiceError>`.
//!   progenitor's body is kept, renamed `send_generated`, and records the response's status and
//!   request id in a `crate::error::DecodeContext` so that a body which then fails to decode is
//!   reported with them.
//!
//! * [`paginators`]: every operation with `x-sdk-paging` gets `.stream()` and `.pages()` on its
//!   builder ([`crate::paging`] writes them).
//!
//! Run by `build.rs` and by the xtask.

use syn::{
    Block, FnArg, GenericArgument, ImplItem, ImplItemFn, Item, ItemMod, PathArguments, ReturnType,
    Stmt, Type, TypeParamBound, WherePredicate, parse_quote,
};

/// What the passes rewrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rewritten {
    /// Builder setters of optional fields.
    pub optional_setters: usize,
    /// String newtypes given `From<&str>`.
    pub str_newtypes: usize,
    /// Operation `send()` methods.
    pub sends: usize,
    /// Builders given `.stream()` and `.pages()`.
    pub paginators: usize,
}

/// Runs every pass over the generated client; `pagings` come from the spec's `x-sdk-paging`.
pub fn apply(file: &mut syn::File, pagings: &[crate::paging::Paging]) -> Result<Rewritten, String> {
    Ok(Rewritten {
        optional_setters: optional_setters(file)?,
        str_newtypes: str_newtypes(file)?,
        sends: one_error_type(file)?,
        paginators: paginators(file, pagings)?,
    })
}

/// Adds the paginators of `pagings` to the operation builders' module; returns how many.
pub fn paginators(
    file: &mut syn::File,
    pagings: &[crate::paging::Paging],
) -> Result<usize, String> {
    let builders = module_mut(&mut file.items, "builder")
        .ok_or("the generated code has no `builder` module")?;
    for paging in pagings {
        let source = crate::paging::emit(paging);
        let code: syn::File = syn::parse_str(&source).map_err(|e| {
            format!(
                "the paginator of {} does not parse: {e}",
                paging.operation_id
            )
        })?;
        builders.extend(code.items);
    }
    Ok(pagings.len())
}

fn module_mut<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(ItemMod {
            ident,
            content: Some((_, items)),
            ..
        }) if ident == name => Some(items),
        _ => None,
    })
}

fn impl_fns(items: &mut [Item]) -> impl Iterator<Item = &mut Vec<ImplItem>> {
    items.iter_mut().filter_map(|item| match item {
        Item::Impl(block) => Some(&mut block.items),
        _ => None,
    })
}

/// Rewrites the setters of optional fields in `types::builder`; returns how many.
pub fn optional_setters(file: &mut syn::File) -> Result<usize, String> {
    let builders = module_mut(&mut file.items, "types")
        .and_then(|types| module_mut(types, "builder"))
        .ok_or("the generated code has no `types::builder` module")?;
    let mut count = 0;
    for items in impl_fns(builders) {
        for item in items.iter_mut() {
            let ImplItem::Fn(setter) = item else {
                continue;
            };
            let Some(inner) = optional_bound(setter) else {
                continue;
            };
            let field = assigned_field(&setter.block).ok_or_else(|| {
                format!(
                    "setter `{}` does not assign `self.<field>` as expected",
                    setter.sig.ident
                )
            })?;
            let name = &setter.sig.ident;
            let attrs = &setter.attrs;
            *setter = parse_quote! {
                #(#attrs)*
                pub fn #name<T>(mut self, value: T) -> Self
                where
                    T: crate::convert::IntoOptional<#inner>,
                {
                    self.#field = Ok(crate::convert::IntoOptional::into_optional(value));
                    self
                }
            };
            count += 1;
        }
    }
    Ok(count)
}

/// Adds `From<&str>` to every `pub struct X(pub ::std::string::String);` of `types`; returns how many.
pub fn str_newtypes(file: &mut syn::File) -> Result<usize, String> {
    let types =
        module_mut(&mut file.items, "types").ok_or("the generated code has no `types` module")?;
    let newtypes: Vec<syn::Ident> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => match &s.fields {
                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 && is_string(&f.unnamed[0].ty) => {
                    Some(s.ident.clone())
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    for name in &newtypes {
        types.push(parse_quote! {
            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    Self(value.to_string())
                }
            }
        });
    }
    Ok(newtypes.len())
}

fn is_string(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "String"))
}

/// `X` when the setter's where clause says `T: ::std::convert::TryInto<::std::option::Option<X>>`.
fn optional_bound(setter: &ImplItemFn) -> Option<Type> {
    let predicates = &setter.sig.generics.where_clause.as_ref()?.predicates;
    predicates.iter().find_map(|p| {
        let WherePredicate::Type(p) = p else {
            return None;
        };
        p.bounds.iter().find_map(|b| {
            let TypeParamBound::Trait(t) = b else {
                return None;
            };
            let last = t.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let target = single_type_arg(&last.arguments)?;
            let Type::Path(option) = target else {
                return None;
            };
            let segment = option.path.segments.last()?;
            (segment.ident == "Option")
                .then(|| single_type_arg(&segment.arguments).cloned())
                .flatten()
        })
    })
}

/// `T` of `<T>`: the one type argument of a path segment (shared with `cli_passes.rs`).
pub fn single_type_arg(args: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = args else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// The field of `self.<field> = ...;`, the first statement of a typify setter.
fn assigned_field(block: &Block) -> Option<syn::Member> {
    block.stmts.iter().find_map(|stmt| {
        let Stmt::Expr(syn::Expr::Assign(assign), _) = stmt else {
            return None;
        };
        let syn::Expr::Field(field) = &*assign.left else {
            return None;
        };
        Some(field.member.clone())
    })
}

/// Rewrites every operation builder's `send()` in the top-level `builder` module; returns how many.
pub fn one_error_type(file: &mut syn::File) -> Result<usize, String> {
    let builders = module_mut(&mut file.items, "builder")
        .ok_or("the generated code has no `builder` module")?;
    let mut count = 0;
    for items in impl_fns(builders) {
        let Some(at) = items
            .iter()
            .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
        else {
            continue;
        };
        let ImplItem::Fn(original) = &items[at] else {
            unreachable!("position found a fn");
        };
        let (public, generated) = split_send(original)?;
        items[at] = ImplItem::Fn(public);
        items.insert(at + 1, ImplItem::Fn(generated));
        count += 1;
    }
    Ok(count)
}

/// The public `send()` over the SDK's error type, and progenitor's body as `send_generated`.
fn split_send(original: &ImplItemFn) -> Result<(ImplItemFn, ImplItemFn), String> {
    let success = success_type(&original.sig.output).ok_or_else(|| {
        "an operation's `send()` does not return `Result<ResponseValue<T>, Error<E>>`".to_string()
    })?;
    if !matches!(original.sig.inputs.first(), Some(FnArg::Receiver(r)) if matches!(r.kind, syn::ReceiverKind::Value))
        || original.sig.inputs.len() != 1
    {
        return Err("an operation's `send()` does not take `self` alone".into());
    }
    let mut generated = original.clone();
    generated.attrs.clear();
    generated.vis = syn::Visibility::Inherited;
    generated.sig.ident = parse_quote!(send_generated);
    generated
        .sig
        .inputs
        .push(parse_quote!(context: &mut crate::error::DecodeContext));
    let after = generated
        .block
        .stmts
        .iter()
        .position(is_let_response)
        .ok_or("an operation's `send()` has no `let response = result?;`")?;
    generated
        .block
        .stmts
        .insert(after + 1, parse_quote!(context.record(&response);));

    let attrs = &original.attrs;
    let public: ImplItemFn = parse_quote! {
        #(#attrs)*
        ///
        ///Fails with the SDK's [`crate::Error`], whatever went wrong: see its `code()`,
        ///`message()`, `status()`, `request_id()` and `is_*()` predicates.
        pub async fn send(self) -> crate::Result<ResponseValue<#success>> {
            let mut context = crate::error::DecodeContext::default();
            let result = self.send_generated(&mut context).await;
            context.finish(result)
        }
    };
    Ok((public, generated))
}

/// `T` of `-> Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &ReturnType) -> Option<&Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let Type::Path(result) = &**ty else {
        return None;
    };
    let segment = result.path.segments.last()?;
    if segment.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    let GenericArgument::Type(Type::Path(value)) = args.args.first()? else {
        return None;
    };
    let value = value.path.segments.last()?;
    (value.ident == "ResponseValue")
        .then(|| single_type_arg(&value.arguments))
        .flatten()
}

fn is_let_response(stmt: &Stmt) -> bool {
    let Stmt::Local(local) = stmt else {
        return false;
    };
    let syn::Pat::Ident(pat) = &local.pat else {
        return false;
    };
    pat.ident == "response"
        && local.init.as_ref().is_some_and(|init| {
            matches!(&*init.expr, syn::Expr::Try(t)
                if matches!(&*t.expr, syn::Expr::Path(p) if p.path.is_ident("result")))
        })
}
