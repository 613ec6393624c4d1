//! The validator against known specs: each file in `bad-specs/` is rejected with the rule it is
//! named after (and only with the rules its `# expect:` header lists), at the line its `# at:`
//! header names; the known-good spec passes; every rule has a bad spec.
//!
//! Headers of a bad spec:
//! - `# expect: rule-a, rule-b`: the rules it must produce; the file's own rule must be among them,
//!   and no other rule may appear (so each bad spec is otherwise valid);
//! - `# at: text` (optional): the finding of the file's rule is on the first line containing `text`.

use std::path::{Path, PathBuf};

use xtask::findings::Finding;
use xtask::rules::catalog;
use xtask::validate::{self, Options};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

fn validate(spec: &Path, require_all: bool) -> Vec<Finding> {
    let options = Options {
        display: spec.file_name().unwrap().to_string_lossy().into_owned(),
        spec: spec.to_path_buf(),
        operations_tsv: validate::default_operations_tsv(),
        require_all_operations: require_all,
        run_generator: true,
    };
    validate::run(&options).expect("the spec file is readable")
}

fn header<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix(&format!("# {key}: ")))
}

fn bad_specs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir("bad-specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn show(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| f.to_human())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_bad_spec_is_rejected_with_its_rule_and_only_the_expected_ones() {
    let files = bad_specs();
    assert!(
        files.len() >= catalog::ALL.len(),
        "only {} bad specs",
        files.len()
    );
    for file in files {
        let rule = file.file_stem().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        let expected: Vec<&str> = header(&text, "expect")
            .unwrap_or_else(|| panic!("{rule}.yaml has no `# expect:` header"))
            .split(',')
            .map(str::trim)
            .collect();
        assert!(
            expected.contains(&rule.as_str()),
            "{rule}.yaml must expect its own rule"
        );
        let findings = validate(&file, false);
        let own: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule).collect();
        assert!(
            !own.is_empty(),
            "{rule}.yaml: rule `{rule}` not reported; got:\n{}",
            show(&findings)
        );
        for f in &findings {
            assert!(
                expected.contains(&f.rule),
                "{rule}.yaml: unexpected rule `{}` (expected {expected:?}):\n{}",
                f.rule,
                f.to_human()
            );
            assert!(
                f.line >= 1 && !f.hint.is_empty() && !f.message.is_empty(),
                "{}",
                f.to_human()
            );
            assert!(
                catalog::by_name(f.rule).is_some(),
                "unknown rule {}",
                f.rule
            );
        }
        for r in &expected {
            assert!(
                findings.iter().any(|f| f.rule == *r),
                "{rule}.yaml: expected `{r}` too:\n{}",
                show(&findings)
            );
        }
        if let Some(at) = header(&text, "at") {
            let body_start = text.lines().take_while(|l| l.starts_with('#')).count();
            let line = text
                .lines()
                .enumerate()
                .skip(body_start)
                .find(|(_, l)| l.contains(at))
                .map(|(i, _)| i + 1)
                .unwrap_or_else(|| panic!("{rule}.yaml: `# at: {at}` not found in the body"));
            assert!(
                own.iter().any(|f| f.line == line),
                "{rule}.yaml: expected a `{rule}` finding on line {line} ({at}); got:\n{}",
                show(&findings)
            );
        }
    }
}

#[test]
fn every_rule_has_a_bad_spec() {
    for rule in catalog::ALL {
        let file = dir("bad-specs").join(format!("{}.yaml", rule.name));
        assert!(
            file.exists(),
            "no bad spec for rule `{}` ({})",
            rule.name,
            file.display()
        );
    }
}

#[test]
fn the_known_good_spec_passes() {
    let findings = validate(&dir("good-spec.yaml"), false);
    assert!(findings.is_empty(), "{}", show(&findings));
}

#[test]
fn completeness_is_checked_only_when_asked() {
    let findings = validate(&dir("good-spec.yaml"), true);
    assert!(!findings.is_empty());
    assert!(
        findings
            .iter()
            .all(|f| f.rule == "operations-tsv" && f.message.ends_with("is missing"))
    );
    // Every row of operations.tsv but the six operations of the good spec.
    assert_eq!(findings.len(), 111 - 6);
    assert!(validate::is_default_spec(&validate::default_spec()));
    assert!(!validate::is_default_spec(&dir("good-spec.yaml")));
}

