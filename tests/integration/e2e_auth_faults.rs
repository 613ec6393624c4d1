//! End to end against the local OSM sandbox: authentication as the gateway and IAM do it (bad
//! signature, unknown AK, a date outside ±15 minutes, wrong account, IAM tokens and their expiry),
//! and injected faults (server errors, 429 with `Retry-After`, dropped connections, latency, clock
//! offset), deterministic from a seed. Loopback only, no sleeps.

use crate::common;

use std::time::{Duration, Instant, SystemTime};

use huaweicloud_osm::auth::Signer;
use huaweicloud_osm::auth::signer::{self, SignableRequest};
use huaweicloud_osm::retry::RetryPolicy;
use huaweicloud_osm::{Client, Credentials, Error, types};
use osm_sandbox::{Fault, Faults, Sandbox};

/// A client that does not retry, so every injected failure reaches the test.
fn ak_sk_client(sandbox: &Sandbox, ak: &str, sk: &str, domain_id: &str) -> Client {
    Client::builder()
        .endpoint(sandbox.url())
        .credentials(Credentials::ak_sk(ak, sk).with_domain_id(domain_id))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

fn client(sandbox: &Sandbox) -> Client {
    let c = sandbox.credentials();
    ak_sk_client(sandbox, &c.access_key, &c.secret_key, &c.domain_id)
}

async fn regions(client: &Client) -> Result<types::ListRegionsV1Response, Error> {
    Ok(client.list_regions_v1().send().await?.into_inner())
}

/// The 401 of the gateway: APIGW.0301, the reason in the message, a request id.
fn assert_unauthorized(result: Result<impl std::fmt::Debug, Error>, reason: &str) {
    let err = result.expect_err("must be refused");
    assert!(err.is_auth(), "{err}");
    let s = err.service().unwrap();
    assert_eq!(s.status, 401, "{err}");
    assert_eq!(s.code(), Some("APIGW.0301"), "{err}");
    let message = s.message().unwrap();
    assert!(
        message.starts_with("Incorrect IAM authentication information: "),
        "{message}"
    );
    assert!(message.contains(reason), "`{message}` lacks `{reason}`");
    assert!(err.request_id().is_some_and(|id| id.len() == 32), "{err:?}");
}

/// A raw GET signed by the SDK's signer, on a fresh connection.
async fn raw_get(sandbox: &Sandbox, path: &str) -> reqwest::Response {
    let c = sandbox.credentials();
    let url = reqwest::Url::parse(&format!("{}{path}", sandbox.url())).unwrap();
    let mut request = reqwest::Request::new(reqwest::Method::GET, url);
    request
        .headers_mut()
        .insert("x-domain-id", c.domain_id.parse().unwrap());
    Signer::new(&c.access_key, &c.secret_key)
        .sign_request(
            &mut request,
            &huaweicloud_osm::auth::signer::sdk_date(SystemTime::now()),
        )
        .unwrap();
    http().execute(request).await.unwrap()
}

/// One plain HTTP client for the raw requests (building one per request is slow).
fn http() -> &'static reqwest::Client {
    static HTTP: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    HTTP.get_or_init(common::net::raw_http)
}

// ---------------------------------------------------------------------------------------------
// Authentication

