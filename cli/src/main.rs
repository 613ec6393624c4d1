//! `osm`: Huawei Cloud's service-ticket API (OSM) and iRobot from the shell.
//!
//! Every operation of `openapi/osm.yaml` is a subcommand named after its `operationId` in kebab
//! case, generated at build time by progenitor's `Generator::cli` (`build.rs`, passes in
//! `xtask/codegen/src/cli_passes.rs`). The hand-written modules: the command line and its help
//! ([`commands`]) and the command being run ([`current`]), the tool's options ([`options`]) and
//! client ([`setup`], [`profiles`]), value sets by name ([`names`]), everyday body flags and delete
//! confirmation ([`everyday`]), request bodies ([`body`]), paged lists ([`pager`]), output
//! ([`output`], [`table`], [`query`]) and failures ([`report`]), retries on standard error
//! ([`retries`]), `--debug`/`--dry-run` ([`intercept`]), files ([`files`]), `osm api` ([`api`]),
//! `osm wait` ([`wait`]) and `osm mcp`, the API as tools for AI agents ([`mcp`]).
//!
//! The tool's options go anywhere on the line (`osm list-cases -o table`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
mod body;
mod commands;
mod current;
mod everyday;
mod files;
mod intercept;
mod mcp;
mod names;
mod options;
mod output;
mod pager;
mod profiles;
mod query;
mod report;
mod retries;
mod setup;
mod table;
mod wait;

use std::process::ExitCode;

use clap::{ArgMatches, Command};

use generated::{Cli, CliCommand};
use output::Output;

/// progenitor's CLI for every generated operation (never checked in).
#[allow(missing_docs, unused, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/cli.rs"));
}

fn main() -> ExitCode {
    let mut tree = commands::command(commands::wants_help());
    let matches = match tree.try_get_matches_from_mut(std::env::args_os()) {
        Ok(matches) => matches,
        Err(e) => {
            // `osm --help | head -1`: printing to a closed pipe is not a failure.
            let code = e.exit_code();
            let _ = e.print();
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
    };
    let options = options::Options::from_matches(&matches);
    if let Err(e) = query::compile(options.query.as_deref()) {
        eprintln!("error: {e}");
        return ExitCode::from(output::status::USAGE);
    }
    let format = options.format;
    let (debug, dry_run) = (options.debug, options.dry_run);
    options::install(options);
    retries::install(debug);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = match runtime {
        Ok(runtime) => runtime.block_on(run(&tree, &matches)),
        Err(e) => Err(anyhow::Error::new(e).context("cannot start the async runtime")),
    };
    if dry_run && intercept::captured() > 0 {
        output::note(&format!(
            "dry run: {} request{} shown, nothing was sent",
            intercept::captured(),
            if intercept::captured() == 1 { "" } else { "s" }
        ));
        return ExitCode::SUCCESS;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report::report(&e, format),
    }
}

async fn run(tree: &Command, matches: &ArgMatches) -> anyhow::Result<()> {
    let Some((name, sub)) = matches.subcommand() else {
        unreachable!("clap requires a subcommand");
    };
    let options = options::options();
    match name {
        "completions" => {
            commands::print_completions(sub);
            return Ok(());
        }
        "configure" => return profiles::configure(sub, options.profile.as_deref()),
        _ => {}
    }
    let own = tree
        .find_subcommand(name)
        .expect("every subcommand is in the tree");
    current::record(name, commands::about_of(own), own, sub);
    everyday::confirm(name, sub)?;
    let (client, _sandbox) = setup::client(options, body::wants_schema(sub)).await?;
    match name {
        "api" => return api::run(&client, sub).await,
        "wait" => return wait::run(&client, sub).await,
        "mcp" => return mcp::run(&client, sub).await,
        _ => {}
    }
    if files::run(name, &client, sub, &Output).await? {
        return Ok(());
    }
    if everyday::run(name, &client, sub).await? {
        return Ok(());
    }
    let op = CliCommand::iter()
        .find(|op| commands::subcommand_name(*op) == name)
        .expect("every subcommand is an operation or hand-written");
    match Cli::new(client.clone(), Output).execute(op, sub).await {
        Err(e) if e.is::<body::SendAsIs>() => {
            let Ok(body::SendAsIs(value)) = e.downcast::<body::SendAsIs>() else {
                unreachable!("checked above");
            };
            api::send_operation(&client, op.operation_id(), own, sub, value).await
        }
        other => other,
    }
}
