//! Generates the client from `openapi/osm.yaml` with progenitor (settings in `xtask/src/generate.rs`).
//! The output goes to `$OUT_DIR`; it is never checked in. Run `cargo xtask validate` for readable
//! diagnostics when this fails, and `cargo xtask codegen` to read the generated code.

// Shared with the xtask, which uses more of them than the build does.
#[path = "xtask/src/generate.rs"]
#[allow(dead_code)]
mod generate;
#[path = "xtask/src/limits.rs"]
#[allow(dead_code)]
mod limits;
#[path = "xtask/src/paging.rs"]
#[allow(dead_code)]
mod paging;
#[path = "xtask/src/passes.rs"]
#[allow(dead_code)]
mod passes;

use std::{env, fs, path::PathBuf, process::ExitCode};

const SPEC: &str = "openapi/osm.yaml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    for shared in ["generate", "limits", "paging", "passes"] {
        println!("cargo:rerun-if-changed=xtask/src/{shared}.rs");
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot generate the client from {SPEC}: {e}");
            eprintln!("hint: `cargo xtask validate` explains what is wrong with the spec");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let text = fs::read_to_string(SPEC).map_err(|e| format!("cannot read: {e}"))?;
    let doc = generate::parse_yaml(&text)?;
    let generated = generate::generate(doc)?;
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    fs::write(out.join("codegen.rs"), generated.client).map_err(|e| e.to_string())?;
    fs::write(out.join("httpmock.rs"), generated.mocks).map_err(|e| e.to_string())?;
    fs::write(out.join("operations.rs"), generated.table).map_err(|e| e.to_string())?;
    Ok(())
}
