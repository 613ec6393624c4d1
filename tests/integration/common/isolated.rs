//! Tests that need a controlled process environment (proxy variables, `HUAWEICLOUD_SDK_*`) run in
//! a child process: environment variables are process-wide and the tests of one binary run in
//! parallel, so no test changes its own environment. The parent test keeps the servers (sandbox,
//! proxy, listeners) and checks what reached them; the child is an ignored test of the same binary
//! that does nothing unless started this way.

use std::process::Stdio;

/// Set in the child's environment.
const CHILD_MARKER: &str = "HUAWEICLOUD_OSM_TEST_CHILD";

/// Whether this test runs as the child of [`run_child`] (otherwise the child test returns at once).
pub fn in_child() -> bool {
    std::env::var_os(CHILD_MARKER).is_some()
}

/// Runs the ignored test `name` of this test binary in a child process whose environment is
/// exactly `vars` (nothing inherited: no proxy, no credentials, no `HOME`), and fails unless it
/// passes. Returns its standard output.
pub async fn run_child(name: &str, vars: &[(&str, &str)]) -> String {
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = tokio::process::Command::new(exe)
        .args([
            name,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env_clear()
        .env(CHILD_MARKER, "1")
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .output()
        .await
        .expect("the child test starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "child test {name} failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "child test {name} did not run:\n{stdout}"
    );
    stdout
}
