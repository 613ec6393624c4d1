//! The quickstart example as a user who comes from Huawei's SDKs runs it: only
//! `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` set (plus the IAM and OSM endpoints, pointing at a
//! sandbox on loopback), no account id. It must run its whole ticket flow, the account id looked
//! up once through IAM.

use std::path::PathBuf;

use osm_sandbox::Sandbox;

/// The compiled quickstart, next to this test's binary (`<target>/<profile>/examples/`).
/// `cargo test` builds the examples before running the tests, but `cargo test --test quickstart`
/// does not, so it is built here (a no-op when it is fresh) with this test's profile and features,
/// and the environment of the `cargo` that started the test: without the variables cargo sets for
/// test processes, which build scripts (ring's) track and would rebuild on.
async fn quickstart_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("<target>/<profile>/deps/<test>");
    let target_dir = profile_dir.parent().expect("<target>/<profile>");
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => "dev",
        Some(other) => other,
    };
    let mut build = tokio::process::Command::new(env!("CARGO"));
    build
        .args([
            "build",
            "--quiet",
            "-p",
            "huaweicloud-osm",
            "--example",
            "quickstart",
        ])
        .args(["--profile", profile])
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_by_cargo = ["CARGO_PKG_", "CARGO_BIN_EXE_", "CARGO_CFG_"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
            || [
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_MANIFEST_LINKS",
                "CARGO_CRATE_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
                "OUT_DIR",
            ]
            .contains(&name.as_ref());
        if set_by_cargo {
            build.env_remove(name.as_ref());
        }
    }
    if cfg!(feature = "httpmock") {
        build.args(["--features", "httpmock"]);
    }
    let status = build.status().await.expect("cargo runs");
    assert!(status.success(), "building the quickstart failed");
    profile_dir
        .join("examples")
        .join(format!("quickstart{}", std::env::consts::EXE_SUFFIX))
}

#[tokio::test]
async fn the_quickstart_runs_with_only_ak_and_sk() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials();
    let output = tokio::process::Command::new(quickstart_binary().await)
        .env_clear()
        .env("HUAWEICLOUD_SDK_AK", &c.access_key)
        .env("HUAWEICLOUD_SDK_SK", &c.secret_key)
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", sandbox.url())
        .env("HUAWEICLOUD_SDK_OSM_ENDPOINT", sandbox.url())
        .output()
        .await
        .expect("the quickstart starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
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
