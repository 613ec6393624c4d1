//! The command-line tool's code (crate `huaweicloud-osm-cli`, binary `osm`): progenitor's `Generator::cli` over
//! the same prepared spec and settings as the client, then passes over its output so that it runs
//! on the SDK's client as it is (one error type, paginators, streamed downloads).
//!
//! progenitor 0.15.1 is pinned, so the shapes these passes rewrite are fixed; each pass counts what
//! it rewrote and [`generate()`] fails when a count is not what the spec implies. The result is
//! snapshot-tested in `xtask/tests/passes.rs`.
//!
//! * [`one_error_type`]: `CliConfig::error` and `list_end_error` take the SDK's one
//!   `&huaweicloud_osm::Error` (progenitor expects its own generic `Error<T>`).
//! * [`summaries`]: a subcommand's `about` is the spec's summary alone (one line in `osm --help`);
//!   summary and description together become its `long_about` (`osm <op> --help`).
//! * [`json_bodies`]: `--json-body FILE` (or `-`) is read, checked against the body's JSON Schema
//!   and decoded by the hand-written `crate::body::read` before the per-field flags, which then
//!   override its fields (progenitor applies the file last, silently dropping the flags);
//!   progenitor's unfinished `--json-body-template` (help "XXX") becomes `--body-schema`, which
//!   prints that schema.
//! * [`downloads`]: the `todo!()` progenitor emits for binary responses streams the body to the
//!   subcommand's own `--output-file PATH` (`crate::files::save`; `--output` is the tool's format,
//!   given anywhere on the line).
//! * [`arrays`]: array parameters are repeated flags (`--case-ids A --case-ids B`); progenitor's
//!   `value_parser!(Vec<T>)` does not compile.
//! * [`paged`]: every operation with `x-sdk-paging` answers through `crate::pager::run`, given the
//!   builder and the answer's list field: one page, every page (`--all`), the first N items
//!   (`--max-items`), or every item a line (`--output jsonl`).
//!
//! Run by `cli/build.rs` and by the xtask.

use syn::{
    Expr, ExprMethodCall, ImplItem, ImplItemFn, Item, Lit, Stmt, TraitItem, Type, parse_quote,
};

use crate::generate;

/// The SDK crate as the tool names it.
pub const SDK: &str = "huaweicloud_osm";

/// What the passes rewrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rewritten {
    /// `CliConfig` methods that now take the SDK's error.
    pub error_methods: usize,
    /// Subcommands whose `about` became the summary alone.
    pub summaries: usize,
    /// Subcommands reading `--json-body` through `crate::body`.
    pub json_bodies: usize,
    /// Binary responses streamed to `--output PATH`.
    pub downloads: usize,
    /// Array parameters turned into repeated flags.
    pub arrays: usize,
    /// Paged operations answering through `crate::pager::run`.
    pub paged: usize,
}

/// The tool's code for a spec (as YAML parsed to JSON), formatted.
pub fn generate(doc: serde_json::Value) -> Result<String, String> {
    let pagings = crate::paging::of_spec(&doc)?;
    let mut doc = doc;
    generate::strip_manual_operations(&mut doc);
    crate::limits::strip(&mut doc);
    let operations = generate::count_operations(&doc);
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(doc).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let tokens = progenitor::Generator::new(&generate::settings_in(SDK))
        .cli(&spec, SDK)
        .map_err(|e| format!("progenitor cli: {e}"))?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    let rewritten = apply(&mut file, &pagings)?;
    if rewritten.summaries != operations || rewritten.error_methods != 2 {
        return Err(format!(
            "the CLI passes rewrote {} summaries for {operations} operations and {} error methods \
             (of 2): progenitor's CLI output changed shape (see huaweicloud-osm-codegen: cli_passes.rs)",
            rewritten.summaries, rewritten.error_methods
        ));
    }
    let code = prettyplease::unparse(&file);
    if code.contains("todo!") || code.contains("\"XXX\"") {
        return Err(
            "a `todo!()` or an `XXX` help is left in the generated CLI: progenitor's \
                    output changed shape (see huaweicloud-osm-codegen: cli_passes.rs)"
                .into(),
        );
    }
    Ok(code)
}

