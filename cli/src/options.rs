//! The tool's own options (given anywhere on the line): their flags, what they say ([`Options`],
//! installed once for the run), and where the run's requests go ([`Target`]).

use std::sync::OnceLock;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches};

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document (the default).
    Json,
    /// One JSON object a line; paged lists stream every item of every page.
    Jsonl,
    /// A list's key fields, aligned to the terminal's width.
    Table,
}

impl Format {
    /// Parses `--output`'s value.
    pub fn from_arg(value: &str) -> Result<Format, String> {
        match value {
            "json" => Ok(Format::Json),
            "jsonl" => Ok(Format::Jsonl),
            "table" => Ok(Format::Table),
            other => Err(format!("`{other}` is not a format: json, jsonl or table")),
        }
    }
}

/// The default `--retry-budget`: a dead endpoint is reported within 5 s (the SDK's own default
/// is 20 s, for programs that can wait).
pub const DEFAULT_RETRY_BUDGET: Duration = Duration::from_secs(4);

/// What the tool's options say.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--endpoint`, when given.
    pub endpoint: Option<String>,
    /// `--region`, when given.
    pub region: Option<String>,
    /// `--language`, when given.
    pub language: Option<String>,
    /// `--profile`, when given.
    pub profile: Option<String>,
    /// `--sandbox`: a local OSM started in this process.
    pub sandbox: bool,
    /// `--retry-budget`, when given.
    retry_budget: Option<Duration>,
    /// `--output`, when given.
    pub format: Option<Format>,
    /// `--query`, when given.
    pub query: Option<String>,
    /// `--all`: every page of a paged list.
    pub all: bool,
    /// `--max-items`: at most this many items of a paged list.
    pub max_items: Option<usize>,
    /// `--debug`: what is sent and answered, on standard error.
    pub debug: bool,
    /// `--dry-run`: show what would be sent, send nothing.
    pub dry_run: bool,
    /// `--yes`: no confirmation prompt.
    pub yes: bool,
    /// `--allow-unknown-fields`: send a `--json-body` with fields its schema does not know.
    pub allow_unknown_fields: bool,
}

static OPTIONS: OnceLock<Options> = OnceLock::new();

/// The options of this run (the defaults before [`install`]).
pub fn options() -> &'static Options {
    OPTIONS.get_or_init(Options::default)
}

/// Makes `options` the options of this run.
pub fn install(options: Options) {
    let _ = OPTIONS.set(options);
}

const CONNECTION: &str = "Connection options";
const OUTPUT: &str = "Output options";
const SAFETY: &str = "Inspection and safety options";