#[tokio::test]
async fn ak_sk_signatures_are_verified_like_the_gateway() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials().clone();
    regions(&client(&sandbox)).await.unwrap();

    let wrong_sk = ak_sk_client(&sandbox, &c.access_key, "not-the-secret", &c.domain_id);
    assert_unauthorized(regions(&wrong_sk).await, "verify aksk signature fail");
    let unknown_ak = ak_sk_client(&sandbox, "UNKNOWNAK", &c.secret_key, &c.domain_id);
    assert_unauthorized(regions(&unknown_ak).await, "ak:UNKNOWNAK, err:ak not exist");
    let wrong_domain = ak_sk_client(&sandbox, &c.access_key, &c.secret_key, "another-account");
    assert_unauthorized(regions(&wrong_domain).await, "does not match");
    assert_eq!(sandbox.counters().auth_failures, 3);

    // No credentials at all.
    let response = http()
        .get(format!("{}/v1.0/servicerequest/case/region", sandbox.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error_code"], "APIGW.0301");
    assert_eq!(body["request_id"], id.as_str());
    assert!(
        body["error_msg"]
            .as_str()
            .unwrap()
            .contains("x-auth-token not found")
    );
}

/// The gateway's answer to a raw signed request, as (status, error_msg).
async fn raw_status(sandbox: &Sandbox) -> (u16, String) {
    let response = raw_get(sandbox, "/v1.0/servicerequest/case/region").await;
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap();
    (
        status,
        body["error_msg"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test]
async fn a_date_outside_fifteen_minutes_is_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_clock_offset(16 * 60);
    let (status, message) = raw_status(&sandbox).await;
    assert_eq!(status, 401);
    assert!(
        message.contains("signature expired") && message.contains("server time"),
        "{message}"
    );
    sandbox.set_clock_offset(-16 * 60);
    assert_eq!(raw_status(&sandbox).await.0, 401);
    sandbox.set_clock_offset(14 * 60);
    assert_eq!(raw_status(&sandbox).await.0, 200);

    // Set at start, as a fault: the server's clock shows in its Date header.
    let skewed = Sandbox::builder()
        .clock_offset(-3600)
        .start()
        .await
        .unwrap();
    let response = raw_get(&skewed, "/v1.0/servicerequest/case/region").await;
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("date"));
}

#[tokio::test]
async fn the_client_corrects_its_clock_from_the_refusal() {
    // The SDK learns the server's time from the 401 (and its Date header) and signs again once.
    let sandbox = Sandbox::builder().clock_offset(3600).start().await.unwrap();
    let client = client(&sandbox);
    regions(&client).await.unwrap();
    assert!(
        (3590..=3610).contains(&client.clock_offset()),
        "{}",
        client.clock_offset()
    );
    regions(&client).await.unwrap();
    let counters = sandbox.counters();
    assert_eq!((counters.requests, counters.auth_failures), (3, 1));
}

#[tokio::test]
async fn requests_signed_like_the_official_go_sdk_verify() {
    // Huawei's Go SDK signs neither Host nor Content-Type: only what it names in SignedHeaders.
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials();
    let body = br##"{"name":"go","color":"#00FF00"}"##;
    let date = huaweicloud_osm::auth::signer::sdk_date(SystemTime::now());
    let headers = vec![
        ("X-Domain-Id".to_string(), c.domain_id.clone()),
        ("X-Sdk-Date".to_string(), date.clone()),
    ];
    let signature = Signer::new(&c.access_key, &c.secret_key).sign(
        &SignableRequest {
            method: "POST",
            path: "/v2/servicerequest/labels",
            query: &[],
            headers: &headers,
            payload_hash: &signer::payload_hash(body),
        },
        &date,
    );
    assert_eq!(signature.signed_headers, "x-domain-id;x-sdk-date");
    let response = http()
        .post(format!("{}/v2/servicerequest/labels", sandbox.url()))
        .header("X-Domain-Id", &c.domain_id)
        .header("X-Sdk-Date", &date)
        .header("Content-Type", "application/json;charset=UTF-8")
        .header("Authorization", &signature.authorization)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let labels = client(&sandbox)
        .list_labels()
        .name("go")
        .send()
        .await
        .unwrap();
    assert_eq!(labels.total_count, Some(1));
}

#[tokio::test]
async fn iam_password_login_gives_a_token_that_expires() {
    let sandbox = Sandbox::builder()
        .user("alice")
        .password("Pa55-word")
        .domain_name("acme")
        .start()
        .await
        .unwrap();
    let login = |password: &str| {
        Client::builder()
            .endpoint(sandbox.url())
            .iam_endpoint(sandbox.url())
            .credentials(Credentials::password("alice", password, "acme"))
            .build()
            .unwrap()
    };
    let client = login("Pa55-word");
    regions(&client).await.unwrap();
    // The token is the creator of tickets.
    let body = types::CreateCaseV1Request::builder()
        .source_id("83aeb0f2834c4df49826c781d32a963e")
        .business_type_id("b6dc3d3bf7ef434fa3f23d79cfc41449")
        .simple_describe("by token");
    client.create_case_v1().body(body).send().await.unwrap();
    let list = client.list_cases_v1().send().await.unwrap();
    assert_eq!(
        list.case_list[0].sub_customer_name.as_deref(),
        Some("alice")
    );

    // Wrong password: IAM's 401.
    let err = regions(&login("wrong")).await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    assert_eq!(err.status(), Some(401));
    assert!(
        err.to_string()
            .contains("The username or password is wrong."),
        "{err}"
    );

    // The login answer itself: 201 and X-Subject-Token.
    let response = http()
        .post(format!("{}/v3/auth/tokens", sandbox.url()))
        .json(&serde_json::json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "alice", "password": "Pa55-word", "domain": {"name": "acme"}}}},
            "scope": {"project": {"name": "cn-south-1"}}
        }}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let token = response.headers()["x-subject-token"]
        .to_str()
        .unwrap()
        .to_string();
    let ready = Client::builder()
        .endpoint(sandbox.url())
        .credentials(Credentials::token(token))
        .build()
        .unwrap();
    regions(&ready).await.unwrap();

    // A day later every token has expired: a ready token is refused, a password login is renewed
    // by the client (refused, logged in again, retried).
    sandbox.advance_clock(Duration::from_secs(24 * 3600 + 1));
    assert_unauthorized(regions(&ready).await, "token expires");
    let before = sandbox.counters();
    regions(&client).await.unwrap();
    let after = sandbox.counters();
    assert_eq!(after.requests - before.requests, 3);
    assert_eq!(after.auth_failures - before.auth_failures, 1);
    let bogus = Client::builder()
        .endpoint(sandbox.url())
        .credentials(Credentials::token("MIIbogus"))
        .build()
        .unwrap();
    assert_unauthorized(regions(&bogus).await, "decrypt token fail");
}

