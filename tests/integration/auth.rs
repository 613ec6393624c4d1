//! Credentials on the wire: temporary AK/SK, IAM password login (201 + X-Subject-Token, cached,
//! refreshed before it expires), ready tokens, IAM failures; and no secret in Debug, Display, error
//! messages or tracing output.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::*;
use httpmock::{Method, MockServer};
use huaweicloud_osm::mock::MockServerExt;
use huaweicloud_osm::{Client, Credentials, Error, RetryPolicy, TokenScope};

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
        .unwrap_err();
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
        .unwrap_err();
    assert!(err.to_string().contains("X-Subject-Token"), "{err}");

    // IAM unreachable: a transport error (after one attempt; the default policy would retry the
    // refused connection for its 20 s budget).
    let osm = MockServer::start_async().await;
    let client = Client::builder()
        .endpoint(osm.base_url())
        .iam_endpoint("http://127.0.0.1:9")
        .credentials(Credentials::password("alice", PASSWORD, "acme"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err: Error = client.list_regions_v1().send().await.unwrap_err();
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

/// Every trace of the calling test's thread is captured while the guard lives (the tests run on
/// tokio's current-thread runtime, so the SDK's spans and events of every call and of the tasks it
/// spawns are on it), except the test server's own logs (httpmock logs the requests it receives,
/// secrets included: that is not the SDK). Other tests of the binary are not captured.
fn captured_traces() -> (Captured, tracing::subscriber::DefaultGuard) {
    use tracing_subscriber::layer::SubscriberExt;
    let captured = Captured::default();
    let writer = captured.clone();
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(move || writer.clone())
        .with_ansi(false);
    let filter = tracing_subscriber::filter::Targets::new()
        .with_default(tracing::Level::TRACE)
        .with_target("httpmock", tracing::level_filters::LevelFilter::OFF);
    let subscriber = tracing_subscriber::registry().with(layer).with(filter);
    (captured, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn no_secret_in_debug_display_errors_or_traces() {
    let (captured, _traced) = captured_traces();

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
        let err: Error = client.list_regions_v1().send().await.unwrap_err();
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

// ---------------------------------------------------------------------------------------------
// The account (domain) id looked up through IAM

const LOOKED_UP_ID: &str = "f0e1d2c3b4a5968778695a4b3c2d1e0f";

fn domains_body(ids: &[&str]) -> serde_json::Value {
    let domains: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "name": "acme", "enabled": true}))
        .collect();
    serde_json::json!({"domains": domains, "links": {"self": "https://iam.example/v3/auth/domains"}})
}

/// `GET /v3/auth/domains` as Huawei's SDKs send it: signed by AK/SK, no `X-Domain-Id`, our
/// User-Agent, no body.
fn domain_lookup<'a>(
    iam: &'a MockServer,
    status: u16,
    body: serde_json::Value,
) -> httpmock::Mock<'a> {
    iam.mock(|when, then| {
        when.method(Method::GET)
            .path("/v3/auth/domains")
            .header_missing("x-domain-id")
            .header_missing("x-auth-token")
            .header_matches("user-agent", r"^huaweicloud-osm-rust/")
            .header_matches(
                "authorization",
                "^SDK-HMAC-SHA256 Access=HPUACONTRACTTESTAK01, ",
            )
            .is_true(signature_verifies)
            .is_true(|req| req.body_ref().is_empty());
        then.status(status)
            .header("x-iam-trace-id", "iam-trace-1")
            .json_body(body);
    })
}

