//! The command line: argument parsing, help, and the `validate`, `codegen` and `bench` commands.

use std::io::Write;
use std::path::PathBuf;

use crate::findings::{Format, render_human, render_json};
use crate::rules::catalog;
use crate::validate::{self, Options};
use crate::{bench, build_cost, generator, readable_client, spec};

/// Exit status: success, no findings.
pub const EXIT_OK: u8 = 0;
/// Exit status: findings were reported (or generation failed, or a benchmark missed its target).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: a wrong command line, an unreadable file, or benchmarks that could not run.
pub const EXIT_USAGE: u8 = 2;

/// The text of `cargo xtask --help`.
pub const HELP: &str = "\
cargo xtask: project tasks for huaweicloud-osm

USAGE:
    cargo xtask validate [SPEC] [--format human|json] [--require-all-operations | --no-require-all-operations]
                         [--operations FILE] [--no-generator]
    cargo xtask validate --list-rules
    cargo xtask codegen [SPEC] [--out FILE]
    cargo xtask bench [--quick] [--table-only] [--bench NAME]...
    cargo xtask build-cost [--runs N] [--source DIR] [--build minimal|v2-only|quickstart]...
    cargo xtask help

validate
    Checks SPEC (default: openapi/osm.yaml) before anyone builds it and reports every finding in one
    run: YAML syntax, the OpenAPI 3.0 meta-schema (misspelled keys), unresolved $refs, progenitor's
    limits, the house rules of openapi/README.md, every example against its schema, and finally
    progenitor itself with the build's settings (a generator panic is reported, not raised).
    Each finding reads `file:line: [rule] /json/pointer: message` followed by a hint.
    Exit status: 0 when nothing was found, 1 when anything was, 2 when SPEC cannot be read or the
    command line is wrong.

    --format human|json          human (default), or a JSON array of
                                 {file, line, pointer, rule, message, hint} objects on stdout
    --require-all-operations     every row of operations.tsv must be in the spec (rule operations-tsv).
                                 ON BY DEFAULT when SPEC is openapi/osm.yaml (also when SPEC is omitted)
    --no-require-all-operations  only check that the spec's operationIds are names in operations.tsv
                                 (with their method, path and body kinds). The default for any other
                                 file, e.g. a part of the spec or a test spec
    --operations FILE            the operations.tsv to check against (default: openapi/operations.tsv)
    --no-generator               skip running progenitor (rule generator)
    --list-rules                 print every rule with what it checks, and exit

codegen
    Runs the generator on SPEC (default: openapi/osm.yaml) exactly as build.rs does and writes the
    formatted client to FILE (default: target/codegen/client.rs) and the typed httpmock helpers to
    httpmock.rs beside it, then prints the size: lines, operations and types.

    --out FILE                   where to write the client

bench
    Runs the criterion benchmarks of benches/ (signing, calls, transfer), each SDK figure beside a
    baseline measured in the same process (raw reqwest against the same loopback server, or the bare
    hashes of a signature), and prints one Markdown table: benchmark, SDK and baseline medians, their
    ratio, the target of BENCHMARKS.md and pass/fail, plus the peak heap growth of the transfers.
    Results go to <target>/osm-bench/ (emptied first; the table is also written to report.md there),
    <target> being $CARGO_TARGET_DIR or target/. Takes about 5 minutes (1 to 2 with --quick).
    Exit status: 0 when every target is met, 1 when one is missed or has no result, 2 when a
    benchmark or a build fails.

    --quick                      criterion's --quick: fewer samples, a rougher table, sooner
    --table-only                 print the table of the last run, running nothing
    --bench NAME                 run only this benchmark target (repeatable)

build-cost
    What a user's first build costs (BENCHMARKS.md, section Build cost): a minimal consumer
    (huaweicloud-osm + tokio, one call), the same with the v2 area only, and `cargo run --example
    quickstart`, each from an empty target directory (--offline: crates must be downloaded) with
    --timings. Prints one Markdown row per build: medians of the wall time, of the sum of the units'
    times (CPU), and of the library crate's own time and start. Several minutes per run: measure on
    a quiet machine. Exit status: 0 when every build ran, 2 when one failed.

    --runs N                     runs of each build (default 3)
    --source DIR                 the checkout to measure (default: this workspace), e.g. an older
                                 commit for a before/after table
    --build NAME                 only this build (repeatable)