/// The tool's options: global, so they go anywhere on the line (`osm list-cases -o table`).
pub fn args() -> Vec<Arg> {
    let connection = [
        Arg::new("endpoint")
            .long("endpoint")
            .value_name("URL")
            .help("OSM endpoint, e.g. https://osm.ap-southeast-3.myhuaweicloud.com [env: HUAWEICLOUD_SDK_OSM_ENDPOINT]"),
        Arg::new("region")
            .long("region")
            .value_name("REGION")
            .conflicts_with("endpoint")
            .help("Region whose endpoint to use, e.g. ap-southeast-3 [env: HUAWEICLOUD_SDK_REGION]"),
        Arg::new("profile")
            .long("profile")
            .value_name("NAME")
            .help("Section [NAME] of the credentials and config files (`osm configure --profile NAME` writes them)"),
        Arg::new("language")
            .long("language")
            .value_name("LANG")
            .help("Language of names and messages in answers (X-Language), e.g. en-us or zh-cn"),
        Arg::new("sandbox")
            .long("sandbox")
            .action(ArgAction::SetTrue)
            .conflicts_with_all(["endpoint", "region"])
            .help("Run the command against a local OSM sandbox started in this process (no account, no network)"),
        Arg::new("retry-budget")
            .long("retry-budget")
            .value_name("SECONDS")
            .value_parser(parse_seconds)
            .help("Retry a call that is safe to repeat for at most this long (default 4; 0: one attempt)"),
    ];
    let output = [
        Arg::new("output")
            .long("output")
            .short('o')
            .value_name("FORMAT")
            .value_parser(Format::from_arg)
            .help("json (default), jsonl (one item a line, every page) or table"),
        Arg::new("query")
            .long("query")
            .value_name("JMESPATH")
            .help("JMESPath expression applied to the JSON answer, e.g. 'incident_info_list[].incident_id'"),
        Arg::new("all")
            .long("all")
            .action(ArgAction::SetTrue)
            .help("Every page of a paged list (default: the page asked for)"),
        Arg::new("max-items")
            .long("max-items")
            .value_name("N")
            .value_parser(clap::value_parser!(usize))
            .help("At most N items of a paged list, reading pages as needed"),
    ];
    let safety = [
        Arg::new("debug")
            .long("debug")
            .action(ArgAction::SetTrue)
            .help("Print each request and answer, headers included (secrets redacted), on standard error"),
        Arg::new("dry-run")
            .long("dry-run")
            .action(ArgAction::SetTrue)
            .help("Print the request that would be sent (secrets redacted) and send nothing"),
        Arg::new("yes")
            .long("yes")
            .short('y')
            .action(ArgAction::SetTrue)
            .help("Do not ask before deleting (osm never asks without a terminal)"),
        Arg::new("allow-unknown-fields")
            .long("allow-unknown-fields")
            .action(ArgAction::SetTrue)
            .help("Send a --json-body even with fields its schema does not know"),
    ];
    let heading = |heading: &'static str| move |arg: Arg| arg.global(true).help_heading(heading);
    connection
        .into_iter()
        .map(heading(CONNECTION))
        .chain(output.into_iter().map(heading(OUTPUT)))
        .chain(safety.into_iter().map(heading(SAFETY)))
        .collect()
}

impl Options {
    /// Reads the tool's options (wherever they were given).
    pub fn from_matches(matches: &ArgMatches) -> Options {
        let text = |id: &str| matches.get_one::<String>(id).cloned();
        let flag = |id: &str| matches.get_flag(id);
        Options {
            endpoint: text("endpoint"),
            region: text("region"),
            language: text("language"),
            profile: text("profile"),
            sandbox: flag("sandbox"),
            retry_budget: matches.get_one::<Duration>("retry-budget").copied(),
            format: matches.get_one::<Format>("output").copied(),
            // `osm api --query k=v` is a query parameter, not JMESPath.
            query: text("query").filter(|_| matches.subcommand_name() != Some("api")),
            all: flag("all"),
            max_items: matches.get_one::<usize>("max-items").copied(),
            debug: flag("debug"),
            dry_run: flag("dry-run"),
            yes: flag("yes"),
            allow_unknown_fields: flag("allow-unknown-fields"),
        }
    }

    /// The retry budget in force.
    pub fn retry_budget(&self) -> Duration {
        self.retry_budget.unwrap_or(DEFAULT_RETRY_BUDGET)
    }
}

/// Where the command's requests go, as the user configured it (for messages and `--dry-run`).
#[derive(Debug, Clone)]
pub struct Target {
    /// The OSM endpoint.
    pub endpoint: String,
    /// The IAM endpoint of the account id lookup, when the account id is not known.
    pub iam_lookup: Option<String>,
}

static TARGET: OnceLock<Target> = OnceLock::new();

/// Where this run's requests go, once the client is built.
pub fn target() -> Option<&'static Target> {
    TARGET.get()
}

/// Makes `target` where this run's requests go.
pub fn install_target(target: Target) {
    let _ = TARGET.set(target);
}

/// `--retry-budget`: whole or fractional seconds, at most a day.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(0.0..=86_400.0).contains(&seconds) {
        return Err(format!("{text} seconds: give 0 to 86400"));
    }
    Ok(Duration::from_secs_f64(seconds))
}
