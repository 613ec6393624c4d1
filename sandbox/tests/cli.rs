//! The `osm-sandbox` binary: starts on the given address with the given credentials, prints where
//! it listens once ready, and serves until stopped.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use huaweicloud_osm::{Client, Credentials};

#[tokio::test]
async fn the_binary_serves_with_the_given_credentials() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_osm-sandbox"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--ak",
            "CLIAK",
            "--sk",
            "cli-secret",
            "--domain-id",
            "cli-domain",
            "--user",
            "bob",
            "--password",
            "pw",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    // Keep reading what it prints, so it never writes to a closed pipe.
    std::thread::spawn(move || for _ in stdout.lines() {});
    let url = first
        .trim()
        .strip_prefix("osm-sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected first line `{first}`"))
        .to_string();

    let client = Client::builder()
        .endpoint(&url)
        .credentials(Credentials::ak_sk("CLIAK", "cli-secret").with_domain_id("cli-domain"))
        .build()
        .unwrap();
    let regions = client.list_regions_v1().send().await;
    let token_client = Client::builder()
        .endpoint(&url)
        .iam_endpoint(&url)
        .credentials(Credentials::password("bob", "pw", "sandbox-account"))
        .build()
        .unwrap();
    let by_token = token_client.list_sub_types_v1().send().await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(regions.unwrap().total_count.unwrap() > 0);
    assert!(by_token.is_ok(), "{by_token:?}");
}

#[test]
fn bad_arguments_are_refused_with_the_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_osm-sandbox"))
        .args(["--listen", "10.1.2.3:80"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
    let out = Command::new(env!("CARGO_BIN_EXE_osm-sandbox"))
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}
