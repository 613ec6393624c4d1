//! `osm`: Huawei Cloud's service-ticket API (OSM) and iRobot from the shell.
//!
//! Every operation of `openapi/osm.yaml` is a subcommand named after its `operationId` in kebab
//! case, generated at build time by progenitor's `Generator::cli` (`build.rs`, passes in
//! `xtask/codegen/src/cli_passes.rs`); the hand-written modules here set the client up ([`setup`]), print
//! results and errors ([`output`]), read and check request bodies ([`body`]) and move files
//! ([`files`]).
//!
//! Options of the tool itself go before the command (`osm --output table list-cases --limit 5`),
//! the operation's own flags after it; so `--output` is the format before a command and, for the
//! download commands, the file after it.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod body;
mod files;
mod output;
mod setup;

use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command};

use generated::{Cli, CliCommand};
use output::Output;

/// progenitor's CLI for every generated operation (never checked in).
#[allow(missing_docs, unused, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/cli.rs"));
}

/// The end of `osm --help`: where options go, output, exit statuses.
const AFTER_HELP: &str = "\
Options of osm itself go before the command, the operation's flags after it:
  osm --output table list-cases --limit 5
  osm show-case-detail --case-id CS20990101000000
  osm create-cases --json-body ticket.json        (`-` reads standard input)
  osm create-cases --body-schema                  (the body's JSON Schema)
  osm download-accessories --accessory-id ID --output boot.log
Here --output after download-accessories is the file to write; before a command it is the format.

Credentials come from the SDK's provider chain: an OIDC id token (HUAWEICLOUD_OIDC_*), else
HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK (HUAWEICLOUD_SDK_SECURITY_TOKEN) or a federated identity
(HUAWEICLOUD_SDK_IDP_ID, HUAWEICLOUD_SDK_ID_TOKEN_FILE), with HUAWEICLOUD_SDK_DOMAIN_ID, else the
profile file (HUAWEICLOUD_SDK_CREDENTIALS_FILE, default ~/.huaweicloud/credentials), else a CCE pod
identity (HC_CONTAINER_CREDENTIALS_FULL_URI, HC_CONTAINER_AUTHORIZATION_TOKEN_FILE). The endpoint
comes from --endpoint, --region, HUAWEICLOUD_SDK_OSM_ENDPOINT or HUAWEICLOUD_SDK_REGION; with none
of them nothing is sent.

Output: one JSON document on standard output; --output jsonl streams every item of a paged list
(all pages), one JSON object a line; --output table prints a list's id, status, description and
creation time. Errors: one line on standard error with the code, message and request id (one JSON
object with --output json or jsonl).

Retries: a call that is safe to repeat is retried after 429, 5xx or a lost connection for up to
20 s (--retry-budget SECONDS; 0: one attempt); one that creates, only if it never left.

Exit status:
  0  success
  1  the service answered with an error (not found, refused, throttled, ...)
  2  usage: bad arguments, or a --json-body that is not valid; nothing was sent
  3  transport: no usable answer (connection, TLS, timeout, an answer that does not decode)
  4  local or configuration: no credentials or endpoint, a file that cannot be read or written";

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => {
            if let Some(option) = misplaced_tool_option(&e) {
                let _ = e.print();
                eprintln!(
                    "hint: --{option} is an option of osm itself: put it before the command \
                     (osm --{option} <value> <command> ...)"
                );
                return ExitCode::from(2);
            }
            e.exit()
        }
    };
    let options = setup::Options::from_matches(&matches);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = match runtime {
        Ok(runtime) => runtime.block_on(run(&matches, &options)),
        Err(e) => Err(anyhow::Error::new(e).context("cannot start the async runtime")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => output::report(&e, options.format),
    }
}

/// The whole command line: the tool's options, one subcommand per operation, the hand-written ones.
fn command() -> Command {
    let mut root = Command::new("osm")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Huawei Cloud service tickets (OSM) and iRobot: every API operation as a command")
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(setup::args());
    for op in CliCommand::iter() {
        root = root.subcommand(Cli::<Output>::get_command(op).name(subcommand_name(op)));
    }
    root.subcommands(files::commands()).subcommand(
        Command::new("completions")
            .about("Print the shell completion script for osm")
            .arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(clap::value_parser!(clap_complete::Shell)),
            ),
    )
}

/// The tool's own option (`output`, `endpoint`, ...) when clap refused it after a command that
/// has no such flag: `osm list-cases --output table`, a slip the hint corrects.
fn misplaced_tool_option(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(given)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let name = given.strip_prefix("--")?.split('=').next()?;
    setup::args()
        .iter()
        .filter_map(|arg| arg.get_long())
        .find(|long| *long == name)
        .map(str::to_owned)
}

/// `list_cases_v1` (progenitor's name for `ListCasesV1`) -> `list-cases-v1`.
fn subcommand_name(op: CliCommand) -> String {
    op.operation_id().replace('_', "-")
}

async fn run(matches: &ArgMatches, options: &setup::Options) -> anyhow::Result<()> {
    let Some((name, sub)) = matches.subcommand() else {
        unreachable!("clap requires a subcommand");
    };
    if name == "completions" {
        let shell = *sub
            .get_one::<clap_complete::Shell>("shell")
            .expect("required by clap");
        clap_complete::generate(shell, &mut command(), "osm", &mut std::io::stdout());
        return Ok(());
    }
    let output = Output::new(options.format);
    let (client, _sandbox) = setup::client(options, body::wants_schema(sub)).await?;
    if files::run(name, &client, sub, &output).await? {
        return Ok(());
    }
    let op = CliCommand::iter()
        .find(|op| subcommand_name(*op) == name)
        .expect("every subcommand is an operation or hand-written");
    Cli::new(client, output).execute(op, sub).await
}
