//! End to end against the sandbox: temporary keys exchanged for a token, as Huawei's 3.1.219 SDKs
//! take them (OIDC id token → STS, federated id token → IAM, pod token → CCE's agent), and keys
//! from a provider of the user's. Each is exchanged once for any number of concurrent calls, again
//! before it expires (inside the refresh margin) or once the gateway refuses it, and the sandbox
//! refuses what IAM and STS refuse. Loopback only, no sleeps: keys expire with
//! `Sandbox::advance_clock` or are issued short-lived.
//!
//! Clients take the same variables the quickstart, CLI and Python tests use
//! (`Sandbox::credential_variables`), here through `Credentials::from_env_with`.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::region_count;
use futures::future::join_all;
use huaweicloud_osm::auth::provider::{AccessKeys, ProvideCredentials, ProvideFuture};
use huaweicloud_osm::auth::{FederatedIdentity, OidcSts};
use huaweicloud_osm::retry::RetryPolicy;
use huaweicloud_osm::{Client, Credentials, Error};
use osm_sandbox::{Counters, Exchange, Sandbox};
use serde_json::json;

/// The credentials the sandbox's variables for `exchange` name (the token written in `dir`).
fn credentials(sandbox: &Sandbox, exchange: Exchange, dir: &tempfile::TempDir) -> Credentials {
    let vars = sandbox.credential_variables(exchange, dir.path()).unwrap();
    Credentials::from_env_with(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap()
    .expect("the variables name credentials")
}

fn client(sandbox: &Sandbox, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(sandbox.url())
        .credentials(credentials)
        .build()
        .unwrap()
}

/// Exchanges of `exchange`'s kind the sandbox received (for a federated identity, both calls).
fn exchanges(exchange: Exchange, c: &Counters) -> u64 {
    match exchange {
        Exchange::OidcSts => c.oidc_exchanges,
        Exchange::Federated => {
            assert_eq!(c.federation_tokens, c.federation_keys, "{c:?}");
            c.federation_keys
        }
        Exchange::PodIdentity => c.pod_identity_exchanges,
    }
}

/// Account lookups a client of `exchange`'s kind makes (an OIDC agency URN names the account).
fn lookups(exchange: Exchange) -> u64 {
    u64::from(exchange != Exchange::OidcSts)
}

#[tokio::test]
async fn fifty_concurrent_first_calls_make_one_exchange_of_each_kind() {
    for exchange in Exchange::ALL {
        let sandbox = Sandbox::start().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let client = client(&sandbox, credentials(&sandbox, exchange, &dir));
        assert_eq!(
            exchanges(exchange, &sandbox.counters()),
            0,
            "building sends nothing"
        );

        let all = join_all((0..50).map(|_| region_count(&client))).await;
        for r in all {
            assert!(r.unwrap() > 0, "{exchange:?}");
        }
        region_count(&client).await.unwrap();
        let c = sandbox.counters();
        assert_eq!(exchanges(exchange, &c), 1, "{exchange:?}: {c:?}");
        assert_eq!(c.domain_lookups, lookups(exchange), "{exchange:?}");
        assert_eq!(c.auth_failures, 0, "{exchange:?}");
        let exchange_requests =
            c.oidc_exchanges + c.federation_tokens + c.federation_keys + c.pod_identity_exchanges;
        assert_eq!(
            c.requests,
            51 + lookups(exchange) + exchange_requests,
            "{c:?}"
        );
    }
}

#[tokio::test]
async fn expired_keys_are_refused_then_exchanged_again() {
    for exchange in Exchange::ALL {
        let sandbox = Sandbox::builder()
            .temporary_credentials_validity(Duration::from_secs(3600))
            .start()
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let client = client(&sandbox, credentials(&sandbox, exchange, &dir));
        region_count(&client).await.unwrap();
        region_count(&client).await.unwrap();
        assert_eq!(exchanges(exchange, &sandbox.counters()), 1, "{exchange:?}");

        // Two hours pass for the sandbox: the keys have expired, which the client cannot tell by
        // its own clock. The gateway's 401 makes it exchange again and try once more.
        sandbox.advance_clock(Duration::from_secs(2 * 3600));
        region_count(&client).await.unwrap();
        let c = sandbox.counters();
        assert_eq!(c.auth_failures, 1, "{exchange:?}: {c:?}");
        assert_eq!(exchanges(exchange, &c), 2, "{exchange:?}: {c:?}");
        assert_eq!(
            c.domain_lookups,
            lookups(exchange),
            "the account id is kept"
        );
    }
}

#[tokio::test]
async fn keys_inside_the_refresh_margin_are_exchanged_before_they_expire() {
    for exchange in Exchange::ALL {
        // Valid 30 minutes: inside the default 40-minute margin, so every call exchanges again,
        // before the gateway would refuse anything.
        let sandbox = Sandbox::builder()
            .temporary_credentials_validity(Duration::from_secs(30 * 60))
            .start()
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let client = client(&sandbox, credentials(&sandbox, exchange, &dir));
        for _ in 0..3 {
            region_count(&client).await.unwrap();
        }
        let c = sandbox.counters();
        assert_eq!(exchanges(exchange, &c), 3, "{exchange:?}: {c:?}");
        assert_eq!(c.auth_failures, 0, "{exchange:?}");

        // With a 5-minute margin one exchange serves every call.
        let client = self::client(
            &sandbox,
            credentials(&sandbox, exchange, &dir).with_refresh_margin(Duration::from_secs(300)),
        );
        for _ in 0..3 {
            region_count(&client).await.unwrap();
        }
        assert_eq!(exchanges(exchange, &sandbox.counters()), 4, "{exchange:?}");
    }
}

#[tokio::test]
async fn token_files_are_read_again_at_every_exchange() {
    for exchange in Exchange::ALL {
        let sandbox = Sandbox::start().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let credentials = credentials(&sandbox, exchange, &dir);
        let client = Client::builder()
            .endpoint(sandbox.url())
            .credentials(credentials)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        region_count(&client).await.unwrap();
        let token_file = std::fs::read_dir(dir.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();

        // Kubernetes rotates the token: the next exchange sends the new one.
        std::fs::write(&token_file, "rotated-token").unwrap();
        sandbox.advance_clock(Duration::from_secs(25 * 3600));
        region_count(&client).await.unwrap();
        assert_eq!(exchanges(exchange, &sandbox.counters()), 2, "{exchange:?}");

        // An emptied file is a clear local error naming it, and nothing is sent for it.
        std::fs::write(&token_file, "").unwrap();
        sandbox.advance_clock(Duration::from_secs(25 * 3600));
        let err = region_count(&client).await.unwrap_err();
        let shown = err.to_string();
        assert!(matches!(err, Error::Config(_)), "{exchange:?}: {err:?}");
        assert!(shown.contains("is empty"), "{shown}");
        assert!(shown.contains(&token_file.display().to_string()), "{shown}");
        assert_eq!(exchanges(exchange, &sandbox.counters()), 2, "{exchange:?}");
    }
}

#[tokio::test]
async fn sts_refuses_foreign_or_malformed_urns_and_empty_tokens_as_sts_does() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials();
    let foreign = "iam::0000aaaa0000aaaa0000aaaa0000aaaa:agency:theirs";
    let cases = [
        (
            c.oidc_provider_urn(),
            foreign.to_string(),
            "id-token",
            404,
            "STS5.1106",
        ),
        (
            "iam::0000aaaa0000aaaa0000aaaa0000aaaa:identityProvider:theirs".to_string(),
            c.oidc_agency_urn(),
            "id-token",
            404,
            "STS5.1105",
        ),
        (
            "not-a-urn".to_string(),
            c.oidc_agency_urn(),
            "id-token",
            400,
            "STS5.0010",
        ),
        (
            c.oidc_provider_urn(),
            c.oidc_agency_urn(),
            " ",
            400,
            "STS5.0010",
        ),
    ];
    for (provider, agency, token, status, code) in cases {
        let oidc = OidcSts::new(&provider, &agency, token).with_sts_endpoint(sandbox.url());
        let client = client(&sandbox, oidc.into());
        let err = region_count(&client).await.unwrap_err();
        let service = err.service().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(service.status, status, "{provider} {agency}: {err}");
        assert_eq!(service.error_code.as_deref(), Some(code), "{err}");
        assert!(err.to_string().contains("assume-with-oidc"), "{err}");
    }
    let counters = sandbox.counters();
    assert_eq!(counters.oidc_exchanges, 4);
    assert_eq!(counters.requests, 4, "nothing reached OSM");
}

#[tokio::test]
async fn iam_and_the_pod_agent_refuse_empty_values() {
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("id-token");
    std::fs::write(&file, "id-token").unwrap();
    let identity = FederatedIdentity::new("", &file);
    let client = client(
        &sandbox,
        Credentials::from(identity).with_iam_endpoint(sandbox.url()),
    );
    let err = region_count(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert!(err.to_string().contains("X-Idp-Id"), "{err}");

    let http = common::net::raw_http();
    let post = |path: &str, body: serde_json::Value| {
        http.post(format!("{}{path}", sandbox.url()))
            .json(&body)
            .send()
    };
    let status = |r: reqwest::Response| r.status().as_u16();
    let no_token = json!({"auth": {"id_token": {"id": ""}}});
    let answer = http
        .post(format!("{}/v3.0/OS-AUTH/id-token/tokens", sandbox.url()))
        .header("x-idp-id", "idp")
        .json(&no_token)
        .send()
        .await
        .unwrap();
    assert_eq!(status(answer), 400);
    let unknown =
        json!({"auth": {"identity": {"methods": ["token"], "token": {"id": "MIInot-issued"}}}});
    assert_eq!(
        status(
            post("/v3.0/OS-CREDENTIAL/securitytokens", unknown)
                .await
                .unwrap()
        ),
        401
    );
    let bare = http.post(sandbox.pod_identity_uri()).send().await.unwrap();
    assert_eq!(status(bare), 401);
    let empty = http
        .post(sandbox.pod_identity_uri())
        .header("authorization", "")
        .send()
        .await
        .unwrap();
    assert_eq!(status(empty), 401);
    assert_eq!(sandbox.counters().pod_identity_exchanges, 2);
}

#[tokio::test]
async fn no_token_or_key_shows_in_debug_or_errors() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials();
    let id_token = "eyJ-the-id-token-itself";
    let oidc = OidcSts::new(c.oidc_provider_urn(), c.oidc_agency_urn(), id_token)
        .with_sts_endpoint(sandbox.url());
    let client = client(&sandbox, oidc.clone().into());
    region_count(&client).await.unwrap();
    let shown = format!("{client:?} {:?} {oidc:?}", Credentials::from(oidc.clone()));
    assert!(!shown.contains(id_token), "{shown}");
    assert!(shown.contains("assume-with-oidc"), "{shown}");

    // A refused exchange: STS's error, without the id token.
    let refused = OidcSts::new(c.oidc_provider_urn(), "iam::x:agency:y", id_token)
        .with_sts_endpoint(sandbox.url());
    let err = region_count(&client_for(&sandbox, refused))
        .await
        .unwrap_err();
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(id_token), "{shown}");
    }
}

