//! `cargo xtask build-cost`: what a user's first build costs (BENCHMARKS.md, "Build cost").
//!
//! Three builds, each from an empty target directory (crates already downloaded, `--offline`), each
//! run several times: a minimal consumer (`huaweicloud-osm` + `tokio`, one call), the same consumer
//! with the `v2` area only, and the README's first command, `cargo run --example quickstart`. Every
//! build runs with `--timings`; the report reads cargo's unit table from its HTML page: the sum of
//! the units' times (the CPU the build needed), and when the library crate started and how long it
//! took. The builds take turns (one of each per round), so that a machine whose speed drifts
//! weighs on all of them alike. `--source DIR` measures another checkout of the repository (an
//! older commit, for a before/after table) with the same consumers.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The builds this command knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// `huaweicloud-osm` with its default features and `tokio`, one call.
    Minimal,
    /// The same program with `default-features = false, features = ["v2"]`.
    V2Only,
    /// `cargo run --example quickstart` in the repository.
    Quickstart,
}

impl Build {
    /// Every build, in the report's order.
    pub const ALL: [Build; 3] = [Build::Minimal, Build::V2Only, Build::Quickstart];

    /// The name `--build` takes.
    pub fn name(self) -> &'static str {
        match self {
            Build::Minimal => "minimal",
            Build::V2Only => "v2-only",
            Build::Quickstart => "quickstart",
        }
    }

    /// The build by its `--build` name.
    pub fn from_name(name: &str) -> Option<Build> {
        Build::ALL.into_iter().find(|b| b.name() == name)
    }

    fn label(self) -> &'static str {
        match self {
            Build::Minimal => "a minimal consumer (`huaweicloud-osm` + `tokio`, one call)",
            Build::V2Only => {
                "the v2-only consumer (`default-features = false, features = [\"v2\"]`)"
            }
            Build::Quickstart => "`cargo run --example quickstart` (the README's first command)",
        }
    }
}

/// What `cargo xtask build-cost` measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Runs of each build (the report gives their medians).
    pub runs: usize,
    /// The checkout to measure (default: this workspace).
    pub source: Option<PathBuf>,
    /// The builds to measure (default: all of them).
    pub builds: Vec<Build>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runs: 3,
            source: None,
            builds: Vec::new(),
        }
    }
}

/// One build from an empty target directory, read from its `--timings` page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// Wall time of the cargo command, seconds.
    pub wall: f64,
    /// Sum of every unit's time, seconds: the CPU the build needed.
    pub cpu: f64,
    /// When the library crate `huaweicloud-osm` started, seconds from the build's start.
    pub lib_start: f64,
    /// How long the library crate took, seconds.
    pub lib_time: f64,
}

/// The timings of the units in cargo's `--timings` HTML page: the sum of their times, and the
/// start and duration of the library unit of package `lib` (its build script and tests are other
/// units).
pub fn read_timings(html: &str, lib: &str) -> Result<(f64, Option<(f64, f64)>), String> {
    const START: &str = "const UNIT_DATA = ";
    let at = html.find(START).ok_or("no UNIT_DATA in the timings page")? + START.len();
    let end = html[at..]
        .find("];")
        .ok_or("UNIT_DATA is not closed in the timings page")?
        + at
        + 1;
    let units: Vec<serde_json::Value> = serde_json::from_str(&html[at..end])
        .map_err(|e| format!("UNIT_DATA in the timings page: {e}"))?;
    let mut cpu = 0.0;
    let mut library = None;
    for unit in &units {
        let number = |key: &str| unit.get(key).and_then(serde_json::Value::as_f64);
        let (Some(start), Some(duration)) = (number("start"), number("duration")) else {
            return Err(format!("a unit without start or duration: {unit}"));
        };
        cpu += duration;
        let text = |key: &str| unit.get(key).and_then(serde_json::Value::as_str);
        if text("name") == Some(lib)
            && text("target").is_some_and(|t| t.trim().is_empty())
            && text("mode") != Some("run-custom-build")
        {
            library = Some((start, duration));
        }
    }
    Ok((cpu, library))
}

/// The consumer's `Cargo.toml`: the SDK from `source`, tokio, a workspace of its own.
fn consumer_manifest(source: &Path, v2_only: bool) -> String {
    let features = if v2_only {
        r#", default-features = false, features = ["v2"]"#
    } else {
        ""
    };
    format!(
        "[package]\nname = \"first-build\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nhuaweicloud-osm = {{ path = {:?}{features} }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n[workspace]\n",
        source.display().to_string()
    )
}