fn looking_up_client(osm: &MockServer, iam: &MockServer, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(osm.base_url())
        .iam_endpoint(iam.base_url())
        .credentials(credentials)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_account_id_is_looked_up_once_with_the_same_keys_and_then_sent() {
    let (osm, iam) = (
        MockServer::start_async().await,
        MockServer::start_async().await,
    );
    let lookup = domain_lookup(&iam, 200, domains_body(&[LOOKED_UP_ID]));
    let calls = osm.list_regions_v1(|when, then| {
        when.into_inner()
            .header("x-domain-id", LOOKED_UP_ID)
            .is_true(signature_verifies);
        then.ok(&typed(response_example("ListRegionsV1")));
    });
    let client = looking_up_client(&osm, &iam, Credentials::ak_sk(AK, SK));
    lookup.assert_calls_async(0).await; // building sends nothing
    for _ in 0..3 {
        client.list_regions_v1().send().await.unwrap();
    }
    lookup.assert_calls_async(1).await;
    calls.assert_calls_async(3).await;

    // Temporary credentials sign the lookup with their security token too.
    let iam = MockServer::start_async().await;
    let lookup = iam.mock(|when, then| {
        when.path("/v3/auth/domains")
            .header_missing("x-domain-id")
            .header("x-security-token", SECURITY_TOKEN)
            .header_matches("authorization", "SignedHeaders=[a-z0-9;-]*x-security-token")
            .is_true(signature_verifies);
        then.status(200).json_body(domains_body(&[LOOKED_UP_ID]));
    });
    let client = looking_up_client(&osm, &iam, Credentials::temporary(AK, SK, SECURITY_TOKEN));
    assert_eq!(
        client.resolve_domain_id().await.unwrap().as_deref(),
        Some(LOOKED_UP_ID)
    );
    client.list_regions_v1().send().await.unwrap();
    lookup.assert_calls_async(1).await;
}

#[tokio::test]
async fn no_or_several_accounts_are_clear_errors_naming_the_fix() {
    for (body, mentions) in [
        (domains_body(&[]), "no account"),
        (domains_body(&["a", "b"]), "2 accounts"),
        (serde_json::json!({"unexpected": true}), "no `domains`"),
    ] {
        let (osm, iam) = (
            MockServer::start_async().await,
            MockServer::start_async().await,
        );
        domain_lookup(&iam, 200, body);
        let osm_calls = catch_all(&osm);
        let client = looking_up_client(&osm, &iam, Credentials::ak_sk(AK, SK));
        // From any call, and asked directly, it is a configuration error naming the fix.
        let from_a_call = client.list_regions_v1().send().await.unwrap_err();
        let asked = client.resolve_domain_id().await.unwrap_err();
        for err in [from_a_call, asked] {
            let Error::Config(message) = &err else {
                panic!("expected a configuration error, got {err:?}");
            };
            for part in [mentions, "with_domain_id", "HUAWEICLOUD_SDK_DOMAIN_ID"] {
                assert!(message.contains(part), "`{message}` lacks {part}");
            }
        }
        osm_calls.assert_calls_async(0).await;
    }
}

#[tokio::test]
async fn a_refused_lookup_is_iam_s_error_with_the_fix_and_is_not_remembered() {
    let (osm, iam) = (
        MockServer::start_async().await,
        MockServer::start_async().await,
    );
    let refused = domain_lookup(
        &iam,
        403,
        serde_json::json!({"error": {"code": "IAM.0002", "message": "You do not have permission."}}),
    );
    let calls = osm.list_regions_v1(|when, then| {
        when.into_inner().header("x-domain-id", LOOKED_UP_ID);
        then.ok(&typed(response_example("ListRegionsV1")));
    });
    let client = looking_up_client(&osm, &iam, Credentials::ak_sk(AK, SK));
    let err: Error = client.list_regions_v1().send().await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.code(), Some("IAM.0002"));
    assert_eq!(err.request_id(), Some("iam-trace-1"));
    assert!(err.is_auth());
    let shown = err.to_string();
    assert!(shown.contains("You do not have permission."), "{shown}");
    assert!(shown.contains("with_domain_id"), "{shown}");
    calls.assert_calls_async(0).await;

    // IAM now answers: the next call looks the id up again and goes through.
    refused.delete_async().await;
    let lookup = domain_lookup(&iam, 200, domains_body(&[LOOKED_UP_ID]));
    client.list_regions_v1().send().await.unwrap();
    lookup.assert_calls_async(1).await;
    calls.assert_calls_async(1).await;
}

// ---------------------------------------------------------------------------------------------
// Instance credentials from the metadata service

const TMP_AK: &str = "TMPINSTANCEAK0001";
const TMP_SK: &str = "tmp-instance-sk-never-shown";
const TMP_TOKEN: &str = "tmp-instance-security-token-never-shown";
const SESSION: &str = "metadata-session-never-shown";

