//! `cargo xtask bench`: runs the SDK's criterion benchmarks (`benches/`) and prints one table of
//! SDK-versus-baseline ratios with the targets of BENCHMARKS.md (a first build's cost is
//! `cargo xtask build-cost`, [`crate::build_cost`]).
//!
//! Every benchmark pairs the SDK with a baseline measured in the same process (raw `reqwest`
//! against the same loopback server, or the bare hashes of a signature). Results go to
//! `<target>/osm-bench/` (criterion's estimates under `criterion/`, the heap peaks the transfer
//! benchmark counts in `heap.json`, the table in `report.md`); the directory is emptied first, so a
//! table never mixes runs.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The benchmark targets of the benchmarks' package ([`BENCH_PACKAGE`]), in the order they run.
pub const BENCHES: [&str; 3] = ["signing", "calls", "transfer"];

/// The package of `benches/`.
pub const BENCH_PACKAGE: &str = "huaweicloud-osm-benches";

/// 2 MiB: the most the heap may grow during one transfer, whatever its size.
pub const HEAP_LIMIT_BYTES: i64 = 2 * 1024 * 1024;

/// What a row is held to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// The SDK's time per iteration must stay under this many nanoseconds.
    MaxNanos(f64),
    /// SDK time / baseline time must not exceed this.
    MaxRatio(f64),
    /// SDK throughput / baseline throughput must be at least this (time ratio at most 1/x).
    MinThroughputRatio(f64),
    /// Shown for information.
    None,
}

impl Target {
    /// Whether `sdk_ns` (and the time ratio) meets the target; `None` for information rows.
    pub fn check(self, sdk_ns: f64, ratio: f64) -> Option<bool> {
        match self {
            Target::MaxNanos(max) => Some(sdk_ns < max),
            Target::MaxRatio(max) => Some(ratio <= max),
            Target::MinThroughputRatio(min) => Some(1.0 / ratio >= min),
            Target::None => None,
        }
    }

    fn describe(self) -> String {
        match self {
            Target::MaxNanos(max) => format!("< {}", format_time(max)),
            Target::MaxRatio(max) => format!("≤ {max:.2}×"),
            Target::MinThroughputRatio(min) => {
                format!("throughput ≥ {min:.2}× (≤ {:.2}×)", 1.0 / min)
            }
            Target::None => "(info)".into(),
        }
    }
}

/// One row of the table: a criterion group, the SDK's and the baseline's benchmark ids in it.
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    /// What the row measures.
    pub label: &'static str,
    /// The criterion group.
    pub group: &'static str,
    /// The SDK's function id.
    pub sdk: &'static str,
    /// The baseline's function id.
    pub baseline: &'static str,
    /// Bytes moved per iteration, for the throughput column (0: none).
    pub bytes: u64,
    /// The target.
    pub target: Target,
}

/// The rows, in table order.
pub const COMPARISONS: [Comparison; 10] = [
    Comparison {
        label: "sign a POST (JSON body, 5 headers, 2 query params)",
        group: "signing",
        sdk: "sign_request",
        baseline: "crypto_floor",
        bytes: 0,
        target: Target::MaxNanos(2_000.0),
    },
    Comparison {
        label: "  of which canonical request + HMAC (Signer::sign)",
        group: "signing",
        sdk: "sign_canonical",
        baseline: "crypto_floor",
        bytes: 0,
        target: Target::None,
    },
    Comparison {
        label: "ListCases, 100 tickets",
        group: "list_cases_100",
        sdk: "sdk",
        baseline: "raw_reqwest",
        bytes: 0,
        target: Target::MaxRatio(1.10),
    },
    Comparison {
        label: "  SDK vs raw decoding into the same generated type",
        group: "list_cases_100",
        sdk: "sdk",
        baseline: "raw_reqwest_typed",
        bytes: 0,
        target: Target::None,
    },
    Comparison {
        label: "ShowCaseDetail, 50 messages",
        group: "show_case_detail_50",
        sdk: "sdk",
        baseline: "raw_reqwest",
        bytes: 0,
        target: Target::MaxRatio(1.10),
    },
    Comparison {
        label: "  SDK vs raw decoding into the same generated type",
        group: "show_case_detail_50",
        sdk: "sdk",
        baseline: "raw_reqwest_typed",
        bytes: 0,
        target: Target::None,
    },
    Comparison {
        label: "100 concurrent ShowCaseDetail, one client",
        group: "concurrent_100",
        sdk: "sdk",
        baseline: "raw_reqwest",
        bytes: 0,
        target: Target::MaxRatio(1.10),
    },
    Comparison {
        label: "download 64 MiB to a file",
        group: "download_64mib",
        sdk: "sdk",
        baseline: "raw_reqwest",
        bytes: 64 << 20,
        target: Target::MinThroughputRatio(0.9),
    },
    Comparison {
        label: "upload 64 MiB from a file (multipart)",
        group: "upload_64mib",
        sdk: "sdk",
        baseline: "raw_reqwest",
        bytes: 64 << 20,
        target: Target::MinThroughputRatio(0.9),
    },
    Comparison {
        label: "  raw reqwest reading the file in 64 KiB chunks",
        group: "upload_64mib",
        sdk: "sdk",
        baseline: "raw_reqwest_64k",
        bytes: 64 << 20,
        target: Target::None,
    },
];

