//! The ticket flow of Huawei Cloud's documentation, end to end: IAM token, problem types, template,
//! severities, regions, attachment upload, ticket creation, details, message, urge, download, close
//! (waiting until the ticket is closed).
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With no `HUAWEICLOUD_SDK_AK` in the environment it starts a local OSM sandbox (the
//! `osm-sandbox` crate) and runs against it: no account, no network. With `HUAWEICLOUD_SDK_AK` and
//! `HUAWEICLOUD_SDK_SK` set it runs against `OSM_ENDPOINT` (else `HUAWEICLOUD_SDK_OSM_ENDPOINT` or
//! `HUAWEICLOUD_SDK_REGION`, else the international site,
//! `https://osm.ap-southeast-3.myhuaweicloud.com`), where it files, urges and closes a real ticket;
//! without `HUAWEICLOUD_SDK_DOMAIN_ID` it looks the account id up through IAM
//! (`HUAWEICLOUD_SDK_IAM_ENDPOINT`, default `https://iam.myhuaweicloud.com`).

use std::error::Error;
use std::time::Duration;

use huaweicloud_osm::attachments::{AccessoryFromV1, Attachment};
use huaweicloud_osm::prelude::*;

/// Every ticket is created with this source id (documented constant).
const SOURCE_ID: &str = "83aeb0f2834c4df49826c781d32a963e";

// `pub(crate)`: the integration tests run this same `main` (tests/integration/quickstart.rs).
#[tokio::main]
pub(crate) async fn main() -> Result<(), Box<dyn Error>> {
    // Keep the sandbox alive for the whole run: it stops when dropped.
    let (client, _sandbox) = connect().await?;

    step(2, "problem types");
    let groups = client.list_sub_types_v1().send().await?.into_inner();
    let product = groups
        .sub_type_list
        .iter()
        .flat_map(|g| g.product_category_list.iter())
        .next()
        .ok_or("no product to file a ticket about")?;
    let product_id = product.product_category_id.clone().unwrap_or_default();
    let problem_types = client
        .list_business_types_v1()
        .product_category_id(product_id.as_str())
        .send()
        .await?
        .into_inner();
    let problem = problem_types
        .business_type_list
        .first()
        .ok_or("the product has no problem type")?;
    let problem_id = problem.business_type_id.clone().unwrap_or_default();
    say(format!(
        "{} problem types for {}; using \"{}\"",
        problem_types.total_count.unwrap_or_default(),
        show(&product.product_category_name),
        show(&problem.business_type_name)
    ));

    step(3, "template");
    let templates = client
        .list_templates_v1()
        .business_type_id(problem_id.as_str())
        .send()
        .await?
        .into_inner();
    match templates.template_list.first() {
        Some(t) => say(format!(
            "\"{}\": {}",
            show(&t.template_name),
            show(&t.template_content).replace('\n', " | ")
        )),
        None => say("no template for this problem type"),
    }

    step(4, "severities (v2: v1.0 has no severity list)");
    let severities = client
        .list_severities()
        .product_category_id(product_id.as_str())
        .business_type_id(problem_id.as_str())
        .send()
        .await?
        .into_inner();
    let names: Vec<String> = severities
        .severity_list
        .iter()
        .map(|s| show(&s.severity_name))
        .collect();
    say(format!(
        "{} (v1.0 tickets carry none; v2 CreateCases takes a severity_id)",
        names.join(", ")
    ));

    step(5, "regions");
    let regions = client.list_regions_v1().send().await?.into_inner();
    let region = regions.region_list.first().ok_or("no region")?;
    let region_id = region.region_id.clone().unwrap_or_default();
    say(format!(
        "{} regions; using {} ({})",
        regions.total_count.unwrap_or_default(),
        region_id,
        show(&region.region_name)
    ));

    step(6, "upload an attachment");
    let content = b"2024-05-16 08:30:12 sshd: Connection refused\n".to_vec();
    let uploaded = client
        .upload_accessory_v1(
            Attachment::from_bytes("quickstart.txt", content.clone()),
            AccessoryFromV1::Incident,
        )
        .await?
        .into_inner();
    let accessory_id = uploaded.accessory_id.ok_or("the upload returned no id")?;
    say(format!(
        "quickstart.txt ({} bytes) is attachment {accessory_id}",
        content.len()
    ));

    step(7, "create the ticket");
    let marker = format!("qs{}", std::process::id());
    let description = format!("[{marker}] Quickstart of the Rust SDK: please ignore and close.");
    client
        .create_case_v1()
        .body(
            types::CreateCaseV1Request::builder()
                .source_id(SOURCE_ID)
                .business_type_id(problem_id.as_str())
                .product_category_id(product_id.as_str())
                .region_id(region_id.as_str())
                .simple_describe(description.as_str())
                .accessory_ids(vec![accessory_id.clone()]),
        )
        .send()
        .await?;
    // v1.0 creation answers no body: find the new ticket by the marker in its description.
    let found = client
        .list_cases_v1()
        .search_key(marker.as_str())
        .send()
        .await?
        .into_inner();
    let case_id = found
        .case_list
        .first()
        .and_then(|c| c.case_id.clone())
        .ok_or("the new ticket is not in the list")?;
    say(format!("ticket {case_id} created"));

    step(8, "ticket details");
    let detail = client
        .show_case_detail_v1()
        .case_id(case_id.as_str())
        .send()
        .await?
        .into_inner()
        .case_detail
        .ok_or("no details")?;
    say(format!(
        "{}, {}, {} message(s), created {}",
        show_status(detail.status),
        show(&detail.business_type_name),
        detail.message_list.len(),
        show(&detail.create_time)
    ));

    step(9, "add a message");
    client
        .create_message_v1()
        .body(
            types::CreateMessageV1Request::builder()
                .case_id(case_id.as_str())
                .message(
                    types::CreateMessageContentV1::builder()
                        .content("Still happening after a reboot."),
                ),
        )
        .send()
        .await?;
    say("message added");

    step(10, "urge");
    let urge = || {
        client.update_case_v1().body(
            types::UpdateCaseV1Request::builder()
                .action(CaseAction::Press)
                .case_id(case_id.as_str()),
        )
    };
    urge().send().await?;
    say("urged");
    match urge().send().await {
        Err(e) if e.is_throttled() => say(format!("urging again right away is refused: {e}")),
        Err(e) => return Err(e.into()),
        Ok(_) => say("urged again"),
    }

    step(11, "download the attachment");
    let mut copy = Vec::new();
    let n = client
        .download_accessories_v1_to(&[accessory_id.as_str()], &mut copy)
        .await?;
    say(format!(
        "{n} bytes, {} the upload",
        if copy == content {
            "identical to"
        } else {
            "DIFFERENT from"
        }
    ));

    step(12, "close");
    client
        .update_case_v1()
        .body(
            types::UpdateCaseV1Request::builder()
                .action(CaseAction::Close)
                .action_desc("Solved.")
                .case_id(case_id.as_str()),
        )
        .send()
        .await?;
    // Closing is asynchronous on the real service: wait for it (ShowCaseStatus, with backoff).
    let status = client
        .wait_for_case_status(&case_id, |s| s.is_closed(), Duration::from_secs(120))
        .await?;
    say(format!("ticket {case_id} is now {status}"));
    println!("\nDone.");
    Ok(())
}

/// A client for the sandbox (no credentials in the environment) or for the service the
/// environment names.
async fn connect() -> Result<(Client, Option<osm_sandbox::Sandbox>), Box<dyn Error>> {
    step(1, "credentials");
    // Only the variables (not the profile file or the instance metadata of the rest of the
    // provider chain): without HUAWEICLOUD_SDK_AK this runs against the sandbox, whatever else the
    // machine has.
    if let Some(credentials) = Credentials::from_env()? {
        use huaweicloud_osm::client::{ENV_OSM_ENDPOINT, ENV_REGION};
        let account_given = credentials.domain_id().is_some();
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
        say(format!(
            "AK/SK from the environment, signing every request for {}",
            progenitor_client::ClientInfo::baseurl(&client)
        ));
        let account = client.resolve_domain_id().await?.unwrap_or_default();
        if account_given {
            say(format!(
                "account (domain) id {account} from the environment"
            ));
        } else {
            say(format!(
                "no HUAWEICLOUD_SDK_DOMAIN_ID: account (domain) id {account} looked up through IAM \
                 (GET /v3/auth/domains, once per client)"
            ));
        }
        say("(no IAM token needed; this run files a ticket and closes it)");
        return Ok((client, None));
    }
    let sandbox = osm_sandbox::Sandbox::start().await?;
    let c = sandbox.credentials();
    say(format!(
        "no HUAWEICLOUD_SDK_AK: using a local OSM sandbox at {}",
        sandbox.url()
    ));
    say(format!(
        "IAM password login of user \"{}\" in account \"{}\" (POST /v3/auth/tokens, token cached)",
        c.user, c.domain_name
    ));
    let client = Client::builder()
        .endpoint(sandbox.url())
        .iam_endpoint(sandbox.url())
        .credentials(Credentials::password(&c.user, &c.password, &c.domain_name))
        .build()?;
    Ok((client, Some(sandbox)))
}

fn step(n: u32, title: &str) {
    println!("\n{n:>2}. {title}");
}

fn say(line: impl AsRef<str>) {
    println!("    {}", line.as_ref());
}

fn show(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn show_status(status: Option<CaseStatus>) -> String {
    status.map_or_else(|| "of unknown status".to_string(), |s| s.to_string())
}
