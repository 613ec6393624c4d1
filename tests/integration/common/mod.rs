//! Shared pieces of the contract tests: a client pointed at an httpmock server, matchers for the
//! exact request (signature verified like the gateway does, default headers, exact query), the spec's
//! examples as fixtures, and the three error checks every operation gets.
#![allow(dead_code)]

pub mod isolated;
pub mod load;
pub mod net;
pub mod sandbox;
pub mod scripted;

#[allow(unused_imports)] // not every test crate uses it
pub use sandbox::sandbox_client;

use std::sync::OnceLock;

use httpmock::{HttpMockRequest, MockServer, When};
use huaweicloud_osm::{Client, Credentials, Error};
use osm_sandbox::verify::{self as server, ReceivedRequest};
use serde_json::Value;

pub const AK: &str = "HPUACONTRACTTESTAK01";
pub const SK: &str = "contract-test-secret-key-0123456789abcdef";
pub const DOMAIN_ID: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
pub const LANGUAGE: &str = "en-us";
pub const TIME_ZONE: &str = "GMT+8";
pub const SITE: &str = "1";
pub const REQUEST_ID: &str = "req-7c1e0c5e-contract";

/// A client for `server`, AK/SK-signed, with non-default language, time zone and site so their
/// presence (or absence) on the wire is visible.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .endpoint(server.base_url())
        .credentials(Credentials::ak_sk(AK, SK).with_domain_id(DOMAIN_ID))
        .language(LANGUAGE)
        .time_zone(TIME_ZONE)
        .site(1)
        .build()
        .expect("test client builds")
}

/// How many regions `ListRegionsV1` lists: one signed call that must succeed end to end.
pub async fn region_count(client: &Client) -> Result<usize, Error> {
    Ok(client
        .list_regions_v1()
        .send()
        .await?
        .into_inner()
        .region_list
        .len())
}

/// Whether the request carries a valid SDK-HMAC-SHA256 signature by [`AK`] over what was received.
pub fn signature_verifies(req: &HttpMockRequest) -> bool {
    let uri = req.uri();
    let headers = req.headers_vec().clone();
    let received = ReceivedRequest {
        method: req.method_str(),
        path: uri.path(),
        query: uri.query(),
        headers: &headers,
        body: req.body_ref(),
    };
    server::verify(&received, |ak| (ak == AK).then(|| SK.to_string())).is_ok()
}

/// Every request: signed by AK/SK with a fresh date, `X-Domain-Id`, our User-Agent, no
/// progenitor `api-version`, no token.
pub fn signed(when: When) -> When {
    when.header("x-domain-id", DOMAIN_ID)
        .header_matches("x-sdk-date", r"^\d{8}T\d{6}Z$")
        .header_matches(
            "authorization",
            r"^SDK-HMAC-SHA256 Access=HPUACONTRACTTESTAK01, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$",
        )
        .header_matches("user-agent", r"^huaweicloud-osm-rust/\d+\.\d+\.\d+")
        .header_missing("api-version")
        .header_missing("x-auth-token")
        .is_true(signature_verifies)
}

/// The operation declares `X-Site`, `X-Language`, `X-Time-Zone`: the client's defaults are sent.
pub fn with_site_defaults(when: When) -> When {
    when.header("x-language", LANGUAGE)
        .header("x-time-zone", TIME_ZONE)
        .header("x-site", SITE)
}

/// The operation declares none of the shared headers: none is sent.
pub fn without_site_defaults(when: When) -> When {
    when.header_missing("x-language")
        .header_missing("x-time-zone")
        .header_missing("x-site")
}

/// A signed request to an operation declaring X-Site/X-Language/X-Time-Zone (most v2 ones).
pub fn v2(when: When) -> When {
    with_site_defaults(signed(when))
}

/// A signed request to an operation declaring none of the shared headers (v1.0, diagnose, …).
pub fn bare(when: When) -> When {
    without_site_defaults(signed(when))
}

/// Nothing in the body, and no content type claiming one.
pub fn no_body(when: When) -> When {
    when.header_missing("content-type")
        .is_true(|req| req.body_ref().is_empty())
}

/// A JSON body: exactly `value`, declared as JSON.
pub fn json(when: When, value: Value) -> When {
    when.header("content-type", "application/json")
        .json_body(value)
}

/// Answers any request, so that `assert_calls_async(0)` proves nothing was sent.
pub fn catch_all(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.any_request();
        then.status(200);
    })
}

