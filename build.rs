//! Generates the client from `openapi/osm.yaml` with progenitor, through the project's generator
//! (`huaweicloud-osm-codegen`, in `xtask/codegen/`, settings included). The output goes to
//! `$OUT_DIR`; it is never checked in. Run `cargo xtask validate` for readable diagnostics when this
//! fails, and `cargo xtask codegen` to read the generated code.
//!
//! Only the operations of the enabled API areas are generated (features `v1`, `v2`, `irobot`;
//! `huaweicloud_osm_codegen::areas`), with their types, table rows, paginators and, with the
//! `httpmock` feature (only then), their mocks. Beside them, `spec.json`: the whole spec as JSON
//! (`OPENAPI_JSON`).
//!
//! The spec's path is also handed to the build scripts of the packages that depend on this one
//! (`DEP_HUAWEICLOUD_OSM_SPEC`, through `links`): the `osm` command line is generated from the same
//! file, shipped inside this package.

use huaweicloud_osm_codegen::{areas, generate};
use std::{env, fs, path::PathBuf, process::ExitCode};

const SPEC: &str = "openapi/osm.yaml";

fn main() -> ExitCode {
    println!("cargo::rerun-if-changed={SPEC}");
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
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let spec = manifest.join(SPEC);
    println!("cargo::metadata=spec={}", spec.display());
    let text = fs::read_to_string(&spec).map_err(|e| format!("cannot read: {e}"))?;
    let mut doc = generate::parse_yaml(&text)?;
    let version = doc["info"]["version"]
        .as_str()
        .ok_or("info.version is not a string")?;
    println!("cargo::rustc-env=HUAWEICLOUD_OSM_SPEC_VERSION={version}");
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    // The whole spec as JSON (`OPENAPI_JSON`), before the areas are cut out of it: the tools that
    // read it at run time (osm-sandbox, `osm mcp`) need no YAML parser, and parse it ten times as fast.
    fs::write(out.join("spec.json"), doc.to_string()).map_err(|e| e.to_string())?;
    areas::retain(&mut doc, &areas::Area::enabled_in_build());
    let mocks = env::var_os("CARGO_FEATURE_HTTPMOCK").is_some();
    let generated = generate::generate_with(doc, mocks)?;
    fs::write(out.join("codegen.rs"), generated.client).map_err(|e| e.to_string())?;
    if mocks {
        fs::write(out.join("httpmock.rs"), generated.mocks).map_err(|e| e.to_string())?;
    }
    fs::write(out.join("operations.rs"), generated.table).map_err(|e| e.to_string())?;
    Ok(())
}