#[test]
fn all_findings_are_reported_in_one_run() {
    // Three unrelated mistakes at once: each is reported.
    let text = std::fs::read_to_string(dir("good-spec.yaml"))
        .unwrap()
        .replace("      summary: Query cloud regions (查询云服务区)\n", "")
        .replace(
            "                totalCount: 1\n",
            "                totalCount: one\n",
        )
        .replace(
            "          required: true\n          description: Attachment id.",
            "          description: Attachment id.",
        );
    let spec = xtask::spec::parse(Path::new("multi.yaml"), "multi.yaml", text).unwrap();
    let options = Options {
        spec: "multi.yaml".into(),
        display: "multi.yaml".into(),
        operations_tsv: validate::default_operations_tsv(),
        require_all_operations: false,
        run_generator: true,
    };
    let findings = validate::check(&spec, &options);
    let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    for r in [
        "missing-summary",
        "example-invalid",
        "path-parameter",
        "generator",
    ] {
        assert!(rules.contains(&r), "{r} missing:\n{}", show(&findings));
    }
}

#[test]
fn x_xtask_allow_waives_house_rules_only() {
    let base = std::fs::read_to_string(dir("good-spec.yaml")).unwrap();
    let untyped =
        "        incidentId:\n          type: string\n          description: Ticket id.\n";
    assert!(base.contains(untyped));
    let check = |text: String| {
        let spec = xtask::spec::parse(Path::new("waiver.yaml"), "waiver.yaml", text).unwrap();
        let options = Options {
            spec: "waiver.yaml".into(),
            display: "waiver.yaml".into(),
            operations_tsv: validate::default_operations_tsv(),
            require_all_operations: false,
            run_generator: true,
        };
        validate::check(&spec, &options)
    };
    // A property left untyped on purpose: reported, then waived on the property.
    let findings = check(base.replace(
        untyped,
        "        incidentId:\n          description: Ticket id, a string or a number.\n",
    ));
    assert_eq!(
        findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
        vec!["schema-property"]
    );
    let waived = base.replace(
        untyped,
        "        incidentId:\n          x-xtask-allow: [schema-property]\n          description: Ticket id, a string or a number.\n",
    );
    assert!(check(waived).is_empty());
    // A progenitor rule is not waived.
    let findings = check(base.replace(
        "    post:\n      operationId: CreateCaseV1\n",
        "    post:\n      operationId: CreateCaseV1\n      x-xtask-allow: [request-body-required]\n",
    ).replace("      requestBody:\n        required: true\n", "      requestBody:\n"));
    assert!(
        findings.iter().any(|f| f.rule == "request-body-required"),
        "{}",
        show(&findings)
    );
}

#[test]
fn the_real_spec_passes() {
    let findings = validate(&validate::default_spec(), true);
    assert!(findings.is_empty(), "{}", show(&findings));
}

/// The generator reads every spec of the repository (the real one, the known-good one and every
/// bad one) as serde_yaml does: the same JSON value, or an error from both.
#[test]
fn the_generator_reads_yaml_as_serde_yaml_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = vec![root.join("openapi/osm.yaml"), dir("good-spec.yaml")];
    let mut bad: Vec<PathBuf> = std::fs::read_dir(dir("bad-specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    bad.sort();
    files.extend(bad);
    assert!(files.len() > 30, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let ours = huaweicloud_osm_codegen::yaml::to_json(&text);
        let reference = serde_yaml::from_str::<serde_json::Value>(&text);
        match (ours, reference) {
            (Ok(ours), Ok(reference)) => assert!(ours == reference, "{}", file.display()),
            (Err(_), Err(_)) => {}
            (ours, reference) => panic!(
                "{}: ours {:?}, serde_yaml {:?}",
                file.display(),
                ours.err(),
                reference.err()
            ),
        }
    }
}