A house rule (see --list-rules) can be waived for one node of the spec and everything below it with
`x-xtask-allow: [rule-name, …]` on that node, e.g. on a property the docs leave untyped on purpose; say
why in its description. Structure and progenitor rules cannot be waived: the build would fail.

Paths are relative to the working directory; the defaults are in the workspace.
";

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print the help.
    Help,
    /// Print the rules.
    ListRules,
    /// Validate a spec.
    Validate {
        /// The spec, if given.
        spec: Option<PathBuf>,
        /// Output format.
        format: Format,
        /// `--require-all-operations` (`Some(true)`), `--no-…` (`Some(false)`), or the default.
        require_all: Option<bool>,
        /// `--operations FILE`.
        operations: Option<PathBuf>,
        /// `--no-generator`.
        no_generator: bool,
    },
    /// Generate the client into a file.
    Codegen {
        /// The spec, if given.
        spec: Option<PathBuf>,
        /// `--out FILE`.
        out: Option<PathBuf>,
    },
    /// Run the benchmarks and print the table.
    Bench(bench::Options),
    /// Measure first builds.
    BuildCost(build_cost::Options),
}

/// Parses the arguments after `cargo xtask`.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut it = args.iter().map(String::as_str);
    let command = it.next();
    let rest: Vec<&str> = it.collect();
    let value = |i: &mut usize, flag: &str| -> Result<String, String> {
        *i += 1;
        rest.get(*i)
            .map(|s| s.to_string())
            .ok_or_else(|| format!("{flag} needs a value"))
    };
    match command {
        None | Some("help" | "--help" | "-h") => Ok(Command::Help),
        Some("validate") => {
            let (mut spec, mut format, mut require_all, mut operations, mut no_generator) =
                (None, Format::Human, None, None, false);
            let mut i = 0;
            while i < rest.len() {
                match rest[i] {
                    "--help" | "-h" => return Ok(Command::Help),
                    "--list-rules" => return Ok(Command::ListRules),
                    "--format" => {
                        format = match value(&mut i, "--format")?.as_str() {
                            "human" => Format::Human,
                            "json" => Format::Json,
                            other => {
                                return Err(format!("--format must be human or json, not {other}"));
                            }
                        }
                    }
                    f if f.starts_with("--format=") => {
                        format = match &f["--format=".len()..] {
                            "human" => Format::Human,
                            "json" => Format::Json,
                            other => {
                                return Err(format!("--format must be human or json, not {other}"));
                            }
                        }
                    }
                    "--require-all-operations" => require_all = Some(true),
                    "--no-require-all-operations" => require_all = Some(false),
                    "--operations" => {
                        operations = Some(PathBuf::from(value(&mut i, "--operations")?))
                    }
                    "--no-generator" => no_generator = true,
                    f if f.starts_with('-') => return Err(format!("unknown option {f}")),
                    s if spec.is_none() => spec = Some(PathBuf::from(s)),
                    s => return Err(format!("one spec at a time (got a second one, {s})")),
                }
                i += 1;
            }
            Ok(Command::Validate {
                spec,
                format,
                require_all,
                operations,
                no_generator,
            })
        }
        Some("codegen") => {
            let (mut spec, mut out) = (None, None);
            let mut i = 0;
            while i < rest.len() {
                match rest[i] {
                    "--help" | "-h" => return Ok(Command::Help),
                    "--out" => out = Some(PathBuf::from(value(&mut i, "--out")?)),
                    f if f.starts_with('-') => return Err(format!("unknown option {f}")),
                    s if spec.is_none() => spec = Some(PathBuf::from(s)),
                    s => return Err(format!("one spec at a time (got a second one, {s})")),
                }
                i += 1;
            }
            Ok(Command::Codegen { spec, out })
        }
        Some("bench") => {
            let mut options = bench::Options::default();
            let mut i = 0;
            while i < rest.len() {
                match rest[i] {
                    "--help" | "-h" => return Ok(Command::Help),
                    "--quick" => options.quick = true,
                    "--table-only" => options.table_only = true,
                    "--bench" => {
                        let name = value(&mut i, "--bench")?;
                        if !bench::BENCHES.contains(&name.as_str()) {
                            return Err(format!(
                                "--bench must be one of {}, not {name}",
                                bench::BENCHES.join(", ")
                            ));
                        }
                        options.benches.push(name);
                    }
                    other => return Err(format!("unknown option {other}")),
                }
                i += 1;
            }
            Ok(Command::Bench(options))
        }
        Some("build-cost") => {
            let mut options = build_cost::Options::default();
            let mut i = 0;
            while i < rest.len() {
                match rest[i] {
                    "--help" | "-h" => return Ok(Command::Help),
                    "--runs" => {
                        let n = value(&mut i, "--runs")?;
                        options.runs = n
                            .parse()
                            .ok()
                            .filter(|&n| n > 0)
                            .ok_or(format!("--runs takes a positive number, not {n}"))?;
                    }
                    "--source" => options.source = Some(PathBuf::from(value(&mut i, "--source")?)),
                    "--build" => {
                        let name = value(&mut i, "--build")?;
                        let build = build_cost::Build::from_name(&name).ok_or(format!(
                            "--build must be one of {}, not {name}",
                            build_cost::Build::ALL.map(|b| b.name()).join(", ")
                        ))?;
                        options.builds.push(build);
                    }
                    other => return Err(format!("unknown option {other}")),
                }
                i += 1;
            }
            Ok(Command::BuildCost(options))
        }
        Some(other) => Err(format!("unknown command `{other}`")),
    }
}