fn security_key_body() -> serde_json::Value {
    serde_json::json!({"credential": {
        "access": TMP_AK,
        "secret": TMP_SK,
        "securitytoken": TMP_TOKEN,
        "expires_at": iam_time(24 * 3600),
    }})
}

/// Signed by the instance's temporary keys, with their security token.
fn signed_by_instance(req: &httpmock::HttpMockRequest) -> bool {
    let uri = req.uri();
    let headers = req.headers_vec().clone();
    let received = osm_sandbox::verify::ReceivedRequest {
        method: req.method_str(),
        path: uri.path(),
        query: uri.query(),
        headers: &headers,
        body: req.body_ref(),
    };
    osm_sandbox::verify::verify(&received, |ak| (ak == TMP_AK).then(|| TMP_SK.to_string())).is_ok()
}

/// An OSM server and a metadata service.
async fn osm_and_metadata() -> (MockServer, MockServer) {
    (
        MockServer::start_async().await,
        MockServer::start_async().await,
    )
}

/// The metadata service's answer to the credentials request.
fn security_key<'a>(metadata: &'a MockServer, status: u16, body: String) -> httpmock::Mock<'a> {
    metadata.mock(|when, then| {
        when.method(Method::GET)
            .path("/openstack/latest/securitykey");
        then.status(status).body(body);
    })
}

/// The error of an instance client's first call.
async fn instance_call_error(osm: &MockServer, metadata: &MockServer) -> Error {
    instance_client(osm, metadata)
        .list_regions_v1()
        .send()
        .await
        .unwrap_err()
}

fn instance_client(osm: &MockServer, metadata: &MockServer) -> Client {
    Client::builder()
        .endpoint(osm.base_url())
        .credentials(
            Credentials::from_instance_metadata()
                .with_metadata_endpoint(metadata.base_url())
                .with_domain_id(DOMAIN_ID),
        )
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

fn session_put<'a>(metadata: &'a MockServer, status: u16, token: &str) -> httpmock::Mock<'a> {
    let token = token.to_string();
    metadata.mock(|when, then| {
        when.method(Method::PUT)
            .path("/meta-data/latest/api/token")
            .header("x-metadata-token-ttl-seconds", "21600");
        then.status(status).body(token);
    })
}

