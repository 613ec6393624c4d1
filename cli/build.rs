//! Generates the `osm` command line with progenitor's `Generator::cli`, through the same generator
//! as the SDK's build script (`huaweicloud-osm-codegen`: its settings, and the passes of
//! `cli_passes`). The spec is the SDK's own `openapi/osm.yaml`, whose path the SDK's build script
//! hands over (`DEP_HUAWEICLOUD_OSM_SPEC`, through its `links`), so both are generated from one file
//! in a git checkout and from a package alike. The output goes to `$OUT_DIR`; it is never checked in.
//! Beside it, `areas.rs`: each operation's area (its first tag) in the spec's order of tags,
//! for the grouped `osm --help`. (`osm mcp` reads the spec as the SDK's `OPENAPI_JSON`.)

use huaweicloud_osm_codegen::{cli_passes, generate};
use std::{env, fs, path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot generate the command line: {e}");
            eprintln!("hint: `cargo xtask validate` explains what is wrong with the spec");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let spec = env::var("DEP_HUAWEICLOUD_OSM_SPEC")
        .map_err(|_| "huaweicloud-osm's build script did not name its spec".to_string())?;
    println!("cargo::rerun-if-changed={spec}");
    let text = fs::read_to_string(&spec).map_err(|e| format!("cannot read {spec}: {e}"))?;
    let doc = generate::parse_yaml(&text)?;
    let areas = cli_passes::areas(&doc);
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let cli = cli_passes::generate(doc)?;
    fs::write(out.join("cli.rs"), cli).map_err(|e| e.to_string())?;
    fs::write(out.join("areas.rs"), areas).map_err(|e| e.to_string())
}
