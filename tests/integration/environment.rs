//! Configuration from the environment, each case in a child process with exactly the variables it
//! sets (`common::isolated`): the proxy variables (honoured by default, `NO_PROXY`, overridden by
//! `.no_proxy()` and `.proxy(..)`), `Client::from_env()` with only `HUAWEICLOUD_SDK_AK`/`_SK` (the
//! account id looked up), the region variables, and the instance metadata step of the provider
//! chain: off unless `HUAWEICLOUD_SDK_INSTANCE_METADATA=true` (a listener standing in for the
//! metadata address sees no connection), and then working end to end, around the proxy.
//!
//! The parent tests own the sandbox, proxies and listeners and check what reached them; the
//! `child_*` tests are ignored unless a parent starts them.

use crate::common;

use common::isolated::{in_child, run_child};
use common::net::{CountingListener, ForwardProxy};
use huaweicloud_osm::{Client, Error, RetryPolicy};
use osm_sandbox::Sandbox;

/// Two signed calls (the sandbox checks the signatures).
async fn two_calls(client: &Client) -> Result<(), Error> {
    client.list_regions_v1().send().await?;
    client.list_sub_types_v1().send().await?;
    Ok(())
}

/// The sandbox's credentials (with the account id) and endpoint as variables.
fn sandbox_vars(sandbox: &Sandbox) -> Vec<(&'static str, String)> {
    let c = sandbox.credentials();
    vec![
        ("HUAWEICLOUD_SDK_AK", c.access_key.clone()),
        ("HUAWEICLOUD_SDK_SK", c.secret_key.clone()),
        ("HUAWEICLOUD_SDK_DOMAIN_ID", c.domain_id.clone()),
        ("HUAWEICLOUD_SDK_OSM_ENDPOINT", sandbox.url()),
    ]
}

