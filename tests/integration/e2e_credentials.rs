//! End to end against the sandbox: credentials as Huawei's SDKs handle them. AK/SK without an
//! account id (looked up once through IAM's `GET /v3/auth/domains`), and an ECS instance's
//! temporary credentials from the metadata service (fetched once, refreshed inside the margin or
//! when the service refuses them, signed with `X-Security-Token`). Loopback only, no sleeps: time
//! passes with `Sandbox::advance_clock`.

use crate::common;

use std::time::{Duration, SystemTime};

use common::region_count;
use futures::future::join_all;
use huaweicloud_osm::auth::Signer;
use huaweicloud_osm::retry::RetryPolicy;
use huaweicloud_osm::{Client, Credentials};
use osm_sandbox::Sandbox;

/// AK/SK of the sandbox, without the account id.
fn ak_sk_only(sandbox: &Sandbox) -> Client {
    let c = sandbox.credentials();
    Client::builder()
        .endpoint(sandbox.url())
        .iam_endpoint(sandbox.url())
        .credentials(Credentials::ak_sk(&c.access_key, &c.secret_key))
        .build()
        .unwrap()
}

/// The sandbox as the instance's metadata service, without the account id.
fn instance(sandbox: &Sandbox, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(sandbox.url())
        .iam_endpoint(sandbox.url())
        .credentials(credentials.with_metadata_endpoint(sandbox.url()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn ak_sk_without_account_id_looks_it_up_once_for_concurrent_first_calls() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = ak_sk_only(&sandbox);
    assert!(format!("{client:?}").contains("to be looked up at"));
    assert_eq!(
        sandbox.counters().domain_lookups,
        0,
        "building sends nothing"
    );

    let first: Vec<_> = join_all((0..8).map(|_| region_count(&client))).await;
    for r in first {
        assert!(r.unwrap() > 0);
    }
    assert_eq!(sandbox.counters().domain_lookups, 1);

    // Later calls, and copies of the client, reuse it.
    region_count(&client).await.unwrap();
    region_count(&client.with_retry_policy(RetryPolicy::disabled()))
        .await
        .unwrap();
    assert_eq!(sandbox.counters().domain_lookups, 1);
    assert_eq!(
        client.resolve_domain_id().await.unwrap().as_deref(),
        Some(sandbox.credentials().domain_id.as_str())
    );
    assert_eq!(sandbox.counters().domain_lookups, 1);
    assert_eq!(sandbox.counters().auth_failures, 0);
}

#[tokio::test]
async fn a_refused_lookup_is_the_iam_error_with_the_fix_and_is_tried_again() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials();
    let client = Client::builder()
        .endpoint(sandbox.url())
        .iam_endpoint(sandbox.url())
        .credentials(Credentials::ak_sk(&c.access_key, "not-the-secret-key"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = region_count(&client).await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    assert_eq!(err.status(), Some(401));
    let shown = err.to_string();
    assert!(shown.contains("verify aksk signature fail"), "{shown}");
    assert!(shown.contains("with_domain_id"), "{shown}");
    assert!(shown.contains("HUAWEICLOUD_SDK_DOMAIN_ID"), "{shown}");
    // Nothing reached OSM; the failure is not remembered: the next call asks IAM again.
    region_count(&client).await.unwrap_err();
    assert_eq!(sandbox.counters().domain_lookups, 2);
    assert_eq!(sandbox.counters().auth_failures, 2);
}

#[tokio::test]
async fn instance_credentials_are_fetched_once_and_signed_with_their_security_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = instance(&sandbox, Credentials::from_instance_metadata());
    assert_eq!(
        sandbox.counters().instance_credentials,
        0,
        "building sends nothing"
    );

    let first: Vec<_> = join_all((0..6).map(|_| region_count(&client))).await;
    for r in first {
        assert!(r.unwrap() > 0);
    }
    region_count(&client).await.unwrap();
    let counters = sandbox.counters();
    assert_eq!(counters.metadata_sessions, 1);
    assert_eq!(counters.instance_credentials, 1);
    assert_eq!(counters.domain_lookups, 1);
    assert_eq!(counters.auth_failures, 0);
    let shown = format!("{client:?}");
    assert!(shown.contains("InstanceMetadata"), "{shown}");
}

#[tokio::test]
async fn instance_credentials_inside_the_refresh_margin_are_fetched_again() {
    // Valid 30 minutes: inside the default 40-minute margin, so every call fetches new ones.
    let sandbox = Sandbox::builder()
        .temporary_credentials_validity(Duration::from_secs(30 * 60))
        .start()
        .await
        .unwrap();
    let client = instance(
        &sandbox,
        Credentials::from_instance_metadata().with_domain_id(&sandbox.credentials().domain_id),
    );
    for _ in 0..3 {
        region_count(&client).await.unwrap();
    }
    assert_eq!(sandbox.counters().instance_credentials, 3);
    assert_eq!(sandbox.counters().metadata_sessions, 1);

    // With a 5-minute margin the same credentials serve every call.
    let client = instance(
        &sandbox,
        Credentials::from_instance_metadata()
            .with_domain_id(&sandbox.credentials().domain_id)
            .with_metadata_refresh_margin(Duration::from_secs(300)),
    );
    for _ in 0..3 {
        region_count(&client).await.unwrap();
    }
    assert_eq!(sandbox.counters().instance_credentials, 4);
    assert_eq!(sandbox.counters().domain_lookups, 0);
}

#[tokio::test]
async fn expired_instance_credentials_are_refused_then_replaced() {
    let sandbox = Sandbox::builder()
        .temporary_credentials_validity(Duration::from_secs(3600))
        .start()
        .await
        .unwrap();
    let client = instance(
        &sandbox,
        Credentials::from_instance_metadata().with_metadata_refresh_margin(Duration::from_secs(60)),
    );
    region_count(&client).await.unwrap();
    assert_eq!(sandbox.counters().instance_credentials, 1);

    // Two hours pass for the sandbox: its credentials have expired, which the client cannot know
    // from its own clock. The 401 makes it fetch new ones and try once more.
    sandbox.advance_clock(Duration::from_secs(2 * 3600));
    region_count(&client).await.unwrap();
    let counters = sandbox.counters();
    assert_eq!(counters.auth_failures, 1);
    assert_eq!(counters.instance_credentials, 2);
    assert_eq!(counters.domain_lookups, 1, "the account id is kept");
}

#[tokio::test]
async fn the_sandbox_accepts_temporary_keys_only_with_their_own_unexpired_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let http = common::net::raw_http();
    let key: serde_json::Value = http
        .get(format!("{}/openstack/latest/securitykey", sandbox.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = &key["credential"];
    let (ak, sk, token) = (
        key["access"].as_str().unwrap(),
        key["secret"].as_str().unwrap(),
        key["securitytoken"].as_str().unwrap(),
    );
    let domain_id = &sandbox.credentials().domain_id;
    let get = |security_token: Option<&str>| {
        let url = reqwest::Url::parse(&format!(
            "{}/v1.0/servicerequest/case/region",
            sandbox.url()
        ))
        .unwrap();
        let mut request = reqwest::Request::new(reqwest::Method::GET, url);
        request
            .headers_mut()
            .insert("x-domain-id", domain_id.parse().unwrap());
        if let Some(t) = security_token {
            request
                .headers_mut()
                .insert("x-security-token", t.parse().unwrap());
        }
        Signer::new(ak, sk)
            .sign_request(
                &mut request,
                &huaweicloud_osm::auth::signer::sdk_date(SystemTime::now()),
            )
            .unwrap();
        http.execute(request)
    };
    let reason = |response: reqwest::Response| async move {
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap();
        (
            status,
            body["error_msg"].as_str().unwrap_or_default().to_string(),
        )
    };

    assert_eq!(get(Some(token)).await.unwrap().status(), 200);
    let (status, message) = reason(get(None).await.unwrap()).await;
    assert_eq!(status, 401);
    assert!(message.contains("x-security-token not found"), "{message}");
    let (status, message) = reason(get(Some("another-token")).await.unwrap()).await;
    assert_eq!(status, 401);
    assert!(message.contains("does not belong"), "{message}");

    sandbox.advance_clock(Duration::from_secs(25 * 3600));
    let (status, message) = reason(get(Some(token)).await.unwrap()).await;
    assert_eq!(status, 401);
    assert!(message.contains("security token expired"), "{message}");
    assert_eq!(sandbox.counters().auth_failures, 3);
}