/// Runs every pass; `pagings` come from the spec's `x-sdk-paging`.
pub fn apply(file: &mut syn::File, pagings: &[crate::paging::Paging]) -> Result<Rewritten, String> {
    let error_methods = one_error_type(file)?;
    let methods = cli_methods(file).ok_or("the generated CLI has no `impl Cli`")?;
    Ok(Rewritten {
        error_methods,
        summaries: summaries(methods)?,
        json_bodies: json_bodies(methods)?,
        downloads: downloads(methods)?,
        arrays: arrays(methods)?,
        paged: paged(methods, pagings)?,
    })
}

fn cli_methods(file: &mut syn::File) -> Option<&mut Vec<ImplItem>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Impl(block) if block.trait_.is_none() && is_named(&block.self_ty, "Cli") => {
            Some(&mut block.items)
        }
        _ => None,
    })
}

fn is_named(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// The methods named `prefix<op>`, with `<op>`.
fn fns_with_prefix<'a>(
    methods: &'a mut [ImplItem],
    prefix: &'a str,
) -> impl Iterator<Item = (String, &'a mut ImplItemFn)> + 'a {
    methods.iter_mut().filter_map(move |item| match item {
        ImplItem::Fn(f) => {
            let name = f.sig.ident.to_string();
            let op = name.strip_prefix(prefix)?.to_string();
            Some((op, f))
        }
        _ => None,
    })
}

fn find_fn<'a>(methods: &'a mut [ImplItem], name: &str) -> Option<&'a mut ImplItemFn> {
    methods.iter_mut().find_map(|item| match item {
        ImplItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    })
}

/// `CliConfig::error` and `list_end_error` over `&huaweicloud_osm::Error`; returns how many.
pub fn one_error_type(file: &mut syn::File) -> Result<usize, String> {
    let config = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Trait(t) if t.ident == "CliConfig" => Some(t),
            _ => None,
        })
        .ok_or("the generated CLI has no `CliConfig` trait")?;
    let mut count = 0;
    for item in config.items.iter_mut() {
        let TraitItem::Fn(method) = item else {
            continue;
        };
        if method.sig.ident == "error" {
            *method = parse_quote! {
                /// Called with the error of a failed call (the tool reports it once, in `main`).
                fn error(&self, value: &huaweicloud_osm::Error);
            };
            count += 1;
        } else if method.sig.ident == "list_end_error" {
            *method = parse_quote! {
                /// Called when a listing ends with an error.
                fn list_end_error<T>(&self, value: &huaweicloud_osm::Error)
                where
                    T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug;
            };
            count += 1;
        }
    }
    Ok(count)
}

/// A method-call chain `base.a(..).b(..)`, as its base and its calls in order (each call's
/// receiver left empty).
fn unchain(mut expr: Expr) -> (Expr, Vec<ExprMethodCall>) {
    let mut calls = Vec::new();
    loop {
        match expr {
            Expr::MethodCall(mut call) => {
                expr = std::mem::replace(&mut *call.receiver, Expr::Verbatim(Default::default()));
                calls.push(call);
            }
            other => {
                calls.reverse();
                return (other, calls);
            }
        }
    }
}

fn rechain(base: Expr, calls: Vec<ExprMethodCall>) -> Expr {
    calls.into_iter().fold(base, |receiver, mut call| {
        *call.receiver = receiver;
        Expr::MethodCall(call)
    })
}

/// Rewrites the `::clap::Command` chain a `cli_<op>()` returns.
fn edit_command(
    f: &mut ImplItemFn,
    edit: impl FnOnce(&mut Vec<ExprMethodCall>) -> Result<(), String>,
) -> Result<(), String> {
    let name = f.sig.ident.to_string();
    let Some(Stmt::Expr(expr, None)) = f.block.stmts.last_mut() else {
        return Err(format!("`{name}` does not end with its command"));
    };
    let (base, mut calls) = unchain(std::mem::replace(expr, Expr::Verbatim(Default::default())));
    edit(&mut calls).map_err(|e| format!("{name}: {e}"))?;
    *expr = rechain(base, calls);
    Ok(())
}

fn string_lit(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        _ => None,
    }
}