async fn run(name: &str, vars: &[(&'static str, String)]) {
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The child's name as the test harness knows it (as `quickstart.rs` names its child).
    run_child(&format!("environment::{name}"), &vars).await;
}

// ---------------------------------------------------------------------------------------------
// Proxy variables

#[tokio::test]
async fn proxy_variables_are_honoured_unless_overridden() {
    let sandbox = Sandbox::start().await.unwrap();
    let proxy = ForwardProxy::start(None).await;
    let mut vars = sandbox_vars(&sandbox);
    vars.push(("HTTP_PROXY", proxy.url()));

    run("child_calls_with_the_environment", &vars).await;
    assert_eq!(proxy.seen().len(), 2, "{:?}", proxy.seen());
    assert_eq!(sandbox.counters().requests, 2);

    run("child_calls_without_a_proxy", &vars).await;
    assert_eq!(proxy.seen().len(), 2, "`.no_proxy()` ignores HTTP_PROXY");
    assert_eq!(sandbox.counters().requests, 4);

    let explicit = ForwardProxy::start(None).await;
    let mut with_explicit = vars.clone();
    with_explicit.push(("TEST_EXPLICIT_PROXY", explicit.url()));
    run("child_calls_with_an_explicit_proxy", &with_explicit).await;
    assert_eq!(proxy.seen().len(), 2, "`.proxy(url)` wins over HTTP_PROXY");
    assert_eq!(explicit.seen().len(), 2);

    let mut lower_case = sandbox_vars(&sandbox);
    lower_case.push(("http_proxy", proxy.url()));
    lower_case.push(("NO_PROXY", "127.0.0.1".to_string()));
    run("child_calls_with_the_environment", &lower_case).await;
    assert_eq!(proxy.seen().len(), 2, "NO_PROXY names the sandbox's host");
    assert_eq!(sandbox.counters().requests, 8);
}

#[tokio::test]
#[ignore = "started by a parent test in a controlled environment"]
async fn child_calls_with_the_environment() {
    if !in_child() {
        return;
    }
    two_calls(&Client::from_env().unwrap()).await.unwrap();
}

#[tokio::test]
#[ignore = "started by a parent test in a controlled environment"]
async fn child_calls_without_a_proxy() {
    if !in_child() {
        return;
    }
    two_calls(&Client::builder().no_proxy().build().unwrap())
        .await
        .unwrap();
}

#[tokio::test]
#[ignore = "started by a parent test in a controlled environment"]
async fn child_calls_with_an_explicit_proxy() {
    if !in_child() {
        return;
    }
    let proxy = std::env::var("TEST_EXPLICIT_PROXY").unwrap();
    two_calls(&Client::builder().proxy(proxy).build().unwrap())
        .await
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Client::from_env()

#[tokio::test]
async fn from_env_with_only_ak_and_sk_looks_the_account_up() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials();
    let vars = [
        ("HUAWEICLOUD_SDK_AK", c.access_key.clone()),
        ("HUAWEICLOUD_SDK_SK", c.secret_key.clone()),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT", sandbox.url()),
        ("HUAWEICLOUD_SDK_OSM_ENDPOINT", sandbox.url()),
    ];
    run("child_calls_with_the_environment", &vars).await;
    let counters = sandbox.counters();
    assert_eq!(counters.domain_lookups, 1);
    assert_eq!(counters.requests, 3);
    assert_eq!(counters.auth_failures, 0);
}

#[tokio::test]
async fn from_env_takes_the_region_and_its_endpoint_override() {
    let sandbox = Sandbox::start().await.unwrap();
    let mut vars: Vec<_> = sandbox_vars(&sandbox)
        .into_iter()
        .filter(|(k, _)| *k != "HUAWEICLOUD_SDK_OSM_ENDPOINT")
        .collect();
    vars.push(("HUAWEICLOUD_SDK_REGION", "eu-west-101".to_string()));
    vars.push(("HUAWEICLOUD_SDK_REGION_OSM_EU_WEST_101", sandbox.url()));
    run("child_calls_with_the_environment", &vars).await;
    assert_eq!(sandbox.counters().requests, 2);
}

#[tokio::test]
#[ignore = "started by a parent test in a controlled environment"]
async fn child_from_env_needs_credentials_and_an_endpoint() {
    if !in_child() {
        return;
    }
    let err = Client::from_env().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err}");
    let shown = err.to_string();
    for name in ["HUAWEICLOUD_SDK_OSM_ENDPOINT", "HUAWEICLOUD_SDK_REGION"] {
        assert!(shown.contains(name), "{shown}");
    }
}

#[tokio::test]
async fn from_env_with_nothing_set_names_what_to_set() {
    run("child_from_env_needs_credentials_and_an_endpoint", &[]).await;
}

// ---------------------------------------------------------------------------------------------
// Instance metadata in the chain

#[tokio::test]
async fn the_default_chain_never_contacts_the_metadata_service() {
    let metadata = CountingListener::start().await;
    let home = tempfile::tempdir().unwrap();
    let mut vars = vec![
        ("HOME", home.path().to_str().unwrap().to_string()),
        ("HUAWEICLOUD_SDK_METADATA_ENDPOINT", metadata.url()),
        (
            "HUAWEICLOUD_SDK_OSM_ENDPOINT",
            "http://127.0.0.1:9".to_string(),
        ),
        (
            "HUAWEICLOUD_SDK_IAM_ENDPOINT",
            "http://127.0.0.1:9".to_string(),
        ),
    ];
    run("child_has_no_credentials", &vars).await;
    vars.push(("HUAWEICLOUD_SDK_INSTANCE_METADATA", "false".to_string()));
    run("child_has_no_credentials", &vars).await;
    assert_eq!(metadata.connections(), 0);

    // The listener does see the service being contacted once the step is enabled.
    vars.pop();
    vars.push(("HUAWEICLOUD_SDK_INSTANCE_METADATA", "true".to_string()));
    run("child_asks_the_metadata_service", &vars).await;
    assert!(metadata.connections() >= 1);
}

#[tokio::test]
#[ignore = "started by a parent test in a controlled environment"]
async fn child_has_no_credentials() {
    if !in_child() {
        return;
    }
    let err = Client::from_env().unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("no credentials"), "{shown}");
    assert!(
        shown.contains("HUAWEICLOUD_SDK_INSTANCE_METADATA=true"),
        "{shown}"
    );
}

#[tokio::test]
#[ignore = "started by a parent test in a controlled environment"]
async fn child_asks_the_metadata_service() {
    if !in_child() {
        return;
    }
    // One attempt: the listener only counts and hangs up, which the default policy would retry
    // for its whole 20 s budget.
    let client = Client::from_env()
        .unwrap()
        .with_retry_policy(RetryPolicy::disabled());
    let err: Error = client.list_regions_v1().send().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn instance_credentials_from_the_chain_work_end_to_end_around_the_proxy() {
    let sandbox = Sandbox::start().await.unwrap();
    let proxy = ForwardProxy::start(None).await;
    let home = tempfile::tempdir().unwrap();
    let vars = [
        ("HOME", home.path().to_str().unwrap().to_string()),
        ("HUAWEICLOUD_SDK_INSTANCE_METADATA", "true".to_string()),
        ("HUAWEICLOUD_SDK_METADATA_ENDPOINT", sandbox.url()),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT", sandbox.url()),
        ("HUAWEICLOUD_SDK_OSM_ENDPOINT", sandbox.url()),
        ("HTTP_PROXY", proxy.url()),
    ];
    run("child_calls_with_the_environment", &vars).await;
    let counters = sandbox.counters();
    assert_eq!(counters.instance_credentials, 1);
    assert_eq!(counters.domain_lookups, 1);
    assert_eq!(counters.auth_failures, 0);
    // The IAM lookup and the OSM calls went through the proxy; the metadata service never does.
    let seen = proxy.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(
        seen.iter()
            .all(|l| !l.contains("/openstack/") && !l.contains("/meta-data/"))
    );
    assert_eq!(
        counters.requests, 5,
        "session + credentials + lookup + two calls"
    );
}
