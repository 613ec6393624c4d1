//! `cargo xtask validate [SPEC]`, `cargo xtask codegen [SPEC] [--out FILE]` and
//! `cargo xtask bench`; see `cargo xtask --help` and the library docs of the `xtask` crate.
#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let status = xtask::cli::run(
        &args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(status)
}