/// `cargo xtask bench` options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Pass `--quick` to criterion (fewer samples: a rough table in a few minutes).
    pub quick: bool,
    /// Print the table of the last run without running anything.
    pub table_only: bool,
    /// Run only these benchmark targets (default: all of [`BENCHES`]).
    pub benches: Vec<String>,
}

/// The target directory cargo uses: `$CARGO_TARGET_DIR`, else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                crate::validate::workspace_root().join(dir)
            }
        }
        _ => crate::validate::workspace_root().join("target"),
    }
}

/// Where a run's results go.
pub fn results_dir() -> PathBuf {
    target_dir().join("osm-bench")
}

/// The median time per iteration (ns) criterion estimated for `group/function` under `criterion`.
pub fn median_ns(criterion: &Path, group: &str, function: &str) -> Result<f64, String> {
    let path = criterion
        .join(group)
        .join(function)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_median(&text).ok_or_else(|| format!("{}: no median estimate", path.display()))
}

/// `median.point_estimate` of a criterion `estimates.json`.
pub fn parse_median(estimates: &str) -> Option<f64> {
    serde_json::from_str::<Value>(estimates)
        .ok()?
        .pointer("/median/point_estimate")?
        .as_f64()
}

/// A duration in ns, in the unit that reads best.
pub fn format_time(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1_000_000_000.0 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// Bytes, in KiB or MiB.
pub fn format_bytes(bytes: i64) -> String {
    let b = bytes as f64;
    if bytes.abs() < 1024 * 1024 {
        format!("{:.0} KiB", b / 1024.0)
    } else {
        format!("{:.2} MiB", b / (1024.0 * 1024.0))
    }
}

/// One measured row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What it measures.
    pub label: String,
    /// The SDK's figure.
    pub sdk: String,
    /// The baseline's figure.
    pub baseline: String,
    /// SDK / baseline.
    pub ratio: String,
    /// The target, in words.
    pub target: String,
    /// `Some(true)` pass, `Some(false)` fail, `None` information or missing.
    pub pass: Option<bool>,
}

impl Row {
    fn verdict(&self) -> &'static str {
        match self.pass {
            Some(true) => "pass",
            Some(false) => "**FAIL**",
            None if self.sdk == "—" => "not run",
            None => "",
        }
    }
}

/// The rows of the timing comparisons, from criterion's estimates under `criterion`.
pub fn timing_rows(criterion: &Path) -> Vec<Row> {
    COMPARISONS
        .iter()
        .map(|c| {
            let sdk = median_ns(criterion, c.group, c.sdk);
            let base = median_ns(criterion, c.group, c.baseline);
            match (sdk, base) {
                (Ok(sdk), Ok(base)) => {
                    let ratio = sdk / base;
                    let figure = |ns: f64| {
                        if c.bytes > 0 {
                            let mib_s = c.bytes as f64 / (1024.0 * 1024.0) / (ns / 1e9);
                            format!("{} ({mib_s:.0} MiB/s)", format_time(ns))
                        } else {
                            format_time(ns)
                        }
                    };
                    Row {
                        label: c.label.into(),
                        sdk: figure(sdk),
                        baseline: format!("{} ({})", figure(base), c.baseline),
                        ratio: format!("{ratio:.3}×"),
                        target: c.target.describe(),
                        pass: c.target.check(sdk, ratio),
                    }
                }
                _ => Row {
                    label: c.label.into(),
                    sdk: "—".into(),
                    baseline: "—".into(),
                    ratio: "—".into(),
                    target: c.target.describe(),
                    pass: None,
                },
            }
        })
        .collect()
}

