//! The quickstart example as a user who comes from Huawei's SDKs runs it: only
//! `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` set (plus the IAM and OSM endpoints, pointing at a
//! sandbox on loopback), no account id; or only the variables of an OIDC id token, a federated
//! identity or a CCE pod identity (their exchange on the sandbox too). It must run its whole
//! ticket flow against that sandbox, the account id looked up once through IAM (or read from the
//! OIDC agency URN).
//!
//! The example's own `main` runs, compiled into this binary, in a child process whose environment
//! is exactly those variables (`common::isolated`): no second build of the example with other
//! features, and nothing of the developer's environment leaks in.

use osm_sandbox::{Exchange, Sandbox};

use crate::common::isolated::{in_child, run_child};

#[path = "../../examples/quickstart/main.rs"]
#[allow(dead_code)]
pub(crate) mod example;

#[test]
#[ignore = "started by the_quickstart_runs_with_only_ak_and_sk in a child process"]
fn child_runs_the_quickstart() {
    if in_child() {
        example::main().expect("the quickstart runs its whole flow");
    }
}

#[tokio::test]
async fn the_quickstart_runs_with_only_ak_and_sk() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials();
    let url = sandbox.url();
    let stdout = run_child(
        "quickstart::child_runs_the_quickstart",
        &[
            ("HUAWEICLOUD_SDK_AK", &c.access_key),
            ("HUAWEICLOUD_SDK_SK", &c.secret_key),
            ("HUAWEICLOUD_SDK_IAM_ENDPOINT", &url),
            ("HUAWEICLOUD_SDK_OSM_ENDPOINT", &url),
        ],
    )
    .await;
    for expected in [
        format!("signing every request for {}", sandbox.url()),
        format!("account (domain) id {} looked up through IAM", c.domain_id),
        "is now completed".to_string(),
        "Done.".to_string(),
    ] {
        assert!(
            stdout.contains(&expected),
            "`{expected}` missing:\n{stdout}"
        );
    }
    assert!(!stdout.contains(&c.secret_key), "{stdout}");
    let counters = sandbox.counters();
    assert_eq!(counters.domain_lookups, 1);
    assert_eq!(counters.tickets_created, 1);
    assert_eq!(counters.auth_failures, 0);
}

#[path = "../../examples/tickets_v2.rs"]
#[allow(dead_code)]
pub(crate) mod tickets_v2;

#[test]
#[ignore = "started by the_v2_example_runs_offline in a child process"]
fn child_runs_the_v2_example() {
    if in_child() {
        tickets_v2::main().expect("the v2 example runs its whole flow");
    }
}

/// `cargo run --example tickets_v2` with nothing in the environment: the whole v2 flow against
/// the sandbox it starts.
#[tokio::test]
async fn the_v2_example_runs_offline() {
    let stdout = run_child("quickstart::child_runs_the_v2_example", &[]).await;
    for expected in [
        "a local OSM sandbox at http://127.0.0.1:",
        ": pending acceptance",
        "is processing; last message: Please send the console log.",
        "1 ticket(s) being processed",
        "is now completed",
    ] {
        assert!(stdout.contains(expected), "`{expected}` missing:\n{stdout}");
    }
}

/// The quickstart with only the variables of one of the sandbox's token exchanges (and the OSM
/// endpoint): it must run against the service they name, not start a sandbox of its own, and
/// take its keys from one exchange.
#[tokio::test]
async fn the_quickstart_runs_with_only_temporary_credentials_of_each_kind() {
    for exchange in Exchange::ALL {
        let sandbox = Sandbox::start().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut vars = sandbox.credential_variables(exchange, dir.path()).unwrap();
        vars.push(("HUAWEICLOUD_SDK_OSM_ENDPOINT", sandbox.url()));
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let stdout = run_child("quickstart::child_runs_the_quickstart", &vars).await;
        let (expected, exchanges, lookups) = match exchange {
            Exchange::OidcSts => ("from the agency URN", sandbox.counters().oidc_exchanges, 0),
            Exchange::Federated => (
                "looked up through IAM",
                sandbox.counters().federation_keys,
                1,
            ),
            Exchange::PodIdentity => (
                "looked up through IAM",
                sandbox.counters().pod_identity_exchanges,
                1,
            ),
        };
        for line in [
            format!("signing every request for {}", sandbox.url()),
            format!(
                "account (domain) id {} {expected}",
                sandbox.credentials().domain_id
            ),
            "is now completed".to_string(),
            "Done.".to_string(),
        ] {
            assert!(
                stdout.contains(&line),
                "{exchange:?}: `{line}` missing:\n{stdout}"
            );
        }
        assert!(!stdout.contains("local OSM sandbox"), "{stdout}");
        let counters = sandbox.counters();
        assert_eq!(exchanges, 1, "{exchange:?}: {counters:?}");
        assert_eq!(counters.domain_lookups, lookups, "{exchange:?}");
        assert_eq!(counters.tickets_created, 1, "{exchange:?}");
        assert_eq!(counters.auth_failures, 0, "{exchange:?}");
    }
}