// ---------------------------------------------------------------------------------------------
// Faults

#[tokio::test]
async fn scripted_server_errors_and_throttling() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    sandbox.set_faults(Faults::none().script([
        Fault::Status(503),
        Fault::None,
        Fault::Status(500),
    ]));
    let err = regions(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable(), "{err}");
    assert!(err.request_id().is_some());
    regions(&client).await.unwrap();
    let err = regions(&client).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(500), Some("OSM.0004")));

    sandbox.set_faults(Faults::none().throttling(1.0, 7));
    let err = regions(&client).await.unwrap_err();
    assert!(err.is_throttled(), "{err}");
    assert_eq!(err.status(), Some(429));
    let response = raw_get(&sandbox, "/v1.0/servicerequest/case/region").await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");

    sandbox.set_faults(Faults::none());
    regions(&client).await.unwrap();
    let counters = sandbox.counters();
    assert_eq!((counters.requests, counters.faults_injected), (6, 4));
}

#[tokio::test]
async fn the_default_client_retries_reads_but_not_creations() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials();
    let client = Client::builder()
        .endpoint(sandbox.url())
        .credentials(c.ak_sk())
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    sandbox.set_faults(Faults::none().script([Fault::Status(503), Fault::Status(429)]));
    regions(&client).await.unwrap();
    assert_eq!(sandbox.counters().requests, 3);

    sandbox.set_faults(Faults::none().script([Fault::Status(503)]));
    let err = client
        .create_cases()
        .body(create_body("once"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    let counters = sandbox.counters();
    assert_eq!((counters.requests, counters.tickets_created), (4, 0));
}

fn create_body(description: &str) -> types::builder::CreateOrderIncidentV2Req {
    types::CreateOrderIncidentV2Req::builder()
        .source_id("83aeb0f2834c4df49826c781d32a963e")
        .business_type_id("b6dc3d3bf7ef434fa3f23d79cfc41449")
        .simple_description(description)
}

#[tokio::test]
async fn dropped_connections_before_and_after_processing() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);

    // Dropped before: nothing happened on the server.
    sandbox.set_faults(Faults::none().script([Fault::DropBefore]));
    let err = client
        .create_cases()
        .body(create_body("before"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(sandbox.counters().tickets_created, 0);

    // Dropped after: the client saw a failure, but the ticket exists.
    sandbox.set_faults(Faults::none().script([Fault::DropAfter]));
    let err = client
        .create_cases()
        .body(create_body("after"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let counters = sandbox.counters();
    assert_eq!(
        (
            counters.requests,
            counters.tickets_created,
            counters.connections_dropped
        ),
        (2, 1, 2)
    );
    let list = client.list_cases().send().await.unwrap();
    assert_eq!(
        list.incident_info_list[0].simple_description.as_deref(),
        Some("after")
    );
}

async fn outcomes(seed: u64) -> Vec<u16> {
    let sandbox = Sandbox::builder()
        .faults(
            Faults::none()
                .seed(seed)
                .server_errors(0.3)
                .throttling(0.2, 1),
        )
        .start()
        .await
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(
            raw_get(&sandbox, "/v1.0/servicerequest/case/region")
                .await
                .status()
                .as_u16(),
        );
    }
    statuses
}

#[tokio::test]
async fn fault_rates_are_deterministic_from_the_seed() {
    let first = outcomes(7).await;
    assert_eq!(first, outcomes(7).await);
    assert_ne!(first, outcomes(8).await);
    let failed = first.iter().filter(|s| **s != 200).count();
    assert!((8..=32).contains(&failed), "{first:?}");
    assert!(
        first.iter().all(|s| matches!(s, 200 | 429 | 500 | 503)),
        "{first:?}"
    );
}

#[tokio::test]
async fn latency_is_added() {
    let sandbox = Sandbox::builder()
        .faults(Faults::none().latency(Duration::from_millis(40)))
        .start()
        .await
        .unwrap();
    let client = client(&sandbox);
    let started = Instant::now();
    regions(&client).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(40));
}
