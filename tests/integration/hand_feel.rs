//! Issue #10's program, as its user wrote it: one error type at every call, plain strings in
//! builders, typed statuses and actions, and the raw escape hatch, against the sandbox.

use crate::common;

use huaweicloud_osm::prelude::*; // Client, Credentials, Error, Result, types, CaseAction, CaseStatus, Method, traits

// The program exactly as the issue shows it (hence no rustfmt, and clippy's note that two of its
// conversions are now no-ops: `status.status` is already a `CaseStatus` and `err` already an
// `Error`, which is the point).
#[rustfmt::skip]
#[allow(clippy::useless_conversion)]
async fn story(client: &Client, problem_type: &str) -> Result<()> {
    // Optional string fields take &str or String: no try_into, no Some(..).
    let created = client
        .create_cases()
        .body(
            types::CreateOrderIncidentV2Req::builder()
                .business_type_id(problem_type)
                .simple_description("ECS i-123 does not boot after resize")
                .source_id("83aeb0f2834c4df49826c781d32a963e")
                .region_id("cn-north-4")
                .remind_mail("ops@example.com"),
        )
        .send()
        .await?;
    let id = created.incident_id.clone().unwrap_or_default();

    // Typed actions and statuses (open: an unknown status from the server is kept, not an error).
    client.update_cases().case_id(&id).action_id(CaseAction::Press)
        .body(types::WorkOrderOperateV2Req::builder()).send().await?;
    let status = client.show_case_status().case_id(&id).send().await?;
    let status = CaseStatus::from(status.status.unwrap_or_default());
    assert_eq!(status, CaseStatus::PENDING_ACCEPTANCE);
    assert!(!status.is_closed());
    println!("{id}: {status}"); // Display gives the documented English name

    // The error of any call answers the usual questions directly, whatever produced it.
    let err = client.show_case_detail().case_id("CS20990101000000").send().await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("OSM.01010015"));
    assert!(err.request_id().is_some());
    let _same: Error = err.into();

    // Any path, signed, retried and decoded like a generated operation.
    let page: serde_json::Value = client
        .raw(Method::GET, "/v2/servicerequest/cases")
        .query(&[("limit", "1")])
        .send()
        .await?;
    assert!(page["incident_info_list"].is_array());
    Ok(())
}

#[tokio::test]
async fn the_hand_feel_story_runs_against_the_sandbox() {
    let sandbox = osm_sandbox::Sandbox::start().await.unwrap();
    let client = common::sandbox_client(&sandbox);
    let problems = client.list_problem_types().send().await.unwrap();
    let problem_type = problems.incident_business_type_list[0]
        .business_type_id
        .clone()
        .unwrap();
    story(&client, &problem_type).await.unwrap();
    // Everything the story did reached the server: one ticket, urged once.
    assert_eq!(sandbox.counters().tickets_created, 1);
    let ids = sandbox.case_ids();
    let log = client
        .list_case_operate_logs()
        .case_id(ids[0].as_str())
        .send()
        .await
        .unwrap();
    let urges = log
        .incident_operate_log_list
        .iter()
        .filter(|entry| entry.operate_desc.as_deref() == Some("Urged the ticket"))
        .count();
    assert_eq!(urges, 1, "the urge is in the ticket's log once: {log:?}");
}