/// Runs a command line, writing to `out` and `err`; returns the exit status.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let command = match parse(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "error: {e}\n\n{HELP}");
            return EXIT_USAGE;
        }
    };
    match command {
        Command::Help => {
            let _ = write!(out, "{HELP}");
            EXIT_OK
        }
        Command::ListRules => {
            for rule in catalog::ALL {
                let _ = writeln!(
                    out,
                    "{:<28} [{}] {}",
                    rule.name,
                    rule.origin.label(),
                    rule.summary
                );
            }
            EXIT_OK
        }
        Command::Validate {
            spec,
            format,
            require_all,
            operations,
            no_generator,
        } => {
            let spec = spec.unwrap_or_else(validate::default_spec);
            let options = Options {
                display: validate::display_path(&spec),
                require_all_operations: require_all
                    .unwrap_or_else(|| validate::is_default_spec(&spec)),
                operations_tsv: operations.unwrap_or_else(validate::default_operations_tsv),
                run_generator: !no_generator,
                spec,
            };
            // A bug in a rule must not end in a panic trace either.
            let findings = match generator::catch_silently(|| validate::run(&options)) {
                Ok(Ok(f)) => f,
                Ok(Err(e)) => {
                    let _ = writeln!(err, "error: {e}");
                    return EXIT_USAGE;
                }
                Err(panic) => {
                    let _ = writeln!(
                        err,
                        "error: the validator itself failed on {} (a bug in xtask, please report it): {panic}",
                        options.display
                    );
                    return EXIT_USAGE;
                }
            };
            match format {
                Format::Json => {
                    let _ = writeln!(out, "{}", render_json(&findings));
                }
                Format::Human if findings.is_empty() => {
                    let _ = writeln!(
                        out,
                        "{}: ok (every rule passed{})",
                        options.display,
                        if options.require_all_operations {
                            ", every operation of operations.tsv is present"
                        } else {
                            ""
                        }
                    );
                }
                Format::Human => {
                    let _ = write!(out, "{}", render_human(&findings));
                }
            }
            if findings.is_empty() {
                EXIT_OK
            } else {
                EXIT_FINDINGS
            }
        }
        Command::Codegen {
            spec,
            out: out_file,
        } => {
            let spec_path = spec.unwrap_or_else(validate::default_spec);
            let display = validate::display_path(&spec_path);
            let out_file = out_file.unwrap_or_else(|| {
                validate::workspace_root()
                    .join("target")
                    .join("codegen")
                    .join("client.rs")
            });
            let parsed = match spec::load(&spec_path, &display) {
                Ok(Ok(spec)) => spec,
                Ok(Err(findings)) => {
                    let _ = write!(out, "{}", render_human(&findings.into_sorted()));
                    return EXIT_FINDINGS;
                }
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    return EXIT_USAGE;
                }
            };
            let generated = match generator::run(parsed.doc) {
                Ok(g) => g,
                Err(e) => {
                    let _ = writeln!(
                        err,
                        "error: {display}: the generator fails: {e}\nhint: `cargo xtask validate {display}` says what to fix"
                    );
                    return EXIT_FINDINGS;
                }
            };
            let mocks = match readable_client::write(&generated, &display, &out_file) {
                Ok(m) => m,
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    return EXIT_USAGE;
                }
            };
            let size = readable_client::size(&generated);
            let _ = writeln!(
                out,
                "wrote {} ({} lines, {} operations, {} types, {} builders) and {} ({} lines)",
                validate::display_path(&out_file),
                size.lines,
                size.operations,
                size.types,
                size.builders,
                validate::display_path(&mocks),
                generated.mocks.lines().count()
            );
            EXIT_OK
        }
        Command::Bench(options) => match bench::run(&options, out, err) {
            bench::Verdict::Met => EXIT_OK,
            bench::Verdict::Missed => EXIT_FINDINGS,
            bench::Verdict::Failed => EXIT_USAGE,
        },
        Command::BuildCost(options) => match build_cost::run(&options, out, err) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                EXIT_USAGE
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_validate_options() {
        assert_eq!(
            parse(&args(
                "validate x.yaml --format json --no-require-all-operations"
            ))
            .unwrap(),
            Command::Validate {
                spec: Some("x.yaml".into()),
                format: Format::Json,
                require_all: Some(false),
                operations: None,
                no_generator: false
            }
        );
        assert!(parse(&args("validate --format xml")).is_err());
        assert!(parse(&args("validate a.yaml b.yaml")).is_err());
        assert!(parse(&args("frobnicate")).is_err());
        assert_eq!(parse(&args("--help")).unwrap(), Command::Help);
    }

    #[test]
    fn parses_bench_options() {
        assert_eq!(
            parse(&args("bench --quick --bench calls --bench transfer")).unwrap(),
            Command::Bench(bench::Options {
                quick: true,
                table_only: false,
                benches: vec!["calls".into(), "transfer".into()],
            })
        );
        assert_eq!(
            parse(&args("bench")).unwrap(),
            Command::Bench(bench::Options::default())
        );
        assert!(parse(&args("bench --bench nope")).is_err());
        assert!(parse(&args("bench --fast")).is_err());
        assert!(HELP.contains("cargo xtask bench"));
    }

    #[test]
    fn parses_build_cost_options() {
        assert_eq!(
            parse(&args("build-cost --runs 5 --source ../old --build v2-only")).unwrap(),
            Command::BuildCost(build_cost::Options {
                runs: 5,
                source: Some("../old".into()),
                builds: vec![build_cost::Build::V2Only],
            })
        );
        assert_eq!(
            parse(&args("build-cost")).unwrap(),
            Command::BuildCost(build_cost::Options::default())
        );
        assert!(parse(&args("build-cost --runs 0")).is_err());
        assert!(parse(&args("build-cost --build v3")).is_err());
        assert!(HELP.contains("cargo xtask build-cost"));
    }

    #[test]
    fn help_documents_the_completeness_flag() {
        assert!(HELP.contains("--require-all-operations"));
        assert!(HELP.contains("ON BY DEFAULT when SPEC is openapi/osm.yaml"));
    }
}