/// The call was refused before sending, naming what is wrong.
pub fn assert_refused(result: Result<(), Error>, mentions: &str) {
    match result {
        Err(Error::InvalidRequest(message)) => assert!(
            message.contains(mentions),
            "`{message}` does not mention {mentions}"
        ),
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
}

/// The call is refused with `Error::InvalidRequest` (an invalid request with no status: nothing
/// was answered) and nothing reaches the server.
pub async fn refused_before_sending<F, Fut>(call: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let err = call(client(&server)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    assert!(err.is_invalid_request(), "{err}");
    assert_eq!(err.status(), None, "{err}");
    mock.assert_calls_async(0).await;
}

/// The query is exactly these pairs (order aside): nothing missing, nothing extra.
pub fn exact_query(when: When, expected: &[(&str, &str)]) -> When {
    let mut expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    expected.sort();
    when.is_true(move |req| {
        let mut got = server::parse_query(req.uri().query().unwrap_or_default());
        got.sort();
        got == expected
    })
}

/// The spec, parsed once.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/osm.yaml"))
                .expect("spec readable");
        serde_yaml::from_str(&text).expect("spec parses")
    })
}

/// The operation object of `operation_id` in the spec.
pub fn operation(operation_id: &str) -> &'static Value {
    spec()["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(operation_id))
        .unwrap_or_else(|| panic!("{operation_id} is not in the spec"))
}

/// The documented example of the operation's 200 JSON response.
pub fn response_example(operation_id: &str) -> Value {
    operation(operation_id)
        .pointer("/responses/200/content/application~1json/example")
        .cloned()
        .unwrap_or_else(|| panic!("{operation_id} has no 200 JSON example"))
}

/// The documented example of the operation's JSON request body.
pub fn request_example(operation_id: &str) -> Value {
    operation(operation_id)
        .pointer("/requestBody/content/application~1json/example")
        .cloned()
        .unwrap_or_else(|| panic!("{operation_id} has no request example"))
}

/// A documented example decoded into the generated type.
pub fn typed<T: serde::de::DeserializeOwned>(example: Value) -> T {
    serde_json::from_value(example).expect("example decodes into the generated type")
}

/// What an error answer must come back as.
#[derive(Debug)]
pub struct ExpectedError {
    pub status: u16,
    pub code: &'static str,
    pub message: &'static str,
}

pub const ERROR_400: ExpectedError = ExpectedError {
    status: 400,
    code: "OSM.0001",
    message: "failed",
};
pub const ERROR_UNDER_200: ExpectedError = ExpectedError {
    status: 200,
    code: "OSM.01010015",
    message: "This case does not exist.",
};

/// Serves `expected` as an error answer for requests matching `when` (HTTP 4xx/5xx, or 200 with
/// `error_code`, as OSM does for business errors).
pub fn serve_error<'a>(
    server: &'a MockServer,
    when: impl FnOnce(When) -> When,
    expected: &ExpectedError,
) -> httpmock::Mock<'a> {
    let body = serde_json::json!({"error_code": expected.code, "error_msg": expected.message});
    let status = expected.status;
    server.mock(|w, then| {
        when(w);
        then.status(status)
            .header("content-type", "application/json")
            .header("x-request-id", REQUEST_ID)
            .json_body(body);
    })
}

/// The call failed with exactly `expected`, request id included.
pub fn assert_error(result: Result<(), Error>, expected: &ExpectedError) {
    let err = result.expect_err("the call must fail");
    let service = err
        .service()
        .unwrap_or_else(|| panic!("a service error was expected, got {err:?}"));
    assert_eq!(service.status, expected.status, "{err}");
    assert_eq!(service.code(), Some(expected.code), "{err}");
    assert_eq!(service.message(), Some(expected.message), "{err}");
    assert_eq!(err.request_id(), Some(REQUEST_ID), "{err}");
    assert!(
        service
            .raw_body
            .as_deref()
            .unwrap_or_default()
            .contains(expected.code)
    );
    let shown = err.to_string();
    for part in [
        expected.code,
        expected.message,
        REQUEST_ID,
        &expected.status.to_string(),
    ] {
        assert!(shown.contains(part), "`{shown}` lacks {part}");
    }
}

/// Runs `call` against an error answer of each kind (400 and business error under 200) for
/// requests matching `when`, and checks the error the caller gets.
pub async fn check_errors<F, Fut>(when: fn(When) -> When, call: F)
where
    F: Fn(Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    for expected in [&ERROR_400, &ERROR_UNDER_200] {
        let server = MockServer::start_async().await;
        let mock = serve_error(&server, when, expected);
        assert_error(call(client(&server)).await, expected);
        mock.assert_async().await;
    }
}
