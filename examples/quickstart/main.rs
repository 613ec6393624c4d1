//! The ticket flow of Huawei Cloud's documentation, end to end: IAM token, problem types, template,
//! severities, regions, attachment upload, ticket creation, details, message, urge, download, close
//! (waiting until the ticket is closed).
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! When the environment names no credentials it starts a local OSM sandbox (the `osm-sandbox`
//! crate) and runs against it: no account, no network. When it names some, of any kind the SDK's
//! chain reads from variables (`HUAWEICLOUD_SDK_AK`/`_SK`; an OIDC id token,
//! `HUAWEICLOUD_OIDC_*`; a federated identity, `HUAWEICLOUD_SDK_IDP_ID`/`_ID_TOKEN_FILE`; a CCE pod
//! identity, `HC_CONTAINER_*`; `HUAWEICLOUD_SDK_INSTANCE_METADATA=true`), it runs against
//! `OSM_ENDPOINT` (else `HUAWEICLOUD_SDK_OSM_ENDPOINT` or `HUAWEICLOUD_SDK_REGION`, else the
//! international site, `https://osm.ap-southeast-3.myhuaweicloud.com`), where it files, urges and
//! closes a real ticket; without `HUAWEICLOUD_SDK_DOMAIN_ID` it looks the account id up through
//! IAM (`HUAWEICLOUD_SDK_IAM_ENDPOINT`, default `https://iam.myhuaweicloud.com`), unless an OIDC
//! agency URN names it.

// `pub(crate)`: the integration tests run this flow under faults (tests/integration/e2e_faults.rs).
pub(crate) mod flow;

use std::error::Error;
use std::io::Write;

use huaweicloud_osm::prelude::*;

use flow::Report;

// `pub(crate)`: the integration tests run this same `main` (tests/integration/quickstart.rs).
#[tokio::main]
pub(crate) async fn main() -> Result<(), Box<dyn Error>> {
    let mut out = Report(std::io::stdout());
    // Keep the sandbox alive for the whole run: it stops when dropped.
    let (client, _sandbox) = connect(&mut out).await?;
    flow::run(&client, &mut out).await?;
    let _ = writeln!(out.0, "\nDone.");
    Ok(())
}

/// A client for the sandbox (no credentials in the environment) or for the service the
/// environment names.
async fn connect<W: Write>(
    out: &mut Report<W>,
) -> Result<(Client, Option<osm_sandbox::Sandbox>), Box<dyn Error>> {
    out.step(1, "credentials");
    // Only the variables (not the profile file of the rest of the provider chain): when they name
    // no credentials this runs against the sandbox, whatever else the machine has.
    if let Some(credentials) = Credentials::from_env()? {
        use huaweicloud_osm::client::{ENV_OSM_ENDPOINT, ENV_REGION};
        let account_given = credentials.domain_id().is_some();
        let (kind, account_in_urn) = match &credentials {
            Credentials::OidcSts(_) => ("Temporary keys for an OIDC id token (from STS)", true),
            Credentials::Federated(_) => {
                ("Temporary keys of a federated identity (from IAM)", false)
            }
            Credentials::PodIdentity(_) => ("Temporary keys of the pod identity", false),
            Credentials::InstanceMetadata(_) => ("The instance's temporary keys", false),
            _ => ("AK/SK", false),
        };
        let mut builder = Client::builder().credentials(credentials);
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let Some(url) = env("OSM_ENDPOINT") {
            builder = builder.endpoint(url);
        } else if [ENV_OSM_ENDPOINT, ENV_REGION]
            .iter()
            .all(|v| env(v).is_none())
        {
            builder = builder.region(Region::AP_SOUTHEAST_3);
        }
        let client = builder.build()?;
        out.say(format!(
            "{kind} from the environment, signing every request for {}",
            progenitor_client::ClientInfo::baseurl(&client)
        ));
        let account = client.resolve_domain_id().await?.unwrap_or_default();
        if account_given {
            out.say(format!(
                "account (domain) id {account} from the environment"
            ));
        } else if account_in_urn {
            out.say(format!("account (domain) id {account} from the agency URN"));
        } else {
            out.say(format!(
                "no HUAWEICLOUD_SDK_DOMAIN_ID: account (domain) id {account} looked up through IAM \
                 (GET /v3/auth/domains, once per client)"
            ));
        }
        out.say("(no IAM token needed; this run files a ticket and closes it)");
        return Ok((client, None));
    }
    let sandbox = osm_sandbox::Sandbox::start().await?;
    let c = sandbox.credentials();
    out.say(format!(
        "no credentials in the environment: using a local OSM sandbox at {}",
        sandbox.url()
    ));
    out.say(format!(
        "IAM password login of user \"{}\" in account \"{}\" (POST /v3/auth/tokens, token cached)",
        c.user, c.domain_name
    ));
    let client = flow::sandbox_client(&sandbox)?;
    Ok((client, Some(sandbox)))
}
