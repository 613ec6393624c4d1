//! Credentials on the wire: temporary AK/SK, IAM password login (201 + X-Subject-Token, cached,
//! refreshed before it expires), ready tokens, IAM failures; and no secret in Debug, Display, error
//! messages or tracing output.
#![cfg(feature = "httpmock")]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::*;
use httpmock::{Method, MockServer};
use huaweicloud_osm::mock::MockServerExt;
use huaweicloud_osm::{Client, Credentials, Error, TokenScope};

const PASSWORD: &str = "Pa55-w0rd-never-shown";
const TOKEN: &str = "MIIaTOKEN-never-shown-0123456789";
const SECURITY_TOKEN: &str = "SECURITY-TOKEN-never-shown";

/// IAM's timestamp format, `secs` from now.
fn iam_time(secs_from_now: u64) -> String {
    let t = SystemTime::now() + Duration::from_secs(secs_from_now);
    jiff::Timestamp::try_from(t)
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        .to_string()
}

fn mock_iam_login<'a>(iam: &'a MockServer, token: &str, expires_in: u64) -> httpmock::Mock<'a> {
    let token = token.to_string();
    iam.mock(|when, then| {
        when.method(Method::POST)
            .path("/v3/auth/tokens")
            .query_param("nocatalog", "true")
            .header("content-type", "application/json;charset=UTF-8")
            .json_body(serde_json::json!({"auth": {
                "identity": {"methods": ["password"], "password": {"user": {
                    "name": "alice", "password": PASSWORD, "domain": {"name": "acme"}}}},
                "scope": {"domain": {"name": "acme"}}
            }}));
        then.status(201)
            .header("x-subject-token", token)
            .header("content-type", "application/json")
            .json_body(serde_json::json!({"token": {
                "expires_at": iam_time(expires_in),
                "methods": ["password"],
                "user": {"name": "alice", "domain": {"name": "acme"}}
            }}));
    })
}