/// The consumer's program: one call (built, not run).
const CONSUMER_MAIN: &str = r#"//! The smallest useful program: a client and one call.
use huaweicloud_osm::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .build()?;
    let status = client.show_case_status().case_id("CS1").send().await?;
    println!("{:?}", status.into_inner());
    Ok(())
}
"#;

/// Whether the checkout at `source` has the API-area feature `v2` (older ones do not).
fn has_v2_feature(source: &Path) -> bool {
    std::fs::read_to_string(source.join("Cargo.toml"))
        .is_ok_and(|m| m.lines().any(|l| l.trim_start().starts_with("v2 = ")))
}

/// Writes the consumer under `dir` and returns its directory.
fn write_consumer(dir: &Path, source: &Path, v2_only: bool) -> Result<PathBuf, String> {
    let name = if v2_only { "consumer-v2" } else { "consumer" };
    let root = dir.join(name);
    let io = |e: std::io::Error| format!("cannot write the consumer in {}: {e}", root.display());
    std::fs::create_dir_all(root.join("src")).map_err(io)?;
    std::fs::write(root.join("Cargo.toml"), consumer_manifest(source, v2_only)).map_err(io)?;
    std::fs::write(root.join("src/main.rs"), CONSUMER_MAIN).map_err(io)?;
    // The versions the repository is tested with (cargo drops what the consumer does not use).
    std::fs::copy(source.join("Cargo.lock"), root.join("Cargo.lock")).map_err(io)?;
    Ok(root)
}

/// One build from an empty target directory.
fn measure(
    build: Build,
    source: &Path,
    dir: &Path,
    err: &mut dyn Write,
) -> Result<Measured, String> {
    let target = dir.join("target");
    let _ = std::fs::remove_dir_all(&target);
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    match build {
        Build::Quickstart => {
            command.current_dir(source).args([
                "run",
                "--offline",
                "--timings",
                "--example",
                "quickstart",
            ]);
        }
        Build::Minimal | Build::V2Only => {
            let consumer = write_consumer(dir, source, build == Build::V2Only)?;
            command
                .current_dir(consumer)
                .args(["build", "--offline", "--timings"]);
        }
    }
    // The quickstart runs against its built-in sandbox only when the environment names no
    // credentials: nothing here may reach a real endpoint.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("HUAWEICLOUD_") || name.starts_with("HC_") || name == "OSM_ENDPOINT" {
            command.env_remove(&*name);
        }
    }
    command
        .env("CARGO_TARGET_DIR", &target)
        .stdout(Stdio::null());
    let started = Instant::now();
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let wall = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("the {} build failed ({status})", build.name()));
    }
    let page = target.join("cargo-timings/cargo-timing.html");
    let html = std::fs::read_to_string(&page)
        .map_err(|e| format!("cannot read {}: {e}", page.display()))?;
    let (cpu, library) = read_timings(&html, "huaweicloud-osm")?;
    let (lib_start, lib_time) =
        library.ok_or("the timings page has no unit for the huaweicloud-osm library")?;
    let _ = std::fs::remove_dir_all(&target);
    let _ = writeln!(
        err,
        "{}: {wall:.1} s wall, {cpu:.1} s of units, the library {lib_time:.1} s from {lib_start:.1} s",
        build.name()
    );
    Ok(Measured {
        wall,
        cpu,
        lib_start,
        lib_time,
    })
}

/// The median of some numbers (the mean of the middle two for an even count).
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// The Markdown rows of the report: each build's medians and every run's wall time.
pub fn render(results: &[(Build, Vec<Measured>)]) -> String {
    let mut out = String::from(
        "| build | wall | CPU (sum of units) | the library crate | each run's wall |\n|---|---|---|---|---|\n",
    );
    for (build, runs) in results {
        let m = |f: fn(&Measured) -> f64| median(runs.iter().map(f).collect());
        let (start, time) = (m(|r| r.lib_start), m(|r| r.lib_time));
        let walls: Vec<String> = runs.iter().map(|r| format!("{:.1}", r.wall)).collect();
        let _ = writeln!(
            out,
            "| {} | {:.1} s | {:.1} s | {time:.1} s, from {start:.1} s to {:.1} s | {} |",
            build.label(),
            m(|r| r.wall),
            m(|r| r.cpu),
            start + time,
            walls.join(", ")
        );
    }
    out
}

