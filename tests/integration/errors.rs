//! Errors a program can act on, end to end: what a bridge that files tickets from alerts sees for a
//! gateway rate limit, broken credentials, a business error under HTTP 200, a description refused
//! before sending, and an endpoint nobody listens on. The predicates must agree with what the retry
//! policy does, so each answer is served to a client that would retry it.

use std::time::Duration;

use httpmock::MockServer;
use huaweicloud_osm::error::ErrorKind;
use huaweicloud_osm::retry::RetryPolicy;
use huaweicloud_osm::{Client, Error, types};

use crate::common::{self, ExpectedError, refused_before_sending, serve_error};

/// Two attempts at most, without waiting: a retried error is seen twice by the server.
fn two_attempts() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(2)
        .with_backoff(Duration::ZERO, Duration::ZERO)
}

fn client(server: &MockServer) -> Client {
    common::client(server).with_retry_policy(two_attempts())
}

async fn list_cases(client: &Client) -> Result<(), Error> {
    client.list_cases().limit(10).send().await.map(drop)
}

/// `expected` served for `GET /v2/servicerequest/cases`: the error the caller gets, and how many
/// requests the server saw.
async fn answered_with(expected: &ExpectedError) -> (Error, usize) {
    let server = MockServer::start_async().await;
    let mock = serve_error(&server, |w| w.path("/v2/servicerequest/cases"), expected);
    let err = list_cases(&client(&server)).await.unwrap_err();
    (err, mock.calls_async().await)
}

#[tokio::test]
async fn a_gateway_rate_limit_is_throttled_and_retryable_not_auth() {
    let (err, requests) = answered_with(&ExpectedError {
        status: 429,
        code: "APIGW.0308",
        message: "The throttling threshold has been reached: policy user over ratelimit",
    })
    .await;
    assert!(err.is_throttled(), "{err}");
    assert!(err.is_retryable(), "{err}");
    assert!(
        !err.is_auth(),
        "a rate limit is not broken credentials: {err}"
    );
    assert_eq!(err.kind(), Some(ErrorKind::Throttled));
    assert_eq!((err.status(), err.code()), (Some(429), Some("APIGW.0308")));
    assert_eq!(
        requests, 2,
        "the retry policy retried it, as is_retryable says"
    );
}

#[tokio::test]
async fn broken_credentials_are_auth_and_not_retried() {
    let (err, requests) = answered_with(&ExpectedError {
        status: 401,
        code: "APIGW.0301",
        message: "Incorrect IAM authentication information: verify aksk signature fail",
    })
    .await;
    assert!(err.is_auth(), "{err}");
    assert!(!err.is_retryable(), "{err}");
    assert!(!err.is_throttled(), "{err}");
    assert_eq!(err.kind(), Some(ErrorKind::Authentication));
    assert_eq!(
        requests, 1,
        "the retry policy did not retry it, as is_retryable says"
    );
}

#[tokio::test]
async fn a_business_validation_error_under_200_is_an_invalid_request_answered_by_the_service() {
    let (err, requests) = answered_with(&ExpectedError {
        status: 200,
        code: "OSM.01010001",
        message: "Param validation failed.",
    })
    .await;
    assert!(err.is_invalid_request(), "{err}");
    assert_eq!(err.status(), Some(200), "answered by the service: {err}");
    assert!(!err.is_retryable() && !err.is_auth(), "{err}");
    assert_eq!(err.code(), Some("OSM.01010001"));
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn a_too_long_description_is_an_invalid_request_refused_before_sending() {
    // The helper checks `is_invalid_request()`, no status and no request on the wire.
    refused_before_sending(|client| async move {
        let case = types::CreateOrderIncidentV2Req::builder()
            .business_type_id("b1")
            .simple_description("x".repeat(1201))
            .source_id("83aeb0f2834c4df49826c781d32a963e");
        let client = client.with_retry_policy(two_attempts());
        let err = client.create_cases().body(case).send().await.unwrap_err();
        assert!(!err.is_retryable(), "{err}");
        Err(err)
    })
    .await;
}

#[tokio::test]
async fn a_refused_connection_says_so_and_where_without_the_query() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .credentials(
            huaweicloud_osm::Credentials::ak_sk(common::AK, common::SK)
                .with_domain_id(common::DOMAIN_ID),
        )
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = list_cases(&client).await.unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with("transport error: connection refused"),
        "{shown}"
    );
    assert!(
        shown.ends_with(&format!(
            " for GET http://127.0.0.1:{port}/v2/servicerequest/cases"
        )),
        "{shown}"
    );
    assert!(!shown.contains("limit="), "no query string: {shown}");
    assert!(err.is_retryable() && !err.is_auth(), "{err}");
    assert_eq!((err.status(), err.kind()), (None, None));
    let Error::Transport(transport) = &err else {
        panic!("not a transport error: {err:?}");
    };
    assert!(transport.is_connect());
    assert_eq!(
        transport.request().map(|r| r.url()),
        Some(format!("http://127.0.0.1:{port}/v2/servicerequest/cases").as_str())
    );
}
