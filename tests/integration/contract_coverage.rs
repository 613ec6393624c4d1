//! Walks the spec: every operation must have a contract test, and the spec must describe exactly
//! the operations of the repo's copy of operations.tsv.

use std::collections::BTreeSet;

use huaweicloud_osm::operations;

/// The repository (the tests' package is its `tests/`).
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The text of every `tests/integration/contract_*.rs` module.
fn contract_sources() -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(format!("{ROOT}/tests/integration")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("contract_") && name.ends_with(".rs") && name != "contract_coverage.rs"
        {
            all += &std::fs::read_to_string(&path).unwrap();
        }
    }
    all
}

#[test]
fn every_operation_has_a_contract_test() {
    let sources = contract_sources();
    let mut missing = Vec::new();
    for op in operations::all() {
        // Generated operations are mocked through their typed helper (`server.<id>(`); hand-written
        // ones (multipart uploads) are called on the client (`.<id>(`) against a raw mock.
        let mocked = sources.contains(&format!("server.{}(", op.id));
        let called = sources.contains(&format!(".{}(", op.id));
        let covered = if op.manual { called } else { mocked && called };
        if !covered {
            missing.push(op.name);
        }
    }
    assert!(
        missing.is_empty(),
        "{} operation(s) without a contract test in tests/integration/contract_*.rs: {missing:?}",
        missing.len()
    );
}

#[test]
fn the_spec_describes_exactly_operations_tsv() {
    let tsv = std::fs::read_to_string(format!("{ROOT}/openapi/operations.tsv")).unwrap();
    let mut rows = tsv.lines();
    let header: Vec<&str> = rows.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (method, path, name) = (col("method"), col("path"), col("operation"));
    let expected: BTreeSet<(String, String, String)> = rows
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[name].to_string(),
                f[method].to_string(),
                f[path].to_string(),
            )
        })
        .collect();
    let actual: BTreeSet<(String, String, String)> = operations::all()
        .iter()
        .map(|m| (m.name.to_string(), m.method.to_string(), m.path.to_string()))
        .collect();
    let missing: Vec<_> = expected.difference(&actual).collect();
    let extra: Vec<_> = actual.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing from the spec: {missing:?}\nnot in operations.tsv: {extra:?}"
    );
    assert_eq!(expected.len(), 111);
}

/// The constants that tell a program which description it was built from are that description.
#[test]
fn the_crate_says_which_spec_it_was_generated_from() {
    let text = std::fs::read_to_string(format!("{ROOT}/openapi/osm.yaml")).unwrap();
    assert_eq!(huaweicloud_osm::OPENAPI_YAML, text);
    let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let version = doc["info"]["version"].as_str().unwrap();
    assert!(!version.is_empty());
    assert_eq!(huaweicloud_osm::SPEC_VERSION, version);
    // The JSON the build script writes is the same description (every area), value for value.
    let json: serde_json::Value = serde_json::from_str(huaweicloud_osm::OPENAPI_JSON).unwrap();
    assert_eq!(json, doc);
}
