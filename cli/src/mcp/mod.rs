//! `osm mcp`: the ticket API as tools for AI agents, a Model Context Protocol server over standard
//! input and output (rmcp), with the tool's set-up (provider chain, `--profile`, `--endpoint`,
//! `--region`, `--language`, `--sandbox`).
//!
//! The tools are made from the spec when the server starts ([`catalog`], [`schema`]), picked by
//! `--tools`, `--allow-write` and `--files` ([`select`]), served by [`server`] and called through
//! the SDK ([`call`]); large answers are cut to `--max-result-chars` ([`cut`]) and file paths kept
//! inside the `--files` directory ([`files`]). Standard output carries the protocol alone; notes
//! go to standard error.

mod call;
mod catalog;
mod cut;
mod files;
mod schema;
mod select;
mod server;

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use huaweicloud_osm::Client;
use rmcp::ServiceExt;

use select::Wanted;

/// The default `--max-result-chars`: about 10,000 tokens of JSON.
const MAX_RESULT_CHARS: usize = 40_000;

/// `osm mcp`.
pub fn command() -> Command {
    Command::new("mcp")
        .about("Serve the API as tools for AI agents (Model Context Protocol over standard input and output)")
        .long_about(format!(
            "Serve the API as tools for AI agents: a Model Context Protocol server over standard input \
             and output, set up like every command (--profile, --endpoint, --region, --language, \
             --sandbox). Each tool is one operation of the spec, named after it in snake case, with \
             its limits and value sets in its input schema and its answer as structured JSON.\n\n\
             Default tools (the ticket workflow): {}; with --files DIR also {}. Tools that change \
             anything are offered only with --allow-write.",
            select::DEFAULT.join(", "),
            select::DEFAULT_FILES.join(", ")
        ))
        .arg(
            Arg::new("tools")
                .long("tools")
                .value_name("all|NAME,…")
                .value_parser(Wanted::parse)
                .help("Tools to offer: `all` (every operation), or names separated by commas (default: the ticket workflow)"),
        )
        .arg(
            Arg::new("allow-write")
                .long("allow-write")
                .action(ArgAction::SetTrue)
                .help("Also offer the tools that change anything (create, message, urge, close, cancel, delete…)"),
        )
        .arg(
            Arg::new("files")
                .long("files")
                .value_name("DIR")
                .value_parser(clap::value_parser!(PathBuf))
                .help("Offer the attachment tools (upload a file, download one), with every path inside DIR"),
        )
        .arg(
            Arg::new("max-result-chars")
                .long("max-result-chars")
                .value_name("N")
                .value_parser(clap::value_parser!(u64).range(1_000..))
                .help("Cut answers longer than N characters of JSON, saying how to get the rest (default 40000)"),
        )
}

/// Serves the tools until the client closes standard input.
pub async fn run(client: &Client, matches: &ArgMatches) -> anyhow::Result<()> {
    let wanted = matches
        .get_one::<Wanted>("tools")
        .cloned()
        .unwrap_or(Wanted::Default);
    let allow_write = matches.get_flag("allow-write");
    let files = match matches.get_one::<PathBuf>("files") {
        Some(dir) => Some(files::FilesDir::new(dir).map_err(huaweicloud_osm::Error::Config)?),
        None => None,
    };
    let selection = select::select(catalog::all(), &wanted, allow_write, files.is_some())
        .map_err(huaweicloud_osm::Error::InvalidRequest)?;
    crate::output::note(&format!(
        "mcp: serving {} tools on standard input and output",
        selection.offered.len(),
    ));
    let settings = call::Settings {
        files,
        max_result_chars: matches
            .get_one::<u64>("max-result-chars")
            .map_or(MAX_RESULT_CHARS, |n| {
                usize::try_from(*n).unwrap_or(usize::MAX)
            }),
    };
    let server = server::Server::new(client.clone(), selection, settings)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| anyhow::anyhow!("mcp: the client did not initialize the session: {e}"))?;
    server
        .waiting()
        .await
        .map_err(|e| anyhow::anyhow!("mcp: the session ended abnormally: {e}"))?;
    Ok(())
}
