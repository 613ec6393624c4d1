//! The quickstart's ticket flow, steps 2 to 12, apart from how the client is made (step 1,
//! `main.rs`), and the client it makes for a sandbox: the tests run exactly this flow with this
//! client, many times and under injected faults (`tests/integration/e2e_faults.rs`).

use std::error::Error;
use std::io::Write;
use std::time::Duration;

use huaweicloud_osm::attachments::{AccessoryFromV1, Attachment};
use huaweicloud_osm::prelude::*;

/// Every ticket is created with this source id (documented constant).
const SOURCE_ID: &str = "83aeb0f2834c4df49826c781d32a963e";

/// Where the quickstart tells what it does: numbered steps, then indented lines.
pub struct Report<W: Write>(pub W);

impl<W: Write> Report<W> {
    /// Starts step `n`.
    pub fn step(&mut self, n: u32, title: &str) {
        let _ = writeln!(self.0, "\n{n:>2}. {title}");
    }

    /// Tells what happened.
    pub fn say(&mut self, line: impl AsRef<str>) {
        let _ = writeln!(self.0, "    {}", line.as_ref());
    }
}

/// The quickstart's client for a sandbox: the default client (default retries and timeouts),
/// logging in with the sandbox user's password (IAM token, cached).
pub fn sandbox_client(sandbox: &osm_sandbox::Sandbox) -> Result<Client, Box<dyn Error>> {
    let c = sandbox.credentials();
    Ok(Client::builder()
        .endpoint(sandbox.url())
        .iam_endpoint(sandbox.url())
        .credentials(Credentials::password(&c.user, &c.password, &c.domain_name))
        .build()?)
}

/// Steps 2 to 12: problem types, template, severities, regions, an attachment upload, the
/// ticket's creation, its details, a message, an urge, the attachment's download, and closing the
/// ticket (waiting until it is closed). Returns the ticket's id.
pub async fn run<W: Write>(client: &Client, out: &mut Report<W>) -> Result<String, Box<dyn Error>> {
    out.step(2, "problem types");
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
    out.say(format!(
        "{} problem types for {}; using \"{}\"",
        problem_types.total_count.unwrap_or_default(),
        show(&product.product_category_name),
        show(&problem.business_type_name)
    ));

    out.step(3, "template");
    let templates = client
        .list_templates_v1()
        .business_type_id(problem_id.as_str())
        .send()
        .await?
        .into_inner();
    match templates.template_list.first() {
        Some(t) => out.say(format!(
            "\"{}\": {}",
            show(&t.template_name),
            show(&t.template_content).replace('\n', " | ")
        )),
        None => out.say("no template for this problem type"),
    }

    out.step(4, "severities (v2: v1.0 has no severity list)");
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
    out.say(format!(
        "{} (v1.0 tickets carry none; v2 CreateCases takes a severity_id)",
        names.join(", ")
    ));

    out.step(5, "regions");
    let regions = client.list_regions_v1().send().await?.into_inner();
    let region = regions.region_list.first().ok_or("no region")?;
    let region_id = region.region_id.clone().unwrap_or_default();
    out.say(format!(
        "{} regions; using {} ({})",
        regions.total_count.unwrap_or_default(),
        region_id,
        show(&region.region_name)
    ));

    out.step(6, "upload an attachment");
    let content = b"2024-05-16 08:30:12 sshd: Connection refused\n".to_vec();
    let uploaded = client
        .upload_accessory_v1(
            Attachment::from_bytes("quickstart.txt", content.clone()),
            AccessoryFromV1::Incident,
        )
        .await?
        .into_inner();
    let accessory_id = uploaded.accessory_id.ok_or("the upload returned no id")?;
    out.say(format!(
        "quickstart.txt ({} bytes) is attachment {accessory_id}",
        content.len()
    ));

    out.step(7, "create the ticket");
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
    out.say(format!("ticket {case_id} created"));

    out.step(8, "ticket details");
    let detail = client
        .show_case_detail_v1()
        .case_id(case_id.as_str())
        .send()
        .await?
        .into_inner()
        .case_detail
        .ok_or("no details")?;
    out.say(format!(
        "{}, {}, {} message(s), created {}",
        show_status(detail.status),
        show(&detail.business_type_name),
        detail.message_list.len(),
        show(&detail.create_time)
    ));

    out.step(9, "add a message");
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
    out.say("message added");

    out.step(10, "urge");
    let urge = || {
        client.update_case_v1().body(
            types::UpdateCaseV1Request::builder()
                .action(CaseAction::Press)
                .case_id(case_id.as_str()),
        )
    };
    urge().send().await?;
    out.say("urged");
    match urge().send().await {
        Err(e) if e.is_throttled() => out.say(format!("urging again right away is refused: {e}")),
        Err(e) => return Err(e.into()),
        Ok(_) => out.say("urged again"),
    }

    out.step(11, "download the attachment");
    let mut copy = Vec::new();
    let n = client
        .download_accessories_v1_to(&[accessory_id.as_str()], &mut copy)
        .await?;
    out.say(format!(
        "{n} bytes, {} the upload",
        if copy == content {
            "identical to"
        } else {
            "DIFFERENT from"
        }
    ));

    out.step(12, "close");
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
    out.say(format!("ticket {case_id} is now {status}"));
    Ok(case_id)
}

fn show(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn show_status(status: Option<CaseStatus>) -> String {
    status.map_or_else(|| "of unknown status".to_string(), |s| s.to_string())
}
