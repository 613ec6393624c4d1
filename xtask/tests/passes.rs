//! Snapshots of what the passes over progenitor's output produce on the known-good spec: the
//! generated client (xtask/codegen/src/passes.rs) must equal `snapshots/good-spec-client.snap` byte for
//! byte, the `osm` command line (xtask/codegen/src/cli_passes.rs) `snapshots/good-spec-cli.snap`.
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

/// `text` must equal `snapshots/<name>` byte for byte (refreshed with `UPDATE_SNAPSHOTS=1`).
fn assert_snapshot(name: &str, text: &str) {
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, text).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    if text != expected {
        let first = text
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(text.lines().count().min(expected.lines().count()));
        panic!(
            "the generated code differs from {} from line {}:\n  now:      {:?}\n  snapshot: {:?}",
            snapshot.display(),
            first + 1,
            text.lines().nth(first),
            expected.lines().nth(first)
        );
    }
}

#[test]
fn the_generated_client_matches_its_snapshot() {
    assert_snapshot("good-spec-client.snap", &generated_client());
}

fn generated_cli() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let text = std::fs::read_to_string(dir.join("good-spec.yaml")).unwrap();
    xtask::cli_passes::generate(generate::parse_yaml(&text).unwrap()).unwrap()
}

#[test]
fn the_generated_cli_matches_its_snapshot() {
    assert_snapshot("good-spec-cli.snap", &generated_cli());
}

#[test]
fn the_cli_runs_on_the_sdks_error_bodies_and_downloads() {
    let cli = generated_cli();
    assert!(cli.contains("fn error(&self, value: &huaweicloud_osm::Error);"));
    assert!(!cli.contains("todo!") && !cli.contains("\"XXX\""));
    let bodies = cli.matches("crate::body::read::<").count();
    assert!(bodies > 0);
    assert_eq!(cli.matches("crate::body::print_schema::<").count(), bodies);
    assert_eq!(cli.matches("Arg::new(\"body-schema\")").count(), bodies);
    assert!(cli.contains("crate::files::save(matches, r).await"));
}

#[test]
fn every_send_returns_the_sdks_errors_as_values_decoded_once() {
    let client = generated_client();
    let sends = client.matches("pub async fn send(").count();
    assert!(sends > 0);
    assert_eq!(
        client.matches(") -> crate::Result<ResponseValue<").count(),
        sends
    );
    // progenitor's steps, as the SDK's: the errors of both are `crate::Error` values. A JSON body
    // goes to `pre` as one value (checked, then written), never through `.json(&body)`.
    let compact: String = client.chars().filter(|c| !c.is_whitespace()).collect();
    let bodies = compact
        .matches(
            "letrequest=crate::hooks::pre(client,request,&info,Some(crate::hooks::json(&body)?)",
        )
        .count();
    let bodiless = compact
        .matches("letrequest=crate::hooks::pre(client,request,&info,None)?;")
        .count();
    assert!(bodies > 0 && bodiless > 0);
    assert_eq!(bodies + bodiless, sends);
    assert!(!client.contains(".json(&body)"));
    // Nothing is added to a request only to be removed: no `api-version` header.
    assert!(!client.contains("api-version"));
    assert_eq!(
        client
            .matches("let response = crate::hooks::exec(client, request, &info).await?;")
            .count(),
        sends
    );
    assert_eq!(
        client
            .matches("_ => Err(crate::error::undocumented(response)),")
            .count(),
        sends
    );
    assert!(client.contains("200u16 => crate::error::json(response).await,"));
    assert!(client.contains(".map_err(crate::Error::InvalidRequest)?;"));
    // No second decode of an error: no error-status arm, no progenitor error, no envelope.
    for gone in xtask::generate::PROGENITOR_ERROR_PATH {
        assert!(!client.contains(gone), "{gone}");
    }
    for gone in [
        "400u16..=499u16",
        "500u16..=599u16",
        "x-sdk-",
        "DecodeContext",
        "assert_client_hooks",
    ] {
        assert!(!client.contains(gone), "{gone}");
    }
}

#[test]
fn optional_setters_take_anything_into_optional() {
    let client = generated_client();
    assert!(!client.contains("TryInto<::std::option::Option<"));
    // The only builder left on this spec is the request body's (xtask/codegen/src/builders.rs);
    // its optional field is an enum. `&str` into optional strings: the SDK's tests use it.
    assert!(client.contains("T: crate::convert::IntoOptional<super::CreateCaseV1ReqSourceId>"));
}