/// The heap rows, from the transfer benchmark's `heap.json`: the SDK's peak growth during one
/// transfer of each size, beside raw reqwest's.
pub fn heap_rows(heap_json: &str) -> Vec<Row> {
    let Ok(Value::Array(records)) = serde_json::from_str::<Value>(heap_json) else {
        return Vec::new();
    };
    let find = |transfer: &str, bytes: u64, client: &str| {
        records
            .iter()
            .find(|r| r["transfer"] == transfer && r["bytes"] == bytes && r["client"] == client)
            .and_then(|r| r["peak_growth_bytes"].as_i64())
    };
    let mut keys: Vec<(String, u64)> = records
        .iter()
        .filter_map(|r| Some((r["transfer"].as_str()?.to_string(), r["bytes"].as_u64()?)))
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|(transfer, bytes)| {
            let sdk = find(&transfer, bytes, "sdk")?;
            let raw = find(&transfer, bytes, "raw_reqwest");
            Some(Row {
                label: format!("{transfer} {} MiB: peak heap growth", bytes >> 20),
                sdk: format_bytes(sdk),
                baseline: raw.map_or("—".into(), |r| {
                    format!("{} (raw_reqwest)", format_bytes(r))
                }),
                ratio: raw
                    .filter(|r| *r > 0)
                    .map_or("—".into(), |r| format!("{:.2}×", sdk as f64 / r as f64)),
                target: format!("< {}", format_bytes(HEAP_LIMIT_BYTES)),
                pass: Some(sdk < HEAP_LIMIT_BYTES),
            })
        })
        .collect()
}

/// The rows as a Markdown table.
pub fn render_table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| benchmark | SDK (median) | baseline (median) | ratio SDK/baseline | target | result |\n\
         |---|---|---|---|---|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            r.label,
            r.sdk,
            r.baseline,
            r.ratio,
            r.target,
            r.verdict()
        );
    }
    out
}

/// The machine and time of a run, for BENCHMARKS.md.
pub fn machine_summary() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            let kb: u64 = m.lines().next()?.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.0} GiB", kb as f64 / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "? GiB".into());
    let rustc = command_line("rustc", &["-V"]).unwrap_or_else(|| "rustc ?".into());
    let date = command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    format!("{date}; {cpu}, {cores} cores, {memory}; {rustc}")
}

/// The 1-, 5- and 15-minute load averages (Linux), as `1.23 0.98 0.50`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(crate::validate::workspace_root());
    command
}

/// Runs `cargo bench --bench NAME` for each benchmark, results under `dir`.
fn run_benches(options: &Options, dir: &Path, err: &mut dyn Write) -> Result<(), String> {
    let benches: Vec<&str> = if options.benches.is_empty() {
        BENCHES.to_vec()
    } else {
        options.benches.iter().map(String::as_str).collect()
    };
    for bench in benches {
        let _ = writeln!(err, "== cargo bench --bench {bench}");
        let mut command = cargo();
        command
            .args(["bench", "--package", BENCH_PACKAGE, "--bench", bench, "--"])
            .arg("--noplot")
            .env("CRITERION_HOME", dir.join("criterion"))
            .env("OSM_BENCH_DIR", dir);
        if options.quick {
            command.arg("--quick");
        }
        let status = command
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("`cargo bench --bench {bench}` failed ({status})"));
        }
    }
    Ok(())
}

/// What a run of the benchmarks found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every target met.
    Met,
    /// A target missed or, unless `--bench` chose a subset, a result missing.
    Missed,
    /// A benchmark or the build failed.
    Failed,
}