/// Runs `cargo xtask build-cost`: the report on `out`, progress on `err`.
pub fn run(options: &Options, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), String> {
    let source = match &options.source {
        Some(dir) => {
            std::fs::canonicalize(dir).map_err(|e| format!("--source {}: {e}", dir.display()))?
        }
        None => crate::validate::workspace_root(),
    };
    let dir = crate::bench::results_dir().with_file_name("osm-build-cost");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let builds = if options.builds.is_empty() {
        Build::ALL.to_vec()
    } else {
        options.builds.clone()
    };
    let builds: Vec<Build> = builds
        .into_iter()
        .filter(|&build| {
            let skip = build == Build::V2Only && !has_v2_feature(&source);
            if skip {
                let _ = writeln!(err, "v2-only: {} has no feature v2", source.display());
            }
            !skip
        })
        .collect();
    let load_before = crate::bench::load_average();
    let mut results: Vec<(Build, Vec<Measured>)> =
        builds.iter().map(|&b| (b, Vec::new())).collect();
    // Round by round, every build once per round: a machine that slows down or speeds up during the
    // measurement weighs on every build alike.
    for _ in 0..options.runs.max(1) {
        for (build, runs) in &mut results {
            runs.push(measure(*build, &source, &dir, err)?);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(&source)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let _ = writeln!(
        out,
        "{}\ncommit {commit}, medians of {} runs, each from an empty target directory (`--offline`, \
         crates downloaded); load average before {load_before}, after {}\n",
        crate::bench::machine_summary(),
        options.runs.max(1),
        crate::bench::load_average()
    );
    let _ = write!(out, "{}", render(&results));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unit table as cargo 1.95 writes it (two units cut to the fields read, plus the build
    /// script's units, which are not the library).
    const PAGE: &str = r#"<script>
const UNIT_DATA = [
  {"i": 0, "name": "memchr", "version": "2.8.3", "mode": "todo", "target": "", "start": 0.06, "duration": 0.4, "sections": null},
  {"i": 1, "name": "huaweicloud-osm", "version": "0.1.0", "mode": "todo", "target": " build-script-build", "start": 0.5, "duration": 1.5},
  {"i": 2, "name": "huaweicloud-osm", "version": "0.1.0", "mode": "run-custom-build", "target": "", "start": 2.0, "duration": 3.0},
  {"i": 3, "name": "huaweicloud-osm", "version": "0.1.0", "mode": "todo", "target": "", "start": 5.0, "duration": 20.25, "unblocked_units": [4]},
  {"i": 4, "name": "first-build", "version": "0.0.0", "mode": "todo", "target": " first-build \"bin\"", "start": 25.5, "duration": 1.0}
];
const CONCURRENCY_DATA = [];
</script>"#;

    #[test]
    fn the_timings_page_gives_the_units_sum_and_the_library() {
        let (cpu, library) = read_timings(PAGE, "huaweicloud-osm").unwrap();
        assert!((cpu - 26.15).abs() < 1e-9, "{cpu}");
        assert_eq!(library, Some((5.0, 20.25)));
        assert_eq!(read_timings(PAGE, "absent").unwrap().1, None);
        assert!(read_timings("<html></html>", "x").is_err());
        assert!(read_timings("const UNIT_DATA = [{\"name\": 1}];", "x").is_err());
    }

    #[test]
    fn medians_and_the_report() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        let run = |wall| Measured {
            wall,
            cpu: 100.0,
            lib_start: 30.0,
            lib_time: 12.5,
        };
        let table = render(&[(Build::Minimal, vec![run(52.0), run(50.0), run(61.0)])]);
        assert!(
            table.contains(
                "| 52.0 s | 100.0 s | 12.5 s, from 30.0 s to 42.5 s | 52.0, 50.0, 61.0 |"
            ),
            "{table}"
        );
    }

    #[test]
    fn the_consumer_asks_for_what_its_build_is() {
        let all = consumer_manifest(Path::new("/src/osm"), false);
        assert!(
            all.contains("huaweicloud-osm = { path = \"/src/osm\" }"),
            "{all}"
        );
        let v2 = consumer_manifest(Path::new("/src/osm"), true);
        assert!(
            v2.contains(r#"huaweicloud-osm = { path = "/src/osm", default-features = false, features = ["v2"] }"#),
            "{v2}"
        );
        assert!(v2.contains("\n[workspace]\n"));
        assert_eq!(Build::from_name("v2-only"), Some(Build::V2Only));
        assert_eq!(Build::from_name("v3"), None);
    }
}
