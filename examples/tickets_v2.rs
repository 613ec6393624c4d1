//! The whole ticket flow with the **v2** operations, the API to use in new code: product, problem
//! type, severity and region; an attachment; the ticket's creation, details and a message; an
//! engineer's reply awaited; an urge; the open tickets listed page after page; closing the ticket
//! and waiting until it is closed.
//!
//! ```text
//! cargo run --example tickets_v2
//! ```
//!
//! With no `HUAWEICLOUD_SDK_AK` in the environment it runs against a local OSM sandbox (the
//! `osm-sandbox` crate, started in this process): no account, no network. With `HUAWEICLOUD_SDK_AK`
//! and `HUAWEICLOUD_SDK_SK` set it files, urges and closes a real ticket on the service the
//! environment names (`Client::from_env()`: `HUAWEICLOUD_SDK_OSM_ENDPOINT` or
//! `HUAWEICLOUD_SDK_REGION`).

use std::error::Error;
use std::time::Duration;

use futures_util::TryStreamExt;
use huaweicloud_osm::attachments::{AccessoryFrom, Attachment};
use huaweicloud_osm::prelude::*;
use osm_sandbox::Sandbox;

/// Every ticket is created with this source id (documented constant).
const SOURCE_ID: &str = "83aeb0f2834c4df49826c781d32a963e";

// `pub(crate)`: the integration tests run this same `main` (tests/integration/quickstart.rs).
#[tokio::main]
pub(crate) async fn main() -> Result<(), Box<dyn Error>> {
    // The sandbox stays alive for the whole run: it stops when dropped.
    let (client, sandbox) = match Credentials::from_env()? {
        Some(_) => (Client::from_env()?, None),
        None => {
            let sandbox = Sandbox::start().await?;
            println!(
                "no HUAWEICLOUD_SDK_AK: a local OSM sandbox at {}",
                sandbox.url()
            );
            let client = Client::builder()
                .endpoint(sandbox.url())
                .credentials(sandbox.credentials().ak_sk())
                .build()?;
            (client, Some(sandbox))
        }
    };

    // What to file the ticket about: the first product, problem type, severity and region offered.
    let products = client.list_product_categories().send().await?;
    let product = first(
        products.incident_product_category_list.iter(),
        |p| p.incident_product_category_id.clone(),
        "product",
    )?;
    let problems = client
        .list_problem_types()
        .product_category_id(&product)
        .send()
        .await?;
    let problem = first(
        problems.incident_business_type_list.iter(),
        |p| p.business_type_id.clone(),
        "problem type",
    )?;
    let severities = client
        .list_severities()
        .product_category_id(&product)
        .business_type_id(&problem)
        .send()
        .await?;
    let severity = first(
        severities.severity_list.iter(),
        |s| s.severity_id.clone(),
        "severity",
    )?;
    let regions = client.list_regions().send().await?;
    let region = first(
        regions.data_center_list.iter(),
        |r| r.region_id.clone(),
        "region",
    )?;
    println!("product {product}, problem type {problem}, severity {severity}, region {region}");

    let log = Attachment::from_bytes("boot.log", "kernel: VFS: unable to mount root fs\n");
    let uploaded = client
        .upload_accessory(log, AccessoryFrom::Incident)
        .await?;
    let accessory = uploaded
        .accessory_id
        .clone()
        .ok_or("the upload gave no attachment id")?;

    let created = client
        .create_cases()
        .body(
            types::CreateOrderIncidentV2Req::builder()
                .source_id(SOURCE_ID)
                .product_category_id(product.as_str())
                .business_type_id(problem.as_str())
                .severity_id(severity.as_str())
                .region_id(region.as_str())
                .simple_description(
                    "Rust SDK v2 example: ECS does not boot after resize; please ignore and close.",
                )
                .accessory_ids(vec![accessory]),
        )
        .send()
        .await?;
    let id = created
        .incident_id
        .clone()
        .ok_or("the service gave no ticket id")?;
    let detail = client.show_case_detail().case_id(&id).send().await?;
    let status = detail.incident_detail_info.as_ref().and_then(|d| d.status);
    println!("created {id}: {}", status.unwrap_or_default());

    client
        .create_messages()
        .case_id(&id)
        .body(types::CreateMessageV2Req::builder().message(
            types::CreateMessageDoV2::builder().content("It started after the resize to s6.large."),
        ))
        .send()
        .await?;
    if let Some(sandbox) = &sandbox {
        // On the sandbox, an engineer takes the ticket at once; on the service, someone will.
        sandbox.reply_as_engineer(&id, "Please send the console log.", CaseStatus::PROCESSING)?;
    }
    let taken = client
        .wait_for_case_status(
            &id,
            |s| s == CaseStatus::PROCESSING,
            Duration::from_secs(600),
        )
        .await?;
    let messages = client.list_messages().case_id(&id).send().await?;
    let last = messages.message_list.last().and_then(|m| m.content.clone());
    println!(
        "{id} is {taken}; last message: {}",
        last.unwrap_or_default()
    );

    client
        .update_cases()
        .case_id(&id)
        .action_id(CaseAction::Press)
        .body(types::WorkOrderOperateV2Req::builder())
        .send()
        .await?;
    println!(
        "urged {id}: {}",
        client
            .show_case_status()
            .case_id(&id)
            .send()
            .await?
            .status
            .unwrap_or_default()
    );

    let open: Vec<types::IncidentInfoV2> = client
        .list_cases()
        .status(CaseStatus::PROCESSING)
        .limit(10)
        .stream()
        .try_collect()
        .await?;
    println!("{} ticket(s) being processed", open.len());

    client
        .update_cases()
        .case_id(&id)
        .action_id(CaseAction::Close)
        .body(types::WorkOrderOperateV2Req::builder())
        .send()
        .await?;
    let closed = client
        .wait_for_case_status(&id, |s| s == CaseStatus::COMPLETED, Duration::from_secs(60))
        .await?;
    println!("{id} is now {closed}");
    Ok(())
}

/// The first item's id, or an error naming what the service offered none of.
fn first<'a, T: 'a>(
    items: impl IntoIterator<Item = &'a T>,
    id: impl Fn(&T) -> Option<String>,
    what: &str,
) -> Result<String, Box<dyn Error>> {
    items
        .into_iter()
        .find_map(id)
        .ok_or_else(|| format!("the service offers no {what}").into())
}