/// Runs `cargo xtask bench` and says what it found.
pub fn run(options: &Options, out: &mut dyn Write, err: &mut dyn Write) -> Verdict {
    let dir = results_dir();
    let mut load = String::new();
    if !options.table_only {
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            let _ = writeln!(err, "error: cannot create {}: {e}", dir.display());
            return Verdict::Failed;
        }
        let before = load_average();
        if let Err(e) = run_benches(options, &dir, err) {
            let _ = writeln!(err, "error: {e}");
            return Verdict::Failed;
        }
        load = format!("load average before {before}, after {}", load_average());
    }
    let mut rows = timing_rows(&dir.join("criterion"));
    rows.extend(heap_rows(
        &std::fs::read_to_string(dir.join("heap.json")).unwrap_or_default(),
    ));
    let mut report = format!("{}\n", machine_summary());
    if !load.is_empty() {
        let _ = writeln!(report, "{load}");
    }
    report.push('\n');
    report.push_str(&render_table(&rows));
    let _ = write!(out, "{report}");
    let _ = std::fs::write(dir.join("report.md"), &report);
    let missed = rows.iter().any(|r| r.pass == Some(false));
    // Rows of benchmarks left out on purpose (`--bench`) are shown as "not run", not failures.
    let missing = options.benches.is_empty() && rows.iter().any(|r| r.sdk == "—");
    if missed || missing {
        Verdict::Missed
    } else {
        Verdict::Met
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_check_time_ratio_and_throughput() {
        assert_eq!(Target::MaxNanos(2000.0).check(1999.0, 9.0), Some(true));
        assert_eq!(Target::MaxNanos(2000.0).check(2000.0, 1.0), Some(false));
        assert_eq!(Target::MaxRatio(1.10).check(0.0, 1.10), Some(true));
        assert_eq!(Target::MaxRatio(1.10).check(0.0, 1.11), Some(false));
        // Throughput 0.9x of raw is a time ratio of 1/0.9.
        assert_eq!(Target::MinThroughputRatio(0.9).check(0.0, 1.1), Some(true));
        assert_eq!(
            Target::MinThroughputRatio(0.9).check(0.0, 1.12),
            Some(false)
        );
        assert_eq!(Target::None.check(1.0, 100.0), None);
    }

    #[test]
    fn reads_criterion_medians() {
        let json = r#"{"mean":{"point_estimate":12.5},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":10.25,"standard_error":0.1},"slope":null}"#;
        assert_eq!(parse_median(json), Some(10.25));
        assert_eq!(parse_median("{}"), None);
        assert_eq!(parse_median("not json"), None);
    }

    #[test]
    fn timing_rows_compare_sdk_and_baseline() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-test-{}", std::process::id()));
        let write = |group: &str, function: &str, ns: f64| {
            let d = dir.join(group).join(function).join("new");
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(
                d.join("estimates.json"),
                format!(r#"{{"median":{{"point_estimate":{ns}}}}}"#),
            )
            .unwrap();
        };
        write("list_cases_100", "sdk", 105_000.0);
        write("list_cases_100", "raw_reqwest", 100_000.0);
        write("download_64mib", "sdk", 1e9);
        write("download_64mib", "raw_reqwest", 0.8e9);
        let rows = timing_rows(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        let list = rows
            .iter()
            .find(|r| r.label.starts_with("ListCases"))
            .unwrap();
        assert_eq!(list.ratio, "1.050×");
        assert_eq!(list.pass, Some(true));
        assert_eq!(list.sdk, "105.00 µs");
        let download = rows
            .iter()
            .find(|r| r.label.starts_with("download"))
            .unwrap();
        assert_eq!(download.pass, Some(false), "throughput 0.8x of raw");
        assert_eq!(download.sdk, "1.00 s (64 MiB/s)");
        let signing = &rows[0];
        assert_eq!((signing.pass, signing.sdk.as_str()), (None, "—"));
        let table = render_table(&rows);
        assert!(
            table.contains("| ListCases, 100 tickets | 105.00 µs |"),
            "{table}"
        );
        assert!(table.contains("**FAIL**") && table.contains("not run"));
    }

    #[test]
    fn heap_rows_hold_the_sdk_to_two_mib() {
        let json = r#"[
            {"transfer":"download","bytes":67108864,"client":"sdk","peak_growth_bytes":1048576,"retained_bytes":0},
            {"transfer":"download","bytes":67108864,"client":"raw_reqwest","peak_growth_bytes":524288,"retained_bytes":0},
            {"transfer":"upload","bytes":67108864,"client":"sdk","peak_growth_bytes":3145728,"retained_bytes":0}
        ]"#;
        let rows = heap_rows(json);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].label, "download 64 MiB: peak heap growth");
        assert_eq!(rows[0].sdk, "1.00 MiB");
        assert_eq!(rows[0].ratio, "2.00×");
        assert_eq!(rows[0].pass, Some(true));
        assert_eq!(rows[1].pass, Some(false));
        assert_eq!(rows[1].baseline, "—");
        assert!(heap_rows("").is_empty());
    }

    #[test]
    fn formats_times_and_sizes() {
        assert_eq!(format_time(950.0), "950 ns");
        assert_eq!(format_time(1_500.0), "1.50 µs");
        assert_eq!(format_time(2_500_000.0), "2.50 ms");
        assert_eq!(format_time(3e9), "3.00 s");
        assert_eq!(format_bytes(512 * 1024), "512 KiB");
        assert_eq!(format_bytes(3 << 20), "3.00 MiB");
    }
}
