//! `client.raw(method, path)`: signed, defaulted, retried, limited and decoded like a generated
//! operation (that of the spec when the path is one), for any path.

use crate::common;

use common::scripted::{self, Reply};
use common::*;
use httpmock::MockServer;
use huaweicloud_osm::prelude::*;
use huaweicloud_osm::{RetryPolicy, attachments::Download};
use serde_json::{Value, json};

#[tokio::test]
async fn a_known_path_is_sent_as_its_operation() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        let when = when.method("GET").path("/v2/servicerequest/cases");
        exact_query(v2(when), &[("limit", "1"), ("search_key", "a b")]);
        then.status(200)
            .header("content-type", "application/json")
            .json_body(json!({"total_count": 1, "incident_info_list": [{"incident_id": "CS1", "status": 3}]}));
    });
    let page: types::ListCasesResponse = client(&server)
        .raw(Method::GET, "/v2/servicerequest/cases")
        .query(&[("limit", "1"), ("search_key", "a b")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.incident_info_list[0].status,
        Some(CaseStatus::COMPLETED)
    );
    mock.assert_async().await;
}

#[tokio::test]
async fn a_known_path_is_held_to_its_limits() {
    refused_before_sending(|c| async move {
        c.raw(Method::GET, "/v2/servicerequest/cases")
            .query(&[("limit", "101")])
            .send::<Value>()
            .await
            .map(drop)
    })
    .await;
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let err = client(&server)
        .raw(Method::POST, "/v2/servicerequest/cases")
        .json(&json!({"business_type_id": "b", "source_id": "s", "simple_description": "x".repeat(1201)}))
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(
        err.message(),
        Some("body.simple_description: 1201 characters, at most 1200")
    );
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn an_unknown_path_gets_every_default_and_its_own_headers() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        let when = when
            .method("POST")
            .path("/v9/servicerequest/new-thing")
            .header("x-custom", "yes")
            .json_body(json!({"a": 1}));
        v2(when);
        then.status(200)
            .header("content-type", "application/json")
            .json_body(json!({"ok": true}));
    });
    let answer: Value = client(&server)
        .raw(Method::POST, "/v9/servicerequest/new-thing")
        .header("x-custom", "yes")
        .json(&json!({"a": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer, json!({"ok": true}));
    mock.assert_async().await;
}

#[tokio::test]
async fn errors_decode_as_for_any_operation_business_errors_included() {
    check_errors(
        |when| v2(when.method("GET").path("/v9/thing")),
        |c| async move {
            c.raw(Method::GET, "/v9/thing")
                .send::<Value>()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn bad_paths_and_headers_are_refused_before_sending() {
    for path in ["v2/no-slash", "/v2/x?limit=1", "/v2/x#frag"] {
        refused_before_sending(|c| async move {
            c.raw(Method::GET, path).send::<Value>().await.map(drop)
        })
        .await;
    }
    refused_before_sending(|c| async move {
        c.raw(Method::GET, "/v2/x")
            .header("bad header", "v")
            .send::<Value>()
            .await
            .map(drop)
    })
    .await;
}

#[tokio::test]
async fn retries_follow_the_method_outside_the_spec() {
    let fail_then_ok = || {
        vec![
            Reply::json(503, json!({"error_code": "APIGW.0001"})),
            Reply::json(200, json!({"ok": true})),
        ]
    };
    let retrying = RetryPolicy::default().with_backoff(
        std::time::Duration::from_millis(1),
        std::time::Duration::from_millis(1),
    );
    let connect = |url: &str| {
        Client::builder()
            .endpoint(url)
            .credentials(Credentials::ak_sk(AK, SK).with_domain_id(DOMAIN_ID))
            .retry_policy(retrying.clone())
            .build()
            .unwrap()
    };
    // A GET is safe to repeat: the 503 is retried.
    let server = scripted::start(fail_then_ok()).await;
    let ok: Value = connect(&server.url)
        .raw(Method::GET, "/v9/thing")
        .send()
        .await
        .unwrap();
    assert_eq!((ok, server.count()), (json!({"ok": true}), 2));
    // A POST outside the spec may create something: the 503 is the answer.
    let server = scripted::start(fail_then_ok()).await;
    let err = connect(&server.url)
        .raw(Method::POST, "/v9/thing")
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!((err.status(), server.count()), (Some(503), 1));
    // A path of the spec follows the spec: creating a label is not safe to repeat…
    let server = scripted::start(fail_then_ok()).await;
    let err = connect(&server.url)
        .raw(Method::POST, "/v2/servicerequest/labels")
        .json(&json!({"name": "prod", "color": "#ff0000"}))
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!((err.status(), server.count()), (Some(503), 1));
    // …while iRobot's associate-questions POST is marked `x-idempotent` and is retried.
    let server = scripted::start(fail_then_ok()).await;
    let ok: Value = connect(&server.url)
        .raw(Method::POST, "/v2/irobot/qapairs/associate")
        .header("x-service-key", "key")
        .json(&json!({"question": "How do I reset a password?"}))
        .send()
        .await
        .unwrap();
    assert_eq!((ok, server.count()), (json!({"ok": true}), 2));
}

#[tokio::test]
async fn bytes_and_streams_for_what_is_not_json() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        v2(when
            .method("GET")
            .path("/v2/servicerequest/accessorys/acc-1"));
        then.status(200)
            .header("content-type", "application/octet-stream")
            .body(b"\x00\x01binary");
    });
    let c = client(&server);
    let bytes = c
        .raw(Method::GET, "/v2/servicerequest/accessorys/acc-1")
        .send_bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"\x00\x01binary");
    let mut copy = Vec::new();
    let n = c
        .raw(Method::GET, "/v2/servicerequest/accessorys/acc-1")
        .send_stream()
        .await
        .unwrap()
        .write_to(&mut copy)
        .await
        .unwrap();
    assert_eq!((n, copy.as_slice()), (8, &b"\x00\x01binary"[..]));
}
