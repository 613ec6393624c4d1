//! The tool's own options and the client they configure: the SDK's builder and provider chain
//! (environment, profile file), or an in-process osm-sandbox with `--sandbox`.

use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches};
use huaweicloud_osm::{Client, Credentials, Region, RetryPolicy};
use osm_sandbox::Sandbox;

use crate::output::Format;

/// What the options before the command say.
#[derive(Debug, Clone)]
pub struct Options {
    endpoint: Option<String>,
    region: Option<String>,
    language: Option<String>,
    sandbox: bool,
    /// `--retry-budget`, when given.
    retry_budget: Option<Duration>,
    /// `--output`, when given.
    pub format: Option<Format>,
}

/// The tool's options (they go before the command).
pub fn args() -> [Arg; 6] {
    [
        Arg::new("endpoint")
            .long("endpoint")
            .value_name("URL")
            .help("OSM endpoint, e.g. https://osm.ap-southeast-3.myhuaweicloud.com [env: HUAWEICLOUD_SDK_OSM_ENDPOINT]"),
        Arg::new("region")
            .long("region")
            .value_name("REGION")
            .conflicts_with("endpoint")
            .help("Region whose endpoint to use, e.g. ap-southeast-3 [env: HUAWEICLOUD_SDK_REGION]"),
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
            .help("Retry a call that is safe to repeat for at most this long (default 20; 0: one attempt)"),
        Arg::new("output")
            .long("output")
            .short('o')
            .value_name("FORMAT")
            .value_parser(Format::from_arg)
            .help("json (default: one document), jsonl (every item of a paged list, one a line) or table"),
    ]
}

impl Options {
    /// Reads the options of the top-level command.
    pub fn from_matches(matches: &ArgMatches) -> Options {
        let text = |id: &str| matches.get_one::<String>(id).cloned();
        Options {
            endpoint: text("endpoint"),
            region: text("region"),
            language: text("language"),
            sandbox: matches.get_flag("sandbox"),
            retry_budget: matches.get_one::<Duration>("retry-budget").copied(),
            format: matches.get_one::<Format>("output").copied(),
        }
    }
}

/// The client the command runs with, and the sandbox it talks to (kept alive with it).
///
/// `offline`: the command only prints something local (`--body-schema`); its client is never used,
/// so it is built without credentials or endpoint from the environment and points at the
/// discard port of loopback.
pub async fn client(options: &Options, offline: bool) -> anyhow::Result<(Client, Option<Sandbox>)> {
    let mut builder = Client::builder();
    let mut sandbox = None;
    if offline {
        builder = builder
            .endpoint("http://127.0.0.1:9")
            .credentials(Credentials::ak_sk("offline", "offline").with_domain_id("offline"))
            .no_proxy();
    } else if options.sandbox {
        let started = Sandbox::start().await?;
        let c = started.credentials();
        builder = builder
            .endpoint(started.url())
            .iam_endpoint(started.url())
            .credentials(c.ak_sk())
            .no_proxy();
        sandbox = Some(started);
    } else if let Some(url) = &options.endpoint {
        builder = builder.endpoint(url);
    } else if let Some(region) = &options.region {
        builder = builder.region(Region::new(region));
    }
    if let Some(language) = &options.language {
        builder = builder.language(language);
    }
    if let Some(budget) = options.retry_budget {
        builder = builder.retry_policy(RetryPolicy::default().with_max_elapsed(budget));
    }
    Ok((builder.build()?, sandbox))
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
