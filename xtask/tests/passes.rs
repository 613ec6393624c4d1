//! Snapshot of what the passes over progenitor's output produce (xtask/src/passes.rs), on the
//! known-good spec: the generated client must equal `snapshots/good-spec-client.snap` byte for byte.
//! progenitor is pinned, so a difference means a pass (or the generator settings) changed: read the
//! diff, and when it is what you meant, refresh the snapshot with
//! `UPDATE_SNAPSHOTS=1 cargo test -p xtask --test passes`.

use std::path::Path;

use xtask::generate;

fn generated_client() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let text = std::fs::read_to_string(dir.join("good-spec.yaml")).unwrap();
    let doc = generate::parse_yaml(&text).unwrap();
    generate::generate(doc).unwrap().client
}

#[test]
fn the_generated_client_matches_its_snapshot() {
    let client = generated_client();
    let snapshot =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/good-spec-client.snap");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &client).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    if client != expected {
        let first = client
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(client.lines().count().min(expected.lines().count()));
        panic!(
            "the generated client differs from {} from line {}:\n  now:      {:?}\n  snapshot: {:?}",
            snapshot.display(),
            first + 1,
            client.lines().nth(first),
            expected.lines().nth(first)
        );
    }
}

#[test]
fn every_send_returns_the_sdks_result_and_keeps_progenitors_body() {
    let client = generated_client();
    let sends = client.matches("pub async fn send(").count();
    assert!(sends > 0);
    assert_eq!(
        client.matches(") -> crate::Result<ResponseValue<").count(),
        sends
    );
    assert_eq!(client.matches("async fn send_generated(").count(), sends);
    assert_eq!(client.matches("context.record(&response);").count(), sends);
}

#[test]
fn optional_setters_take_anything_into_optional() {
    let client = generated_client();
    assert!(!client.contains("TryInto<::std::option::Option<"));
    assert!(client.contains("T: crate::convert::IntoOptional<::std::string::String>"));
}
