//! Reading a spec file: the YAML value (parsed exactly as `build.rs` parses it) and its line index.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::findings::Findings;
use crate::locate::Locator;
use crate::rules::catalog;

/// A spec that parsed as YAML.
#[derive(Debug)]
pub struct Spec {
    /// The file name shown in findings.
    pub display: String,
    /// The file's path.
    pub path: PathBuf,
    /// The YAML text.
    pub text: String,
    /// The document as JSON, the form progenitor receives.
    pub doc: Value,
    /// Maps pointers to lines.
    pub locator: Locator,
}

impl Spec {
    /// The line of the node at `pointer` (or of its nearest ancestor).
    pub fn line(&self, pointer: &str) -> usize {
        self.locator.line(pointer)
    }
}

/// Reads and parses `path`. `Err` is for a file that cannot be read; a file that is not YAML
/// gives `Ok(Err(findings))` with a `yaml-syntax` finding.
pub fn load(path: &Path, display: &str) -> Result<Result<Spec, Findings>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{display}: cannot read: {e}"))?;
    Ok(parse(path, display, text))
}

/// Parses spec text; see [`load`].
pub fn parse(path: &Path, display: &str, text: String) -> Result<Spec, Findings> {
    let mut findings = Findings::new(display);
    // Parsed as build.rs parses it.
    let doc: Value = match huaweicloud_osm_codegen::yaml::to_json(&text) {
        Ok(doc) => doc,
        Err(e) => {
            // The message already names the line and column.
            let line = e.line.unwrap_or(1);
            let message = format!("not valid YAML: {e}");
            findings.add(&catalog::YAML_SYNTAX, line, "", message);
            return Err(findings);
        }
    };
    if !doc.is_object() {
        findings.add(
            &catalog::YAML_SYNTAX,
            1,
            "",
            "the top level of the file is not a mapping (expected `openapi:`, `info:`, `paths:` …)",
        );
        return Err(findings);
    }
    let locator = Locator::new(&text);
    Ok(Spec {
        display: display.to_string(),
        path: path.to_path_buf(),
        text,
        doc,
        locator,
    })
}
