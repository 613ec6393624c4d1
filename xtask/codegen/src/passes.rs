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
//!   `crate::Result<ResponseValue<T>>`, its errors flowing as values: progenitor's hook calls
//!   (`client.pre`, `client.exec`, `client.post`) become `crate::hooks::pre` and
//!   `crate::hooks::exec`, which return `crate::Error` (an error answer arrives decoded, once);
//!   a JSON body is no longer serialized by the request builder (`.json(&body)`) but handed to
//!   `pre` as one `serde_json::Value` (`crate::hooks::json(&body)`), which the limits are checked
//!   on and which is written as the body, so it is serialized once and never parsed back; the
//!   `api-version` header progenitor adds to every request (no setting turns it off) is not added;
//!   a success body is decoded by `crate::error::json` (an undecodable body keeps its status and
//!   request id); the error-status arms, which the pipeline never hands on, are dropped; a bad
//!   argument is `crate::Error::InvalidRequest`. progenitor's compile-time check that the client
//!   implements its `ClientHooks` is removed with them ([`no_hooks_assertion`]).
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
    /// progenitor's `ClientHooks` assertions removed (one).
    pub hooks_assertions: usize,
    /// Builders given `.stream()` and `.pages()`.
    pub paginators: usize,
}

/// Runs every pass over the generated client; `pagings` come from the spec's `x-sdk-paging`.
pub fn apply(file: &mut syn::File, pagings: &[crate::paging::Paging]) -> Result<Rewritten, String> {
    Ok(Rewritten {
        optional_setters: optional_setters(file)?,
        str_newtypes: str_newtypes(file)?,
        sends: one_error_type(file)?,
        hooks_assertions: no_hooks_assertion(file)?,
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
        builders.extend(crate::paging::emit(paging));
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

/// Rewrites every operation builder's `send()` in the top-level `builder` module so that its errors
/// are the SDK's, as values; returns how many.
pub fn one_error_type(file: &mut syn::File) -> Result<usize, String> {
    let builders = module_mut(&mut file.items, "builder")
        .ok_or("the generated code has no `builder` module")?;
    let mut count = 0;
    for items in impl_fns(builders) {
        for item in items.iter_mut() {
            if let ImplItem::Fn(send) = item
                && send.sig.ident == "send"
            {
                errors_as_values(send).map_err(|e| format!("an operation's `send()` {e}"))?;
                count += 1;
            }
        }
    }
    Ok(count)
}

/// progenitor's `send()` over `progenitor_client::Error<E>`, rewritten over `crate::Error`.
fn errors_as_values(send: &mut ImplItemFn) -> Result<(), String> {
    let success = success_type(&send.sig.output)
        .ok_or("does not return `Result<ResponseValue<T>, Error<E>>`")?
        .clone();
    if !matches!(send.sig.inputs.first(), Some(FnArg::Receiver(r)) if matches!(r.kind, syn::ReceiverKind::Value))
        || send.sig.inputs.len() != 1
    {
        return Err("does not take `self` alone".into());
    }
    send.sig.output = parse_quote!(-> crate::Result<ResponseValue<#success>>);
    send.attrs.push(parse_quote!(#[doc = ""]));
    send.attrs.push(parse_quote!(
        #[doc = "Fails with the SDK's [`crate::Error`], whatever went wrong: see its `kind()`,"]
    ));
    send.attrs.push(parse_quote!(
        #[doc = "`code()`, `message()`, `status()`, `request_id()` and `is_*()` predicates."]
    ));
    let mut hooks = Vec::new();
    let mut stmts = Vec::with_capacity(send.block.stmts.len());
    let mut api_version = 0;
    let mut json_body: Option<syn::Expr> = None;
    for mut stmt in std::mem::take(&mut send.block.stmts) {
        if is_api_version_header(&stmt) {
            api_version += 1;
            continue;
        }
        allow_unused_header_map(&mut stmt);
        if let Some(body) = take_json_body(&mut stmt) {
            json_body = Some(body);
        }
        let hook = hook_call(&stmt);
        match hook {
            Some("pre") => stmts.push(match &json_body {
                Some(body) => parse_quote!(
                    let request =
                        crate::hooks::pre(client, request, &info, Some(crate::hooks::json(#body)?))?;
                ),
                None => parse_quote!(let request = crate::hooks::pre(client, request, &info, None)?;),
            }),
            Some("exec") => stmts.push(parse_quote!(
                let response = crate::hooks::exec(client, request, &info).await?;
            )),
            Some(_) => {}                        // `post`: the SDK has no such step
            None if is_let_response(&stmt) => {} // `exec` returned the response already
            None => {
                own_invalid_request(&mut stmt);
                stmts.push(stmt);
            }
        }
        hooks.extend(hook);
    }
    if hooks != ["pre", "exec", "post"] {
        return Err(format!(
            "calls the hooks {hooks:?}, not `pre`, `exec`, `post`"
        ));
    }
    if api_version != 1 {
        return Err(format!(
            "adds the `api-version` header {api_version} times, not once"
        ));
    }
    let Some(Stmt::Expr(syn::Expr::Match(answer), None)) = stmts.last_mut() else {
        return Err("does not end with a `match` on the response status".into());
    };
    success_arms(answer)?;
    send.block.stmts = stmts;
    Ok(())
}

/// progenitor's `header_map.append(HeaderName::from_static("api-version"), …);`, which every
/// operation adds and no setting turns off.
fn is_api_version_header(stmt: &Stmt) -> bool {
    let Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    let Some(syn::Expr::Call(name)) = call.args.first() else {
        return false;
    };
    call.method == "append"
        && matches!(name.args.first(), Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }))
            if s.value() == "api-version")
}

/// `let mut header_map = …;` may have nothing appended to it once the `api-version` header is
/// gone (an operation without header parameters): it is allowed to be `mut` unused, as progenitor
/// allows its `let mut request`.
fn allow_unused_header_map(stmt: &mut Stmt) {
    if let Stmt::Local(local) = stmt
        && matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "header_map")
    {
        local.attrs.push(parse_quote!(#[allow(unused_mut)]));
    }
}

/// Takes `.json(<body>)` out of the request builder chain of `let mut request = client.client
/// .<method>(url)….json(&body)….build()?;` and returns `<body>`, if the statement is that one.
fn take_json_body(stmt: &mut Stmt) -> Option<syn::Expr> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    let mut expr = &mut *local.init.as_mut()?.expr;
    if let syn::Expr::Try(tried) = expr {
        expr = &mut *tried.expr;
    }
    loop {
        let syn::Expr::MethodCall(call) = expr else {
            return None;
        };
        if let syn::Expr::MethodCall(inner) = &*call.receiver
            && inner.method == "json"
            && inner.args.len() == 1
        {
            let body = inner.args.first().cloned();
            let rest = (*inner.receiver).clone();
            *call.receiver = rest;
            return body;
        }
        expr = &mut *call.receiver;
    }
}

/// The hook `client.<hook>(…)` a statement calls: `client.pre(…).await?;`,
/// `let result = client.exec(…).await;`, `client.post(…).await?;`.
fn hook_call(stmt: &Stmt) -> Option<&'static str> {
    let expr = match stmt {
        Stmt::Expr(expr, _) => expr,
        Stmt::Local(local) => &*local.init.as_ref()?.expr,
        _ => return None,
    };
    let mut expr = expr;
    loop {
        expr = match expr {
            syn::Expr::Try(e) => &e.expr,
            syn::Expr::Await(e) => &e.base,
            _ => break,
        };
    }
    let syn::Expr::MethodCall(call) = expr else {
        return None;
    };
    let on_client = matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("client"));
    let hook = ["pre", "exec", "post"]
        .into_iter()
        .find(|hook| call.method == hook);
    on_client.then_some(hook).flatten()
}

/// `x.map_err(Error::InvalidRequest)?` (progenitor's error for a bad argument) becomes
/// `x.map_err(crate::Error::InvalidRequest)?`.
fn own_invalid_request(stmt: &mut Stmt) {
    let Stmt::Local(local) = stmt else {
        return;
    };
    let Some(init) = local.init.as_mut() else {
        return;
    };
    let syn::Expr::Try(tried) = &mut *init.expr else {
        return;
    };
    let syn::Expr::MethodCall(call) = &mut *tried.expr else {
        return;
    };
    if call.method != "map_err" || call.args.len() != 1 {
        return;
    }
    if let Some(syn::Expr::Path(p)) = call.args.first_mut()
        && p.path.segments.len() == 2
        && p.path.segments[0].ident == "Error"
        && p.path.segments[1].ident == "InvalidRequest"
    {
        p.path = parse_quote!(crate::Error::InvalidRequest);
    }
}

/// Keeps the success arms of the final `match` (a JSON body decoded by `crate::error::json`, a
/// stream as it is), drops the error-status arms the pipeline never reaches, and reports any other
/// status as `crate::error::undocumented`.
fn success_arms(answer: &mut syn::ExprMatch) -> Result<(), String> {
    let mut kept = Vec::new();
    for mut arm in std::mem::take(&mut answer.arms) {
        let body = unblock(&arm.body);
        if matches!(arm.pat, syn::Pat::Wild(_)) {
            *arm.body = parse_quote!(Err(crate::error::undocumented(response)));
        } else if is_call_of(body, &["Err"]) {
            continue; // `Err(Error::ErrorResponse(…))`: `exec` returned every error already
        } else if matches!(body, syn::Expr::Await(a) if is_call_of(&a.base, &["ResponseValue", "from_response"]))
        {
            *arm.body = parse_quote!(crate::error::json(response).await);
        } else if !is_call_of(body, &["Ok"]) {
            return Err("has a response arm of an unknown shape".into());
        }
        kept.push(arm);
    }
    if !kept.iter().any(|arm| matches!(arm.pat, syn::Pat::Wild(_))) {
        return Err("has no `_` arm in its `match` on the response status".into());
    }
    answer.arms = kept;
    Ok(())
}

/// The expression of a block that holds nothing else (`{ Err(…) }`), else `expr` itself.
fn unblock(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Block(b) => match b.block.stmts.as_slice() {
            [Stmt::Expr(inner, None)] => unblock(inner),
            _ => expr,
        },
        _ => expr,
    }
}

/// `expr` is a call of the function at `path` (`Err(…)`, `ResponseValue::from_response(…)`).
fn is_call_of(expr: &syn::Expr, path: &[&str]) -> bool {
    let syn::Expr::Call(call) = expr else {
        return false;
    };
    let syn::Expr::Path(f) = &*call.func else {
        return false;
    };
    f.path.segments.len() == path.len()
        && f.path.segments.iter().zip(path).all(|(s, p)| s.ident == p)
}

/// Removes progenitor's compile-time check that the client implements `ClientHooks`
/// (`const _: () = { fn assert_client_hooks() where Client: ClientHooks<…> {} };`): the generated
/// code calls the SDK's own steps instead. Returns how many were removed (one).
pub fn no_hooks_assertion(file: &mut syn::File) -> Result<usize, String> {
    let before = file.items.len();
    file.items.retain(|item| {
        let Item::Const(c) = item else {
            return true;
        };
        let syn::Expr::Block(block) = &*c.expr else {
            return true;
        };
        !block.block.stmts.iter().any(
            |stmt| matches!(stmt, Stmt::Item(Item::Fn(f)) if f.sig.ident == "assert_client_hooks"),
        )
    });
    match before - file.items.len() {
        1 => Ok(1),
        n => Err(format!(
            "expected progenitor's one `assert_client_hooks` check, found {n}"
        )),
    }
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
