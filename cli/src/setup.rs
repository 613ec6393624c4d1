//! The tool's own options (given anywhere on the line) and the client they configure: the SDK's
//! builder and provider chain (environment, profile file), a named profile (`--profile`) with its
//! saved settings ([`crate::profiles`]), or an in-process osm-sandbox with `--sandbox`.

use std::sync::OnceLock;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches};
use huaweicloud_osm::{Client, Credentials, Error, Region, RetryPolicy};
use osm_sandbox::Sandbox;

use crate::output::Format;
use crate::profiles::{self, Profile};

/// The default `--retry-budget`: a dead endpoint is reported within 5 s (the SDK's own default
/// is 20 s, for programs that can wait).
pub const DEFAULT_RETRY_BUDGET: Duration = Duration::from_secs(4);

/// What the tool's options say.
#[derive(Debug, Clone, Default)]
pub struct Options {
    endpoint: Option<String>,
    region: Option<String>,
    language: Option<String>,
    /// `--profile`, when given.
    pub profile: Option<String>,
    sandbox: bool,
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

/// The client the command runs with, and the sandbox it talks to (kept alive with it).
///
/// `offline`: the command only prints something local (`--body-schema`); its client is never used,
/// so it is built without credentials or endpoint from the environment and points at the
/// discard port of loopback.
pub async fn client(options: &Options, offline: bool) -> anyhow::Result<(Client, Option<Sandbox>)> {
    let mut builder = Client::builder();
    let mut sandbox = None;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let endpoint;
    let mut domain_known = env("HUAWEICLOUD_SDK_DOMAIN_ID").is_some();
    if offline {
        endpoint = "http://127.0.0.1:9".to_string();
        builder = builder
            .endpoint(&endpoint)
            .credentials(Credentials::ak_sk("offline", "offline").with_domain_id("offline"))
            .no_proxy();
        domain_known = true;
    } else if options.sandbox {
        let started = Sandbox::start().await?;
        let c = started.credentials();
        endpoint = started.url();
        builder = builder
            .endpoint(&endpoint)
            .iam_endpoint(started.url())
            .credentials(c.ak_sk())
            .no_proxy();
        domain_known = true;
        sandbox = Some(started);
    } else {
        let profile = profiles::load(options.profile.as_deref())?;
        endpoint = endpoint_of(options, &profile)?;
        builder = builder.endpoint(&endpoint);
        if let Some(credentials) = profile.credentials {
            domain_known |= credentials.domain_id().is_some();
            builder = builder.credentials(credentials);
        } else if let Ok(Some(chained)) = Credentials::from_chain() {
            domain_known |= chained.domain_id().is_some();
        }
        if let Some(language) = options.language.clone().or(profile.language) {
            builder = builder.language(language);
        }
    }
    if (offline || options.sandbox)
        && let Some(language) = &options.language
    {
        builder = builder.language(language);
    }
    builder = builder.retry_policy(RetryPolicy::default().with_max_elapsed(options.retry_budget()));
    let iam_lookup = (!domain_known).then(|| {
        env("HUAWEICLOUD_SDK_IAM_ENDPOINT")
            .unwrap_or_else(|| "https://iam.myhuaweicloud.com".into())
    });
    let _ = TARGET.set(Target {
        endpoint: endpoint.trim_end_matches('/').to_string(),
        iam_lookup,
    });
    let builder = crate::intercept::configure(builder, options).await?;
    let client = builder.build().map_err(cli_terms)?;
    Ok((client, sandbox))
}

/// The endpoint: `--endpoint`, `--region`, the environment, then the profile's saved settings.
fn endpoint_of(options: &Options, profile: &Profile) -> anyhow::Result<String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let region = |id: &str| Region::new(id.trim()).endpoint().map_err(cli_terms);
    if let Some(url) = &options.endpoint {
        return Ok(url.clone());
    }
    if let Some(id) = &options.region {
        return region(id);
    }
    if let Some(url) = env("HUAWEICLOUD_SDK_OSM_ENDPOINT") {
        return Ok(url);
    }
    if let Some(id) = env("HUAWEICLOUD_SDK_REGION") {
        return region(&id);
    }
    if let Some(url) = &profile.endpoint {
        return Ok(url.clone());
    }
    if let Some(id) = &profile.region {
        return region(id);
    }
    Err(Error::Config(format!(
        "no endpoint: give --endpoint URL or --region REGION, set HUAWEICLOUD_SDK_OSM_ENDPOINT or \
         HUAWEICLOUD_SDK_REGION, or save one with `osm configure{}`",
        options
            .profile
            .as_ref()
            .map(|p| format!(" --profile {p}"))
            .unwrap_or_default()
    ))
    .into())
}

/// A configuration error of the SDK in the tool's terms: flags and variables, not builder methods.
pub fn cli_terms(error: Error) -> anyhow::Error {
    let Error::Config(message) = &error else {
        return error.into();
    };
    let replacements = [
        (
            "set `.endpoint(url)` or `.region(region)`",
            "give --endpoint URL or --region REGION",
        ),
        ("pass `.credentials(..)`, set", "run `osm configure`, set"),
        ("`.endpoint(url)`", "--endpoint URL"),
        ("`.region(region)`", "--region REGION"),
        ("`.credentials(..)`", "`osm configure`"),
    ];
    let mut text = message.clone();
    for (sdk, cli) in replacements {
        text = text.replace(sdk, cli);
    }
    Error::Config(text).into()
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
