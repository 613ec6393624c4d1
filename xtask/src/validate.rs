//! `cargo xtask validate`: every check on one spec, all findings in one run.

use std::path::{Path, PathBuf};

use crate::findings::{Finding, Findings};
use crate::rules::catalog;
use crate::rules::house::{self, HouseOptions};
use crate::rules::tsv::OperationsTsv;
use crate::{examples, generator, metaschema, refs, rules, spec};

/// What to validate and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The spec file.
    pub spec: PathBuf,
    /// How the spec's name is shown in findings.
    pub display: String,
    /// The operations.tsv whose names the operationIds must be.
    pub operations_tsv: PathBuf,
    /// Whether every row of operations.tsv must be present (on by default for the real spec).
    pub require_all_operations: bool,
    /// Whether to run progenitor (the `generator` rule).
    pub run_generator: bool,
}

/// The workspace root (the directory above `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The real spec, `openapi/osm.yaml` in the workspace.
pub fn default_spec() -> PathBuf {
    workspace_root().join("openapi").join("osm.yaml")
}

/// The repo's copy of operations.tsv.
pub fn default_operations_tsv() -> PathBuf {
    workspace_root().join("openapi").join("operations.tsv")
}

/// Whether `path` is the real spec (so completeness against operations.tsv is checked by default).
pub fn is_default_spec(path: &Path) -> bool {
    match (path.canonicalize(), default_spec().canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `path` as the user would like to read it: relative to the working directory when it is below
/// it, else as given.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let absolute = path.canonicalize().ok();
    if let (Some(cwd), Some(abs)) = (cwd, absolute)
        && let Ok(rel) = abs.strip_prefix(&cwd)
    {
        return rel.display().to_string();
    }
    path.display().to_string()
}

/// Validates the spec; `Err` only when the file cannot be read.
pub fn run(options: &Options) -> Result<Vec<Finding>, String> {
    let spec = match spec::load(&options.spec, &options.display)? {
        Ok(spec) => spec,
        Err(findings) => return Ok(findings.into_sorted()),
    };
    Ok(check(&spec, options))
}

/// Runs every rule on a parsed spec.
pub fn check(spec: &spec::Spec, options: &Options) -> Vec<Finding> {
    let mut findings = Findings::new(&spec.display);
    for d in spec.locator.duplicates() {
        findings.add(
            &catalog::DUPLICATE_KEY,
            d.line,
            &d.pointer,
            format!(
                "this key already appears on line {}; only this last one is kept",
                d.first_line
            ),
        );
    }
    metaschema::check(spec, &mut findings);
    refs::check(spec, &mut findings);
    rules::progenitor::check(spec, &mut findings);
    let tsv_display = display_path(&options.operations_tsv);
    let tsv = OperationsTsv::load(&options.operations_tsv, &tsv_display);
    let house_options = HouseOptions {
        tsv: tsv.as_ref().map_err(String::clone),
        require_all_operations: options.require_all_operations,
    };
    house::check(spec, &house_options, &mut findings);
    examples::check(spec, &mut findings);
    if options.run_generator {
        generator::check(spec, &mut findings);
    }
    let mut all = findings.into_sorted();
    // A meta-schema finding where a more specific rule already explains the same node is noise.
    let specific: Vec<String> = all
        .iter()
        .filter(|f| f.rule != catalog::META_SCHEMA.name && !f.pointer.is_empty())
        .map(|f| f.pointer.clone())
        .collect();
    all.retain(|f| f.rule != catalog::META_SCHEMA.name || !specific.contains(&f.pointer));
    all.retain(|f| !allowed_here(&spec.doc, f));
    // When the generator is the only rule that fails, "fix the findings above first" does not apply.
    if all.iter().all(|f| f.rule == catalog::GENERATOR.name) {
        for f in &mut all {
            f.hint = "progenitor fails on something no other rule checks: read its message, and see shared/reference/progenitor.md §4 (typify also rejects enum values that make the same Rust name, such as `zh-cn` and `zh_cn`)".into();
        }
    }
    all
}

/// The extension that waives house rules for a node and everything below it, e.g.
/// `x-xtask-allow: [schema-property]` on a property the docs leave untyped on purpose.
pub const ALLOW_EXTENSION: &str = "x-xtask-allow";

/// Whether a house-rule finding is waived by `x-xtask-allow` on its node or an ancestor.
/// Structure and progenitor rules cannot be waived: the build would fail.
fn allowed_here(doc: &serde_json::Value, finding: &Finding) -> bool {
    let house = catalog::by_name(finding.rule).is_some_and(|r| r.origin == catalog::Origin::House);
    if !house {
        return false;
    }
    let mut pointer = finding.pointer.as_str();
    loop {
        let waived = doc
            .pointer(pointer)
            .and_then(|node| node.get(ALLOW_EXTENSION))
            .is_some_and(|allow| match allow {
                serde_json::Value::String(rule) => rule == finding.rule,
                serde_json::Value::Array(rules) => {
                    rules.iter().any(|r| r.as_str() == Some(finding.rule))
                }
                _ => false,
            });
        if waived {
            return true;
        }
        match pointer.rfind('/') {
            Some(i) => pointer = &pointer[..i],
            None => return false,
        }
    }
}