/// The id of `::clap::Arg::new("id")…`.
fn arg_id(arg: &Expr) -> Option<String> {
    let (base, _) = unchain(arg.clone());
    match base {
        Expr::Call(call) => call.args.first().and_then(string_lit),
        _ => None,
    }
}

/// The index of `.arg(::clap::Arg::new(id)…)` in a command chain.
fn arg_call(calls: &[ExprMethodCall], id: &str) -> Option<usize> {
    calls
        .iter()
        .position(|c| c.method == "arg" && c.args.first().and_then(arg_id).as_deref() == Some(id))
}

/// Splits every subcommand's `about("summary\n\ndescription")`; returns how many.
pub fn summaries(methods: &mut [ImplItem]) -> Result<usize, String> {
    let mut count = 0;
    for (_, f) in fns_with_prefix(methods, "cli_") {
        edit_command(f, |calls| {
            let at = calls
                .iter()
                .position(|c| c.method == "about")
                .ok_or("no `about`: the operation has no summary")?;
            let text = calls[at]
                .args
                .first()
                .and_then(string_lit)
                .ok_or("`about` is not a string literal")?;
            let summary = text
                .split("\n\n")
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            let long = text.trim_end().to_string();
            calls[at] = parse_quote!(_.about(#summary));
            calls.insert(at + 1, parse_quote!(_.long_about(#long)));
            Ok(())
        })?;
        count += 1;
    }
    Ok(count)
}

/// `if let Some(value) = matches.get_one::<T>("id") { … }`: the `get_one` call.
fn get_one_call(stmt: &mut Stmt) -> Option<(String, &mut ExprMethodCall)> {
    let Stmt::Expr(Expr::If(branch), _) = stmt else {
        return None;
    };
    let Expr::Let(binding) = &mut *branch.cond else {
        return None;
    };
    let Expr::MethodCall(call) = &mut *binding.expr else {
        return None;
    };
    if call.method != "get_one" {
        return None;
    }
    let id = call.args.first().and_then(string_lit)?;
    Some((id, call))
}

/// `T` of the path `…::name<T>`.
fn type_arg_of(path: &syn::Path, name: &str) -> Option<Type> {
    let last = path.segments.last()?;
    (last.ident == name)
        .then(|| crate::passes::single_type_arg(&last.arguments).cloned())
        .flatten()
}

/// `T` of `serde_json::from_str::<T>(..)` anywhere in a `let` initializer chain.
fn decoded_type(expr: &Expr) -> Option<Type> {
    match expr {
        Expr::Try(t) => decoded_type(&t.expr),
        Expr::MethodCall(c) => decoded_type(&c.receiver),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => type_arg_of(&p.path, "from_str"),
            _ => None,
        },
        _ => None,
    }
}

/// `--json-body` through `crate::body::read`, before the field flags; `--body-schema`; returns how
/// many subcommands take a body.
pub fn json_bodies(methods: &mut [ImplItem]) -> Result<usize, String> {
    let mut bodies = Vec::new();
    for (op, f) in fns_with_prefix(methods, "execute_") {
        let Some(at) = f
            .block
            .stmts
            .iter_mut()
            .position(|s| get_one_call(s).is_some_and(|(id, _)| id == "json-body"))
        else {
            continue;
        };
        let Stmt::Expr(Expr::If(branch), _) = &f.block.stmts[at] else {
            unreachable!("found above");
        };
        let body = branch
            .then_branch
            .stmts
            .iter()
            .find_map(|s| match s {
                Stmt::Local(l) => l.init.as_ref().and_then(|i| decoded_type(&i.expr)),
                _ => None,
            })
            .ok_or_else(|| format!("execute_{op}: the `--json-body` block decodes no type"))?;
        f.block.stmts.remove(at);
        // Right after `let mut request = …;`, so that the field flags that follow override it.
        f.block.stmts.insert(
            1,
            parse_quote! {
                if let Some(value) = matches.get_one::<std::path::PathBuf>("json-body") {
                    request = request.body(crate::body::read::<#body>(value, #op)?);
                }
            },
        );
        f.block.stmts.insert(
            0,
            parse_quote! {
                if matches.get_flag("body-schema") {
                    return crate::body::print_schema::<#body>(#op);
                }
            },
        );
        bodies.push(op);
    }
    for op in &bodies {
        let f = find_fn(methods, &format!("cli_{op}"))
            .ok_or_else(|| format!("no `cli_{op}` for `execute_{op}`"))?;
        edit_command(f, |calls| {
            let at = arg_call(calls, "json-body").ok_or("no `json-body` argument")?;
            let (base, mut arg) = unchain(calls[at].args[0].clone());
            for call in arg.iter_mut() {
                if call.method == "value_name" {
                    *call = parse_quote!(_.value_name("FILE"));
                } else if call.method == "help" {
                    *call = parse_quote!(_.help(
                        "JSON file with the whole request body (`-`: standard input), checked \
                         against its schema (--body-schema) before anything is sent; field flags \
                         given with it override its fields"
                    ));
                }
            }
            calls[at].args[0] = rechain(base, arg);
            let at =
                arg_call(calls, "json-body-template").ok_or("no `json-body-template` argument")?;
            calls[at] = parse_quote! {
                _.arg(
                    ::clap::Arg::new("body-schema")
                        .long("body-schema")
                        .action(::clap::ArgAction::SetTrue)
                        .exclusive(true)
                        .help("Print the JSON Schema of the request body (with the documented limits) and exit"),
                )
            };
            Ok(())
        })?;
    }
    Ok(bodies.len())
}

/// Binary responses saved to `--output-file PATH`; returns how many.
pub fn downloads(methods: &mut [ImplItem]) -> Result<usize, String> {
    let mut saved = Vec::new();
    for (op, f) in fns_with_prefix(methods, "execute_") {
        let Some(Stmt::Expr(last, None)) = f.block.stmts.last_mut() else {
            continue;
        };
        let Expr::Match(outcome) = ungroup_mut(last) else {
            continue;
        };
        for arm in outcome.arms.iter_mut() {
            if is_todo(ungroup_mut(&mut arm.body)) {
                *arm.body = parse_quote!(crate::files::save(matches, r).await);
                saved.push(op.clone());
            }
        }
    }
    for op in &saved {
        let f = find_fn(methods, &format!("cli_{op}"))
            .ok_or_else(|| format!("no `cli_{op}` for `execute_{op}`"))?;
        edit_command(f, |calls| {
            if arg_call(calls, "output-file").is_some() {
                return Err("already has an `output-file` argument".into());
            }
            calls.push(parse_quote! {
                _.arg(
                    ::clap::Arg::new("output-file")
                        .long("output-file")
                        .value_name("PATH")
                        .required(true)
                        .value_parser(::clap::value_parser!(std::path::PathBuf))
                        .help("File to write the download to, streamed (`-`: standard output)"),
                )
            });
            Ok(())
        })?;
    }
    Ok(saved.len())
}

/// `todo!()`, alone or as the only statement of a block.
fn is_todo(expr: &Expr) -> bool {
    match expr {
        Expr::Macro(m) => m.mac.path.is_ident("todo"),
        Expr::Block(b) => match b.block.stmts.as_slice() {
            [Stmt::Macro(m)] => m.mac.path.is_ident("todo"),
            [Stmt::Expr(e, _)] => is_todo(e),
            _ => false,
        },
        _ => false,
    }
}

/// The expression inside invisible groups (interpolated code keeps them).
fn ungroup_mut(expr: &mut Expr) -> &mut Expr {
    match expr {
        Expr::Group(g) => ungroup_mut(&mut g.expr),
        other => other,
    }
}

/// `T` of `Vec<T>` (in a `::clap::value_parser!(Vec<T>)` or a `get_one::<Vec<T>>`).
fn vec_item(ty: &Type) -> Option<Type> {
    match ty {
        Type::Path(p) => type_arg_of(&p.path, "Vec"),
        _ => None,
    }
}

/// Array parameters as repeated flags; returns how many.
pub fn arrays(methods: &mut [ImplItem]) -> Result<usize, String> {
    let mut count = 0;
    for (_, f) in fns_with_prefix(methods, "cli_") {
        edit_command(f, |calls| {
            for call in calls.iter_mut().filter(|c| c.method == "arg") {
                let (base, mut arg) = unchain(call.args[0].clone());
                let Some(at) = arg.iter().position(|c| c.method == "value_parser") else {
                    continue;
                };
                let Some(Expr::Macro(parser)) = arg[at].args.first() else {
                    continue;
                };
                let Some(item) = syn::parse2::<Type>(parser.mac.tokens.clone())
                    .ok()
                    .as_ref()
                    .and_then(vec_item)
                else {
                    continue;
                };
                arg[at] = parse_quote!(_.value_parser(::clap::value_parser!(#item)));
                arg.insert(at + 1, parse_quote!(_.action(::clap::ArgAction::Append)));
                call.args[0] = rechain(base, arg);
                count += 1;
            }
            Ok(())
        })?;
    }
    let mut reads = 0;
    for (_, f) in fns_with_prefix(methods, "execute_") {
        for stmt in f.block.stmts.iter_mut() {
            let Some((id, call)) = get_one_call(stmt) else {
                continue;
            };
            let Some(syn::AngleBracketedGenericArguments { args, .. }) = call.turbofish.as_ref()
            else {
                continue;
            };
            let Some(item) = args.first().and_then(|a| match a {
                syn::GenericArgument::Type(t) => vec_item(t),
                _ => None,
            }) else {
                continue;
            };
            let receiver = &call.receiver;
            *call = parse_quote! {
                #receiver.get_many::<#item>(#id).map(|values| values.cloned().collect::<::std::vec::Vec<#item>>())
            };
            reads += 1;
        }
    }
    if reads != count {
        return Err(format!(
            "{count} array flags but {reads} array reads: progenitor's CLI output changed shape"
        ));
    }
    Ok(count)
}

/// Paged operations answer through `crate::pager::run` (one page, `--all`, `--max-items`,
/// `--output jsonl`); returns how many.
pub fn paged(methods: &mut [ImplItem], pagings: &[crate::paging::Paging]) -> Result<usize, String> {
    let mut count = 0;
    for paging in pagings.iter().filter(|p| p.item_type.is_some()) {
        let name = format!("execute_{}", crate::names::snake_case(&paging.operation_id));
        let items = paging
            .items
            .clone()
            .ok_or_else(|| format!("`{name}`: a paged operation with items names no list field"))?;
        let f =
            find_fn(methods, &name).ok_or_else(|| format!("no `{name}` for a paged operation"))?;
        let at = f
            .block
            .stmts
            .iter()
            .position(|s| {
                matches!(s, Stmt::Local(l) if matches!(&l.pat, syn::Pat::Ident(p) if p.ident == "result"))
            })
            .ok_or_else(|| format!("`{name}` has no `let result = request.send().await;`"))?;
        f.block.stmts.truncate(at);
        f.block.stmts.push(Stmt::Expr(
            parse_quote!(crate::pager::run(request, #items).await),
            None,
        ));
        count += 1;
    }
    Ok(count)
}

/// The grouped help's table, as Rust for the CLI's `areas.rs`: `pub const TAGS: &[(&str, &str)]`
/// (name, description, in the spec's order) and `pub const AREAS: &[(&str, &str)]` (subcommand
/// name, its first tag).
pub fn areas(doc: &serde_json::Value) -> String {
    let mut tags = String::new();
    for tag in doc["tags"].as_array().into_iter().flatten() {
        let name = tag["name"].as_str().unwrap_or_default();
        let about = tag["description"].as_str().unwrap_or_default();
        let end = [" (", ": ", ". "]
            .iter()
            .filter_map(|stop| about.find(stop))
            .min()
            .unwrap_or(about.len());
        let about = about[..end].trim().trim_end_matches('.');
        tags.push_str(&format!("    ({name:?}, {about:?}),\n"));
    }
    let mut areas = String::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let (Some(id), Some(tag)) = (op["operationId"].as_str(), op["tags"][0].as_str()) else {
                continue;
            };
            let name = crate::names::snake_case(id).replace('_', "-");
            areas.push_str(&format!("    ({name:?}, {tag:?}),\n"));
        }
    }
    format!(
        "/// The spec's tags: name, description.\npub const TAGS: &[(&str, &str)] = &[\n{tags}];\n\
         /// Each operation's subcommand and first tag.\npub const AREAS: &[(&str, &str)] = &[\n{areas}];\n"
    )
}
