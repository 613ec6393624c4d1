//! Start-up of `osm` to its first request: `osm --endpoint http://127.0.0.1:PORT list-regions-v1`
//! is spawned and timed until the loopback server here reads the first byte of its request
//! (process start, the command line of 113 subcommands parsed, runtime, client with its TLS
//! configuration, signing), then answered and awaited. Beside it, in the same process, the floor
//! any command pays: spawning `true` and waiting for it to exit.
//!
//! * `startup/osm_first_request`: target < 20 ms (BENCHMARKS.md).
//! * `startup/mcp_initialize`: `osm --endpoint … mcp` spawned and timed until its answer to the
//!   protocol's `initialize` request is read (the tools made from the spec first); target < 100 ms.
//! * `startup/process_floor`: the baseline.
//!
//! `cargo bench -p huaweicloud-osm-cli --bench startup`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

const ANSWER: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 17\r\n\
connection: close\r\n\r\n{\"regionList\":[]}";

/// `osm --endpoint URL COMMAND` with keys in an otherwise empty environment.
fn osm(url: &str, command: &str) -> Command {
    let mut osm = Command::new(env!("CARGO_BIN_EXE_osm"));
    osm.env_clear()
        .env("HOME", "/nonexistent")
        .env("HUAWEICLOUD_SDK_AK", "BENCHAK")
        .env("HUAWEICLOUD_SDK_SK", "bench-secret")
        .env("HUAWEICLOUD_SDK_DOMAIN_ID", "bench-domain")
        .args(["--endpoint", url, command]);
    osm
}

/// One run of `osm`: the time from spawn to its first request byte.
fn first_request(listener: &TcpListener, url: &str) -> Duration {
    let start = Instant::now();
    let mut child = osm(url, "list-regions-v1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("osm starts");
    let (mut stream, _) = listener.accept().expect("osm connects");
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let n = stream.read(&mut buf).expect("osm sends");
    let elapsed = start.elapsed();
    request.extend_from_slice(&buf[..n]);
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).expect("request headers");
        assert!(n > 0, "osm closed the connection mid-request");
        request.extend_from_slice(&buf[..n]);
    }
    stream.write_all(ANSWER).expect("answer");
    drop(stream);
    assert!(child.wait().expect("osm exits").success(), "osm failed");
    elapsed
}

/// One `osm mcp` session: the time from spawn to its answer to `initialize`.
fn mcp_initialize(url: &str) -> Duration {
    const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#;
    let start = Instant::now();
    let mut child = osm(url, "mcp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("osm starts");
    let mut stdin = child.stdin.take().expect("piped");
    writeln!(stdin, "{INITIALIZE}").expect("request");
    let mut answer = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut answer)
        .expect("answer");
    let elapsed = start.elapsed();
    assert!(
        answer.contains(r#""serverInfo""#),
        "not an initialize answer: {answer}"
    );
    drop(stdin);
    assert!(child.wait().expect("osm exits").success(), "osm mcp failed");
    elapsed
}

fn floor() -> Duration {
    let start = Instant::now();
    let status = Command::new("true").status().expect("`true` runs");
    assert!(status.success());
    start.elapsed()
}

fn startup(c: &mut Criterion) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let mut group = c.benchmark_group("startup");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("osm_first_request", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| first_request(&listener, &url)).sum())
    });
    group.bench_function("mcp_initialize", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| mcp_initialize(&url)).sum())
    });
    group.bench_function("process_floor", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| floor()).sum())
    });
    group.finish();
}

criterion_group!(benches, startup);
criterion_main!(benches);
