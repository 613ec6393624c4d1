//! Flags for the everyday bodies, so that common calls need no JSON: `create-messages --content
//! TEXT [--accessory-id ID]…`, `create-cases` with `--source-id` defaulted to the documented
//! value; and the confirmation asked before a delete on a terminal (`--yes` skips it; without a
//! terminal osm never asks).

use std::io::{BufRead, IsTerminal, Write};

use clap::builder::ArgPredicate;
use clap::{Arg, ArgAction, ArgMatches, Command};
use huaweicloud_osm::{Client, Error, types};

use crate::generated::CliConfig;
use crate::output::Output;

/// The `source_id` every ticket created through the API carries (the documented value).
pub const SOURCE_ID: &str = "83aeb0f2834c4df49826c781d32a963e";

/// Adds the everyday flags to the subcommand `name`.
pub fn extend(name: &str, command: Command) -> Command {
    match name {
        "create-messages" => command
            .mut_arg("json-body", |arg| arg.required(false).required_unless_present("content"))
            .arg(
                Arg::new("content")
                    .long("content")
                    .value_name("TEXT")
                    .conflicts_with("json-body")
                    .help("The message's text (instead of a --json-body)"),
            )
            .arg(
                Arg::new("accessory-id")
                    .long("accessory-id")
                    .value_name("ID")
                    .action(ArgAction::Append)
                    .requires("content")
                    .help("An uploaded attachment to send with --content (repeat for more)"),
            ),
        "create-cases" => command.mut_arg("source-id", |arg| {
            arg.required_unless_present(clap::builder::Resettable::<clap::Id>::Reset)
                .default_value(SOURCE_ID)
                .default_value_if("json-body", ArgPredicate::IsPresent, None)
                .help("Source of the ticket: the documented value for the API is the default (also put in a --json-body that has none)")
        }),
        _ => command,
    }
}

/// Runs `name` when its everyday flags were given; `false` when the generated code should.
pub async fn run(name: &str, client: &Client, matches: &ArgMatches) -> anyhow::Result<bool> {
    if name != "create-messages" {
        return Ok(false);
    }
    let Some(content) = matches.get_one::<String>("content") else {
        return Ok(false);
    };
    let case_id = matches
        .get_one::<String>("case-id")
        .ok_or_else(|| Error::InvalidRequest("--case-id is required".into()))?;
    let mut message = types::CreateMessageDoV2::builder().content(content.clone());
    if let Some(ids) = matches.get_many::<String>("accessory-id") {
        message = message.accessory_ids(ids.cloned().collect::<Vec<_>>());
    }
    let answer = client
        .create_messages()
        .case_id(case_id.clone())
        .body(types::CreateMessageV2Req::builder().message(message))
        .send()
        .await?;
    Output.success_item(&answer);
    Ok(true)
}

/// Whether `name` with these flags deletes something.
fn deletes(name: &str, matches: &ArgMatches) -> bool {
    let action = |id: &str| {
        matches
            .try_get_one::<String>(id)
            .ok()
            .flatten()
            .is_some_and(|a| a == "delete")
    };
    name.starts_with("delete-")
        || (name == "update-cases" && action("action-id"))
        || (name == "update-case-v1" && action("action"))
}

/// Asks before a delete when standard input and standard error are a terminal (and neither
/// `--yes` nor `--dry-run` was given); refusing is a usage error: nothing was sent.
pub fn confirm(name: &str, matches: &ArgMatches) -> anyhow::Result<()> {
    let options = crate::options::options();
    if !deletes(name, matches)
        || options.yes
        || options.dry_run
        || !std::io::stdin().is_terminal()
        || !std::io::stderr().is_terminal()
    {
        return Ok(());
    }
    let ids: Vec<String> = matches
        .ids()
        .filter(|id| id.as_str().ends_with("-id") || id.as_str().ends_with("-ids"))
        .filter_map(|id| {
            let values: Vec<String> = matches
                .get_raw(id.as_str())?
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            Some(format!("--{id} {}", values.join(",")))
        })
        .collect();
    let mut err = std::io::stderr().lock();
    write!(
        err,
        "osm: {name} {}: this deletes; go on? [y/N] ",
        ids.join(" ")
    )?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        return Ok(());
    }
    Err(
        Error::InvalidRequest("not confirmed: nothing was sent (--yes skips the question)".into())
            .into(),
    )
}