#[tokio::test]
async fn instance_credentials_follow_huawei_s_metadata_protocol() {
    // With a session: the token goes with the credentials request.
    let (osm, metadata) = osm_and_metadata().await;
    let put = session_put(&metadata, 200, SESSION);
    let get = metadata.mock(|when, then| {
        when.method(Method::GET)
            .path("/openstack/latest/securitykey")
            .header("x-metadata-token", SESSION);
        then.status(200).json_body(security_key_body());
    });
    let calls = osm.list_regions_v1(|when, then| {
        when.into_inner()
            .header("x-security-token", TMP_TOKEN)
            .header("x-domain-id", DOMAIN_ID)
            .header_matches("authorization", "SignedHeaders=[a-z0-9;-]*x-security-token")
            .is_true(signed_by_instance);
        then.ok(&typed(response_example("ListRegionsV1")));
    });
    let client = instance_client(&osm, &metadata);
    put.assert_calls_async(0).await; // building sends nothing
    for _ in 0..3 {
        client.list_regions_v1().send().await.unwrap();
    }
    put.assert_calls_async(1).await;
    get.assert_calls_async(1).await;
    calls.assert_calls_async(3).await;

    // Without sessions (404, 405 or 503 to the PUT): the credentials request goes without a token.
    for status in [404, 405, 503] {
        let (osm, metadata) = osm_and_metadata().await;
        let put = session_put(&metadata, status, "");
        let get = metadata.mock(|when, then| {
            when.method(Method::GET)
                .path("/openstack/latest/securitykey")
                .header_missing("x-metadata-token");
            then.status(200).json_body(security_key_body());
        });
        let calls = osm.list_regions_v1(|when, then| {
            when.into_inner().is_true(signed_by_instance);
            then.ok(&typed(response_example("ListRegionsV1")));
        });
        instance_client(&osm, &metadata)
            .list_regions_v1()
            .send()
            .await
            .unwrap();
        put.assert_calls_async(1).await;
        get.assert_calls_async(1).await;
        calls.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn metadata_failures_are_errors_and_reach_no_service() {
    // The session request fails otherwise: an error, and no credentials request.
    let (osm, metadata) = osm_and_metadata().await;
    session_put(&metadata, 500, "broken");
    let get = security_key(&metadata, 200, security_key_body().to_string());
    let osm_calls = catch_all(&osm);
    let err = instance_call_error(&osm, &metadata).await;
    assert_eq!(err.status(), Some(500), "{err:?}");
    assert!(
        err.to_string().contains("/meta-data/latest/api/token"),
        "{err}"
    );
    get.assert_calls_async(0).await;
    osm_calls.assert_calls_async(0).await;

    // A 401 opens a new session once; a second 401 is the error.
    let (osm, metadata) = osm_and_metadata().await;
    let put = session_put(&metadata, 200, SESSION);
    let get = security_key(&metadata, 401, "token expired".into());
    let osm_calls = catch_all(&osm);
    let err = instance_call_error(&osm, &metadata).await;
    assert_eq!(err.status(), Some(401), "{err:?}");
    put.assert_calls_async(2).await;
    get.assert_calls_async(2).await;
    osm_calls.assert_calls_async(0).await;

    // An instance without an agency: no new session helps.
    let (osm, metadata) = osm_and_metadata().await;
    let put = session_put(&metadata, 200, SESSION);
    let get = security_key(
        &metadata,
        401,
        "Please configure Cloud Service Agency first".into(),
    );
    let err = instance_call_error(&osm, &metadata).await;
    assert!(err.to_string().contains("Cloud Service Agency"), "{err}");
    put.assert_calls_async(1).await;
    get.assert_calls_async(1).await;

    // A malformed answer: a clear error that quotes nothing of it.
    let (osm, metadata) = osm_and_metadata().await;
    session_put(&metadata, 404, "");
    let partial = serde_json::json!({"credential": {"access": TMP_AK, "secret": TMP_SK}});
    security_key(&metadata, 200, partial.to_string());
    let err = instance_call_error(&osm, &metadata).await;
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("securitytoken"), "{shown}");
    assert!(!shown.contains(TMP_SK), "{shown}");
}

#[tokio::test]
async fn no_instance_or_proxy_secret_in_debug_display_errors_or_traces() {
    let (captured, _traced) = captured_traces();
    let (osm, metadata) = osm_and_metadata().await;
    session_put(&metadata, 200, SESSION);
    security_key(&metadata, 200, security_key_body().to_string());
    osm.mock(|when, then| {
        when.any_request();
        then.status(401)
            .header("x-request-id", "r-401-instance")
            .json_body(serde_json::json!({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"}));
    });
    let proxy_password = "proxy-password-never-shown";
    let client = Client::builder()
        .endpoint(osm.base_url())
        .credentials(
            Credentials::from_instance_metadata()
                .with_metadata_endpoint(metadata.base_url())
                .with_domain_id(DOMAIN_ID),
        )
        .proxy(format!("http://user:{proxy_password}@127.0.0.1:9"))
        .no_proxy() // keep the secret in the builder's history, but send directly
        .build()
        .unwrap();
    let err: Error = client.list_regions_v1().send().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    let proxied = Client::builder()
        .endpoint(osm.base_url())
        .credentials(Credentials::ak_sk(AK, SK).with_domain_id(DOMAIN_ID))
        .proxy(format!("http://user:{proxy_password}@127.0.0.1:9"));
    let shown = format!(
        "{client:?}\n{err}\n{err:?}\n{proxied:?}\n{:?}",
        proxied.clone().build().unwrap()
    );
    let traces = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for secret in [TMP_SK, TMP_TOKEN, SESSION, proxy_password] {
        assert!(!shown.contains(secret), "{secret} leaked:\n{shown}");
        assert!(!traces.contains(secret), "{secret} leaked into tracing");
    }
}
