//! The client the tool's options ([`crate::options`]) configure: the SDK's builder and provider
//! chain (environment, profile file), a named profile (`--profile`) with its saved settings
//! ([`crate::profiles`]), or an in-process osm-sandbox with `--sandbox`.

use huaweicloud_osm::{Client, Credentials, Error, Region, RetryPolicy};
use osm_sandbox::Sandbox;

use crate::options::{self, Options, Target};
use crate::profiles::{self, Profile};

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
    options::install_target(Target {
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
