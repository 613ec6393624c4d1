//! Project tasks: `cargo xtask validate [SPEC]`, `cargo xtask codegen [--out FILE]`.
mod generate;

use std::process::ExitCode;

const DEFAULT_SPEC: &str = "openapi/osm.yaml";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("validate") => validate(args.get(1).map(String::as_str).unwrap_or(DEFAULT_SPEC)),
        Some("codegen") => codegen(args.get(1).map(String::as_str).unwrap_or(DEFAULT_SPEC)),
        _ => {
            eprintln!("usage: cargo xtask validate [SPEC] | cargo xtask codegen [SPEC]");
            ExitCode::from(2)
        }
    }
}

fn load(spec: &str) -> Result<generate::Generated, String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{spec}: cannot read: {e}"))?;
    let doc = generate::parse_yaml(&text).map_err(|e| format!("{spec}: {e}"))?;
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| generate::generate(doc));
    let _ = std::panic::take_hook();
    match result {
        Ok(r) => r.map_err(|e| format!("{spec}: {e}")),
        Err(p) => Err(format!(
            "{spec}: the generator panicked: {}",
            p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
        )),
    }
}

fn validate(spec: &str) -> ExitCode {
    match load(spec) {
        Ok(g) => {
            println!("{spec}: ok ({} generated operations)", g.operations);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn codegen(spec: &str) -> ExitCode {
    match load(spec) {
        Ok(g) => {
            let _ = std::fs::create_dir_all("target/codegen");
            let _ = std::fs::write("target/codegen/client.rs", &g.client);
            let _ = std::fs::write("target/codegen/httpmock.rs", &g.mocks);
            println!("wrote target/codegen/client.rs ({} lines, {} operations)", g.client.lines().count(), g.operations);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
