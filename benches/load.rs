//! The sandbox under load (BENCHMARKS.md, "Load"): 200 SDK clients, each on a task of its own,
//! make 50 calls each at once against one in-process sandbox (every fifth call creates a ticket,
//! the others read). It fails when a call fails or anything is lost, and prints the latencies,
//! the throughput and the process's peak resident memory (`VmHWM`, clients and sandbox together).
//!
//! ```text
//! cargo bench -p huaweicloud-osm-benches --bench load                  # 200 × 50
//! OSM_LOAD=400x50 cargo bench -p huaweicloud-osm-benches --bench load  # other sizes
//! ```

#[path = "../tests/integration/common/load.rs"]
mod load;
#[path = "../tests/integration/common/sandbox.rs"]
mod sandbox;

use osm_sandbox::Sandbox;

/// A `/proc/self/status` figure, in KiB (Linux).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let (clients, calls) = std::env::var("OSM_LOAD")
        .ok()
        .and_then(|v| {
            let (c, n) = v.split_once('x')?;
            Some((c.parse().ok()?, n.parse().ok()?))
        })
        .unwrap_or((200, 50));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let sandbox = Sandbox::start().await.expect("the sandbox starts");
        let idle = status_kib("VmRSS:");
        let run = load::run(&sandbox, clients, calls, sandbox::sandbox_client)
            .await
            .unwrap_or_else(|e| panic!("a call failed under load: {e}"));
        let peak = status_kib("VmHWM:");
        load::check_nothing_lost(&sandbox, &sandbox::sandbox_client(&sandbox), &run, 0)
            .await
            .unwrap_or_else(|e| panic!("something was lost: {e}"));
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        println!(
            "load {clients} clients x {calls} calls: {} calls, {} tickets, none lost",
            run.calls,
            run.created.len()
        );
        println!(
            "latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {:.0} calls/s over {:.2} s",
            ms(run.quantile(0.50)),
            ms(run.quantile(0.99)),
            ms(run.quantile(1.0)),
            run.calls as f64 / run.elapsed.as_secs_f64(),
            run.elapsed.as_secs_f64()
        );
        let mib = |kib: Option<u64>| {
            kib.map_or("?".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
        };
        println!("resident memory: {} idle, {} peak", mib(idle), mib(peak));
    });
}