fn password_client(osm: &MockServer, iam: &MockServer) -> Client {
    Client::builder()
        .endpoint(osm.base_url())
        .iam_endpoint(iam.base_url())
        .credentials(Credentials::password("alice", PASSWORD, "acme"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn password_login_token_is_sent_and_cached() {
    let (osm, iam) = (
        MockServer::start_async().await,
        MockServer::start_async().await,
    );
    let login = mock_iam_login(&iam, TOKEN, 24 * 3600);
    let body = typed(response_example("ListRegionsV1"));
    let calls = osm.list_regions_v1(|when, then| {
        when.into_inner()
            .header("x-auth-token", TOKEN)
            .header_missing("authorization")
            .header_missing("x-sdk-date")
            .header_missing("x-domain-id");
        then.ok(&body);
    });
    let client = password_client(&osm, &iam);
    for _ in 0..3 {
        client.list_regions_v1().send().await.unwrap();
    }
    calls.assert_calls_async(3).await;
    login.assert_calls_async(1).await; // cached
}

#[tokio::test]
async fn a_token_close_to_expiry_is_refreshed_before_use() {
    let (osm, iam) = (
        MockServer::start_async().await,
        MockServer::start_async().await,
    );
    // Expires in 10 minutes: inside the default 1 h refresh margin, so every call logs in again.
    let login = mock_iam_login(&iam, TOKEN, 600);
    let calls = osm.list_regions_v1(|when, then| {
        when.into_inner().header("x-auth-token", TOKEN);
        then.ok(&typed(response_example("ListRegionsV1")));
    });
    let client = password_client(&osm, &iam);
    client.list_regions_v1().send().await.unwrap();
    client.list_regions_v1().send().await.unwrap();
    login.assert_calls_async(2).await;
    calls.assert_calls_async(2).await;

    // With a 5-minute margin the same token is reused.
    let (osm, iam) = (
        MockServer::start_async().await,
        MockServer::start_async().await,
    );
    let login = mock_iam_login(&iam, TOKEN, 600);
    osm.list_regions_v1(|_, then| {
        then.ok(&typed(response_example("ListRegionsV1")));
    });
    let client = Client::builder()
        .endpoint(osm.base_url())
        .iam_endpoint(iam.base_url())
        .credentials(Credentials::password("alice", PASSWORD, "acme"))
        .token_refresh_margin(Duration::from_secs(300))
        .build()
        .unwrap();
    client.list_regions_v1().send().await.unwrap();
    client.list_regions_v1().send().await.unwrap();
    login.assert_calls_async(1).await;
}

#[tokio::test]
async fn project_scoped_tokens_can_be_asked_for() {
    let (osm, iam) = (
        MockServer::start_async().await,
        MockServer::start_async().await,
    );
    let login = iam.mock(|when, then| {
        when.path("/v3/auth/tokens")
            .json_body_includes(r#"{"auth":{"scope":{"project":{"id":"p-123"}}}}"#);
        then.status(201).header("x-subject-token", TOKEN).body("{}");
    });
    osm.list_regions_v1(|_, then| {
        then.ok(&typed(response_example("ListRegionsV1")));
    });
    let client = Client::builder()
        .endpoint(osm.base_url())
        .iam_endpoint(iam.base_url())
        .credentials(
            Credentials::password("alice", PASSWORD, "acme")
                .with_token_scope(TokenScope::ProjectId("p-123".into())),
        )
        .build()
        .unwrap();
    client.list_regions_v1().send().await.unwrap();
    login.assert_async().await;
}

#[tokio::test]
async fn iam_login_failures_are_service_errors_without_secrets() {
    let (osm, iam) = (
        MockServer::start_async().await,
        MockServer::start_async().await,
    );
    iam.mock(|when, then| {
        when.path("/v3/auth/tokens");
        then.status(401)
            .header("x-request-id", "iam-req-1")
            .json_body(serde_json::json!({"error": {"code": "IAM.0011", "message": "The username or password is wrong."}}));
    });
    let osm_calls = osm.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let err: Error = password_client(&osm, &iam)
        .list_regions_v1()
        .send()
        .await
        .unwrap_err()
        .into();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("IAM.0011"));
    assert_eq!(err.request_id(), Some("iam-req-1"));
    assert!(err.is_auth());
    assert!(!format!("{err} {err:?}").contains(PASSWORD));
    osm_calls.assert_calls_async(0).await;

    // 201 without the token header.
    let (osm, iam) = (
        MockServer::start_async().await,
        MockServer::start_async().await,
    );
    iam.mock(|when, then| {
        when.path("/v3/auth/tokens");
        then.status(201).body("{}");
    });
    let err: Error = password_client(&osm, &iam)
        .list_regions_v1()
        .send()
        .await
        .unwrap_err()
        .into();
    assert!(err.to_string().contains("X-Subject-Token"), "{err}");

    // IAM unreachable: a transport error.
    let osm = MockServer::start_async().await;
    let client = Client::builder()
        .endpoint(osm.base_url())
        .iam_endpoint("http://127.0.0.1:9")
        .credentials(Credentials::password("alice", PASSWORD, "acme"))
        .build()
        .unwrap();
    let err: Error = client.list_regions_v1().send().await.unwrap_err().into();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn a_ready_token_is_sent_as_is() {
    let osm = MockServer::start_async().await;
    let calls = osm.list_regions_v1(|when, then| {
        when.into_inner()
            .header("x-auth-token", TOKEN)
            .header_missing("authorization");
        then.ok(&typed(response_example("ListRegionsV1")));
    });
    let client = Client::builder()
        .endpoint(osm.base_url())
        .credentials(Credentials::token(TOKEN))
        .build()
        .unwrap();
    client.list_regions_v1().send().await.unwrap();
    calls.assert_async().await;
}

#[tokio::test]
async fn temporary_credentials_sign_the_security_token() {
    let osm = MockServer::start_async().await;
    let calls = osm.list_regions_v1(|when, then| {
        signed(when.into_inner())
            .header("x-security-token", SECURITY_TOKEN)
            .header_matches("authorization", "SignedHeaders=[a-z0-9;-]*x-security-token");
        then.ok(&typed(response_example("ListRegionsV1")));
    });
    let client = Client::builder()
        .endpoint(osm.base_url())
        .credentials(Credentials::temporary(AK, SK, SECURITY_TOKEN).with_domain_id(DOMAIN_ID))
        .build()
        .unwrap();
    client.list_regions_v1().send().await.unwrap();
    calls.assert_async().await;
}

#[tokio::test]
async fn explicit_domain_id_wins() {
    let osm = MockServer::start_async().await;
    let calls = osm.list_regions_v1(|when, then| {
        when.into_inner().header("x-domain-id", "explicit-domain");
        then.ok(&typed(response_example("ListRegionsV1")));
    });
    let client = Client::builder()
        .endpoint(osm.base_url())
        .credentials(Credentials::ak_sk(AK, SK).with_domain_id("from-credentials"))
        .domain_id("explicit-domain")
        .build()
        .unwrap();
    client.list_regions_v1().send().await.unwrap();
    calls.assert_async().await;
}

/// A `tracing` writer that keeps everything written.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every trace of the process (every test of this file) is captured, except the test server's
/// own logs (httpmock logs the requests it receives, secrets included: that is not the SDK).
fn captured_traces() -> &'static Captured {
    use tracing_subscriber::layer::SubscriberExt;
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(move || writer.clone())
            .with_ansi(false);
        let filter = tracing_subscriber::filter::Targets::new()
            .with_default(tracing::Level::TRACE)
            .with_target("httpmock", tracing::level_filters::LevelFilter::OFF);
        let subscriber = tracing_subscriber::registry().with(layer).with(filter);
        tracing::subscriber::set_global_default(subscriber).expect("first subscriber");
        captured
    })
}

#[tokio::test]
async fn no_secret_in_debug_display_errors_or_traces() {
    let captured = captured_traces();

    let (osm, iam) = (
        MockServer::start_async().await,
        MockServer::start_async().await,
    );
    mock_iam_login(&iam, TOKEN, 24 * 3600);
    osm.mock(|when, then| {
        when.any_request();
        then.status(403)
            .header("x-request-id", "r-403")
            .json_body(serde_json::json!({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"}));
    });

    let temporary = Client::builder()
        .endpoint(osm.base_url())
        .credentials(Credentials::temporary(AK, SK, SECURITY_TOKEN).with_domain_id(DOMAIN_ID))
        .build()
        .unwrap();
    let with_password = password_client(&osm, &iam);
    let mut shown = String::new();
    for client in [&temporary, &with_password] {
        shown += &format!("{client:?}\n");
        let err: Error = client.list_regions_v1().send().await.unwrap_err().into();
        assert_eq!(err.status(), Some(403));
        shown += &format!("{err}\n{err:?}\n{err:#}\n");
    }
    shown += &format!(
        "{:?}{:?}{:?}",
        Credentials::temporary(AK, SK, SECURITY_TOKEN),
        Credentials::password("alice", PASSWORD, "acme"),
        Credentials::token(TOKEN)
    );
    let traces = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // One span per operation and per attempt, with the operation id, attempt number, status,
    // request id and duration.
    let attempt_lines: Vec<&str> = traces
        .lines()
        .filter(|l| l.contains("attempt finished") && l.contains("request_id=\"r-403\""))
        .collect();
    assert_eq!(attempt_lines.len(), 2, "one line per call: {traces}");
    for line in attempt_lines {
        for field in [
            "osm.operation{operation=\"list_regions_v1\" method=GET attempts=1}",
            "osm.attempt{attempt=1 duration_ms=",
            "status=403",
        ] {
            assert!(line.contains(field), "`{field}` missing from `{line}`");
        }
    }
    for secret in [SK, PASSWORD, TOKEN, SECURITY_TOKEN] {
        assert!(
            !shown.contains(secret),
            "{secret} leaked into Debug/Display:\n{shown}"
        );
        assert!(
            !traces.contains(secret),
            "{secret} leaked into tracing:\n{traces}"
        );
    }
}
