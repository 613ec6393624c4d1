//! Generates the `osm` command line from `openapi/osm.yaml` with progenitor's `Generator::cli`,
//! through the same generator code as the SDK's build script (`xtask/src/generate.rs`, settings
//! included) and the passes of `xtask/src/cli_passes.rs`. The output goes to `$OUT_DIR`; it is
//! never checked in.

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
    let cli = cli_passes::generate(generate::parse_yaml(&text)?)?;
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    fs::write(out.join("cli.rs"), cli).map_err(|e| e.to_string())
}
