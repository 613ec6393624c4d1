//! Generates the `osm` command line from `openapi/osm.yaml` with progenitor's `Generator::cli`,
//! through the same generator code as the SDK's build script (`xtask/src/generate.rs`, settings
//! included) and the passes of `xtask/src/cli_passes.rs`. The output goes to `$OUT_DIR`; it is
//! never checked in. Beside it, `areas.rs`: each operation's area (its first tag) in the spec's
//! order of tags, for the grouped `osm --help`.

// Shared with the xtask and the SDK's build script, which use more of them than this build does.
#[path = "../xtask/src/cli_passes.rs"]
#[allow(dead_code)]
mod cli_passes;
#[path = "../xtask/src/generate.rs"]
#[allow(dead_code)]
mod generate;
#[path = "../xtask/src/limits.rs"]
#[allow(dead_code)]
mod limits;
#[path = "../xtask/src/paging.rs"]
#[allow(dead_code)]
mod paging;
#[path = "../xtask/src/passes.rs"]
#[allow(dead_code)]
mod passes;

use std::{env, fs, path::PathBuf, process::ExitCode};

const SPEC: &str = "../openapi/osm.yaml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    for shared in ["cli_passes", "generate", "limits", "paging", "passes"] {
        println!("cargo:rerun-if-changed=../xtask/src/{shared}.rs");
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot generate the command line from {SPEC}: {e}");
            eprintln!("hint: `cargo xtask validate` explains what is wrong with the spec");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let text = fs::read_to_string(SPEC).map_err(|e| format!("cannot read: {e}"))?;
    let doc = generate::parse_yaml(&text)?;
    let areas = areas(&doc);
    let cli = cli_passes::generate(doc)?;
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    fs::write(out.join("cli.rs"), cli).map_err(|e| e.to_string())?;
    fs::write(out.join("areas.rs"), areas).map_err(|e| e.to_string())
}

/// `pub const TAGS: &[(&str, &str)]` (name, description, in the spec's order) and
/// `pub const AREAS: &[(&str, &str)]` (subcommand name, its first tag).
fn areas(doc: &serde_json::Value) -> String {
    let mut tags = String::new();
    for tag in doc["tags"].as_array().into_iter().flatten() {
        let name = tag["name"].as_str().unwrap_or_default();
        let about = tag["description"].as_str().unwrap_or_default();
        let end = [" (", ": ", ". "]
            .iter()
            .filter_map(|stop| about.find(stop))
            .min()
            .unwrap_or(about.len());
        let about = about[..end].trim().trim_end_matches('.');
        tags.push_str(&format!("    ({name:?}, {about:?}),\n"));
    }
    let mut areas = String::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let (Some(id), Some(tag)) = (op["operationId"].as_str(), op["tags"][0].as_str()) else {
                continue;
            };
            let name = generate::snake_case(id).replace('_', "-");
            areas.push_str(&format!("    ({name:?}, {tag:?}),\n"));
        }
    }
    format!(
        "/// The spec's tags: name, description.\npub const TAGS: &[(&str, &str)] = &[\n{tags}];\n\
         /// Each operation's subcommand and first tag.\npub const AREAS: &[(&str, &str)] = &[\n{areas}];\n"
    )
}
