//! `cargo xtask` as a user runs it: exit status, human and JSON output, errors, codegen.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap())
        .output()
        .expect("xtask runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn json_output_lists_every_finding_with_its_fields() {
    let o = xtask(&[
        "validate",
        "xtask/tests/bad-specs/single-success-schema.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("stdout is JSON");
    let findings = findings.as_array().expect("an array");
    assert!(!findings.is_empty());
    for f in findings {
        let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        for k in ["file", "line", "pointer", "rule", "message", "hint"] {
            assert!(keys.contains(&k), "{k} missing in {f}");
        }
        assert_eq!(
            f["file"],
            "xtask/tests/bad-specs/single-success-schema.yaml"
        );
        assert!(f["line"].as_u64().unwrap() >= 1);
    }
    let finding = findings
        .iter()
        .find(|f| f["rule"] == "single-success-schema")
        .unwrap();
    assert_eq!(
        finding["pointer"],
        "/paths/~1v1.0~1servicerequest~1case~1region/get/responses"
    );
    assert!(finding["message"].as_str().unwrap().contains("(200, 204)"));
}

#[test]
fn human_output_has_file_line_rule_pointer_and_hint() {
    let o = xtask(&["validate", "xtask/tests/bad-specs/meta-schema.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-specs/meta-schema.yaml"),
    )
    .unwrap();
    let line = text
        .lines()
        .position(|l| !l.starts_with('#') && l.contains("requried:"))
        .unwrap()
        + 1;
    let expected = format!(
        "xtask/tests/bad-specs/meta-schema.yaml:{line}: [meta-schema] /components/schemas/ListRegionsV1Response/requried: unknown key `requried` (did you mean `required`?)\n  hint: "
    );
    assert!(out.contains(&expected), "{out}");
    assert!(out.contains("1 finding (meta-schema: 1)"), "{out}");
}

#[test]
fn a_clean_spec_exits_zero() {
    let o = xtask(&["validate", "xtask/tests/good-spec.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("ok"));
    let o = xtask(&["validate", "xtask/tests/good-spec.yaml", "--format=json"]);
    assert_eq!(stdout(&o).trim(), "[]");
}

#[test]
fn errors_are_readable_not_panics() {
    let o = xtask(&["validate", "no/such/spec.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no/such/spec.yaml: cannot read"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("panicked"));
    let o = xtask(&["validate", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--format must be human or json"));
    // A generator panic is a finding, and the panic message is not printed by the hook.
    let o = xtask(&["validate", "xtask/tests/bad-specs/generator.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("[generator]"));
    assert!(!stderr(&o).contains("panicked at"), "{}", stderr(&o));
}

#[test]
fn help_documents_the_commands_and_the_completeness_flag() {
    let o = xtask(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for s in [
        "validate [SPEC]",
        "codegen [SPEC]",
        "--require-all-operations",
        "--no-require-all-operations",
        "--format human|json",
    ] {
        assert!(out.contains(s), "{s} missing from help");
    }
    let o = xtask(&["validate", "--list-rules"]);
    assert!(stdout(&o).contains("single-success-schema"));
}

#[test]
fn codegen_writes_the_client_and_reports_its_size() {
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("codegen-test");
    let out_file = out_dir.join("client.rs");
    let o = xtask(&[
        "codegen",
        "xtask/tests/good-spec.yaml",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = stdout(&o);
    // Five generated operations (the multipart upload is hand-written).
    assert!(report.contains("5 operations"), "{report}");
    assert!(
        report.contains(" lines") && report.contains(" types"),
        "{report}"
    );
    let client = std::fs::read_to_string(&out_file).unwrap();
    assert!(client.starts_with("// The client generated by `cargo xtask codegen`"));
    assert!(client.contains("pub fn list_regions_v1"));
    assert!(!client.contains("pub fn upload_accessory"));
    assert!(out_dir.join("httpmock.rs").exists());

    let o = xtask(&[
        "codegen",
        "xtask/tests/bad-specs/generator.yaml",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cargo xtask validate"),
        "{}",
        stderr(&o)
    );
}
