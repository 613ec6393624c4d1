//! Huawei's official Python SDK 3.1.219 against the sandbox: its own `OidcStsCredentialProvider`,
//! with `HUAWEICLOUD_SDK_STS_ENDPOINT` pointing at the sandbox's STS, lists the tickets filed there
//! (`tests/python/oidc_list_cases.py`). Ignored unless asked for: it needs a Python with
//! `huaweicloudsdkcore==3.1.219` and `huaweicloudsdkosm==3.1.219` (`OSM_TEST_PYTHON` names the
//! interpreter, default `python3`), which CI does not install (that would mean the network):
//!
//! ```text
//! python3 -m venv /tmp/pyosm
//! /tmp/pyosm/bin/pip install huaweicloudsdkcore==3.1.219 huaweicloudsdkosm==3.1.219
//! OSM_TEST_PYTHON=/tmp/pyosm/bin/python cargo test -p huaweicloud-osm-tests --all-features --test integration \
//!     python_sdk -- --ignored --nocapture
//! ```
//!
//! The interpreter runs with only the variables the sandbox names (`Sandbox::credential_variables`)
//! plus the OSM endpoint and the account lookup's IAM endpoint, both the sandbox: nothing but
//! loopback is contacted.

use std::process::Stdio;

use osm_sandbox::{Exchange, Sandbox};

use crate::common::sandbox_client;
use crate::e2e_sandbox::create_v2;

#[tokio::test]
#[ignore = "needs Python with huaweicloudsdkcore and huaweicloudsdkosm 3.1.219 (OSM_TEST_PYTHON)"]
async fn huaweis_python_sdk_lists_tickets_with_its_oidc_provider() {
    let python = std::env::var("OSM_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let sandbox = Sandbox::start().await.unwrap();
    let client = sandbox_client(&sandbox);
    let filed = [
        create_v2(&client, "first, for the Python SDK").await,
        create_v2(&client, "second, for the Python SDK").await,
    ];

    let dir = tempfile::tempdir().unwrap();
    let mut vars = sandbox
        .credential_variables(Exchange::OidcSts, dir.path())
        .unwrap();
    vars.push(("HUAWEICLOUD_SDK_IAM_ENDPOINT", sandbox.url()));
    vars.push(("OSM_ENDPOINT", sandbox.url()));
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/oidc_list_cases.py");
    let output = tokio::process::Command::new(&python)
        .arg(script)
        .env_clear()
        .envs(vars)
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}{stderr}");
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("total_count 2"), "{stdout}");
    for id in &filed {
        assert!(stdout.contains(id.as_str()), "{id} missing:\n{stdout}");
    }
    let counters = sandbox.counters();
    assert_eq!(counters.oidc_exchanges, 1, "{counters:?}");
    assert_eq!(counters.domain_lookups, 1, "{counters:?}");
    assert_eq!(counters.auth_failures, 0, "{counters:?}");
}