fn client_for(sandbox: &Sandbox, oidc: OidcSts) -> Client {
    client(sandbox, oidc.into())
}

/// A provider of the user's: hands out its keys in turn (the last one from then on), counting.
#[derive(Debug)]
struct Vault {
    asked: Arc<AtomicUsize>,
    keys: Mutex<Vec<AccessKeys>>,
}

impl Vault {
    fn new(keys: Vec<AccessKeys>) -> (Arc<AtomicUsize>, Vault) {
        let asked = Arc::new(AtomicUsize::new(0));
        let keys = Mutex::new(keys);
        (asked.clone(), Vault { asked, keys })
    }
}

impl ProvideCredentials for Vault {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            self.asked.fetch_add(1, Ordering::SeqCst);
            // Let the other calls queue up behind this one.
            tokio::task::yield_now().await;
            let mut keys = self.keys.lock().unwrap();
            Ok(if keys.len() > 1 {
                keys.remove(0)
            } else {
                keys[0].clone()
            })
        })
    }
}

fn vault_client(sandbox: &Sandbox, vault: Vault) -> Client {
    Client::builder()
        .endpoint(sandbox.url())
        .credentials_provider(vault)
        .domain_id(&sandbox.credentials().domain_id)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_provider_of_the_users_is_asked_once_for_concurrent_calls_and_again_when_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials();
    let good = AccessKeys::permanent(&c.access_key, &c.secret_key);
    let (asked, vault) = Vault::new(vec![good.clone()]);
    let client = vault_client(&sandbox, vault);
    assert!(format!("{client:?}").contains("Vault"));
    assert_eq!(asked.load(Ordering::SeqCst), 0, "building asks nothing");
    let all = join_all((0..50).map(|_| region_count(&client))).await;
    assert!(all.iter().all(Result::is_ok), "{all:?}");
    assert_eq!(asked.load(Ordering::SeqCst), 1);

    // Keys the gateway refuses are dropped, and the provider asked again (once per call's 401).
    let (asked, vault) = Vault::new(vec![
        AccessKeys::permanent(&c.access_key, "not-the-secret-key"),
        good,
    ]);
    let client = vault_client(&sandbox, vault);
    region_count(&client).await.unwrap();
    region_count(&client).await.unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    assert_eq!(sandbox.counters().auth_failures, 1);
}
