//! Issue #19's program, as written: a user's test of their own bridge with the typed mocks, a
//! business error under HTTP 200 (`osm_error`) and a gateway error built with `ServiceError::new`.

use httpmock::MockServer;
use huaweicloud_osm::error::ServiceError;
use huaweicloud_osm::mock::MockServerExt;
use huaweicloud_osm::prelude::*;

#[tokio::test]
async fn a_bridge_sees_what_the_service_said() {
    let server = MockServer::start_async().await;
    let missing = server.show_case_detail(|when, then| {
        when.case_id("CS20991231000001");
        then.osm_error("OSM.01010015", "This case does not exist.");
    });
    let locked = server.list_cases(|_when, then| {
        then.client_error(
            401,
            &ServiceError::new("APIGW.0301", "Incorrect IAM authentication information"),
        );
    });
    let client = Client::builder()
        .endpoint(server.base_url())
        .credentials(Credentials::ak_sk("AK", "SK").with_domain_id("account"))
        .build()
        .unwrap();

    let err = client
        .show_case_detail()
        .case_id("CS20991231000001")
        .send()
        .await
        .unwrap_err();
    missing.assert();
    assert!(err.is_not_found());
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.code(), Some("OSM.01010015"));

    let err = client.list_cases().send().await.unwrap_err();
    locked.assert();
    assert!(err.is_auth());
    assert_eq!(
        err.message(),
        Some("Incorrect IAM authentication information")
    );
}

/// The README's sandbox example ("Testing your own code"), run: a ticket's status read through a
/// scripted 503 and a dropped connection.
#[tokio::test]
async fn the_readme_sandbox_example_holds() {
    use osm_sandbox::{Fault, Faults, Sandbox};

    let sandbox = Sandbox::start().await.unwrap();
    let client = Client::builder()
        .endpoint(sandbox.url())
        .credentials(sandbox.credentials().ak_sk())
        .build()
        .unwrap();
    let body = types::CreateOrderIncidentV2Req::builder()
        .source_id("83aeb0f2834c4df49826c781d32a963e")
        .business_type_id("b6dc3d3bf7ef434fa3f23d79cfc41449")
        .region_id("cn-north-1")
        .simple_description("disk full on ecs-01");
    let created = client.create_cases().body(body).send().await.unwrap();
    let id = created.incident_id.clone().unwrap();

    sandbox
        .reply_as_engineer(&id, "Which instance?", CaseStatus::PROCESSING)
        .unwrap();
    sandbox.set_faults(Faults {
        script: vec![Fault::Status(503), Fault::DropBefore],
        ..Faults::none()
    });
    let before = sandbox.counters().requests;
    let status = client.show_case_status().case_id(&id).send().await.unwrap();
    assert_eq!(status.status, Some(CaseStatus::PROCESSING));
    assert_eq!(sandbox.counters().faults_injected, 2);
    assert_eq!(
        sandbox.counters().requests - before,
        3,
        "two faults, then served"
    );
}
