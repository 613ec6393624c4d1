//! A 64 MiB attachment, both ways, beside raw `reqwest` streaming, with the heap growth of each.
//!
//! * `download_64mib/sdk`: `download_accessories().accessory_id("x").send()` then `save_to(file)`.
//! * `download_64mib/raw_reqwest`: `bytes_stream()` written chunk by chunk to a `tokio::fs::File`.
//! * `upload_64mib/sdk`: `upload_accessory(Attachment::from_path(file), AccessoryFrom::Incident)`.
//! * `upload_64mib/raw_reqwest`: a multipart form whose file part streams the same file
//!   (`Part::stream_with_length(Body::from(tokio::fs::File), len)`, reqwest's own file body), plus
//!   the same `form_data` part, answer decoded into `serde_json::Value`.
//! * `upload_64mib/raw_reqwest_64k` (for information): the same with the file read in 64 KiB
//!   chunks (`ReaderStream::with_capacity`) instead of the 4 KiB of `ReaderStream::new`, which
//!   both reqwest's `Body::from(File)` and the SDK use.
//!
//! Targets: SDK throughput at least 0.9x of raw; the SDK's peak heap growth during one transfer
//! under 2 MiB whatever the size. The peaks are measured outside criterion's timing, for 8 MiB and
//! 64 MiB (to show they do not grow with the size), and written to `heap.json` in
//! [`support::results_dir`] for `cargo xtask bench`.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use futures::StreamExt;
use huaweicloud_osm::attachments::{AccessoryFrom, Attachment, Download};
use serde_json::Value;
use support::*;
use tokio::io::AsyncWriteExt;

/// Counts the bytes held on the heap, now and at the peak, leaving out threads that opted out
/// (the loopback server's), so the numbers are the client side's alone.
struct CountingAllocator;

static CURRENT: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    /// Set on the server thread: its allocations are not the client's.
    static UNCOUNTED: Cell<bool> = const { Cell::new(false) };
}

fn counted() -> bool {
    // `try_with`: during thread teardown the flag may be gone; count then.
    !UNCOUNTED.try_with(Cell::get).unwrap_or(false)
}

fn grew(size: usize) {
    if counted() {
        let now = CURRENT.fetch_add(size as isize, Ordering::Relaxed) + size as isize;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

fn shrank(size: usize) {
    if counted() {
        CURRENT.fetch_sub(size as isize, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so `System`'s
// guarantees are ours; the bookkeeping only touches atomics and a const-initialised thread-local
// `Cell` (no allocation, no panic, no reentrancy).
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn server_thread() {
    UNCOUNTED.with(|u| u.set(true));
}

/// Runs `transfer` once to warm up (connections, buffers), then once more measuring the highest
/// heap use above what was held when it started. Returns (peak growth, growth left after).
fn peak_growth<F: std::future::Future<Output = ()>>(
    rt: &tokio::runtime::Runtime,
    mut transfer: impl FnMut() -> F,
) -> (i64, i64) {
    rt.block_on(transfer());
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    rt.block_on(transfer());
    let peak = PEAK.load(Ordering::Relaxed);
    let after = CURRENT.load(Ordering::Relaxed);
    ((peak - base) as i64, (after - base) as i64)
}

async fn sdk_download(client: &huaweicloud_osm::Client, path: &Path, expected: usize) {
    let written = client
        .download_accessories()
        .accessory_id(ACCESSORY_ID)
        .send()
        .await
        .expect("DownloadAccessories")
        .save_to(path)
        .await
        .expect("save_to");
    assert_eq!(written as usize, expected);
}

async fn raw_download(client: &reqwest::Client, url: &str, path: &Path, expected: usize) {
    let response = client
        .get(url)
        .send()
        .await
        .expect("raw download")
        .error_for_status()
        .expect("raw status");
    let mut file = tokio::fs::File::create(path).await.expect("create");
    let mut stream = response.bytes_stream();
    let mut written = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("chunk");
        file.write_all(&chunk).await.expect("write");
        written += chunk.len();
    }
    file.flush().await.expect("flush");
    assert_eq!(written, expected);
}

async fn sdk_upload(client: &huaweicloud_osm::Client, path: &Path) {
    let attachment = Attachment::from_path(path).await.expect("open");
    let uploaded = client
        .upload_accessory(attachment, AccessoryFrom::Incident)
        .await
        .expect("UploadAccessory");
    assert!(uploaded.accessory_id.is_some());
}

/// Raw reqwest upload; `chunk`: read the file in chunks of this size rather than through
/// `Body::from(File)` (4 KiB).
async fn raw_upload(client: &reqwest::Client, url: &str, path: &Path, chunk: Option<usize>) {
    let file = tokio::fs::File::open(path).await.expect("open");
    let len = file.metadata().await.expect("metadata").len();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let body = match chunk {
        None => reqwest::Body::from(file),
        Some(capacity) => {
            reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(file, capacity))
        }
    };
    let part = reqwest::multipart::Part::stream_with_length(body, len)
        .file_name(name.clone())
        .mime_str("application/zip")
        .expect("mime");
    let form_data =
        format!("{{\"accessoryFrom\":\"incident\",\"fileName\":\"{name}\",\"uploadType\":0}}");
    let form = reqwest::multipart::Form::new()
        .part("file", part)
        .text("form_data", form_data);
    let answer: Value = client
        .post(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .multipart(form)
        .send()
        .await
        .expect("raw upload")
        .error_for_status()
        .expect("raw status")
        .json()
        .await
        .expect("raw answer");
    assert!(answer["accessory_id"].is_string());
}

/// One heap measurement, as `heap.json` records it.
fn record(name: &str, size: usize, who: &str, (peak, after): (i64, i64)) -> Value {
    serde_json::json!({
        "transfer": name, "bytes": size, "client": who,
        "peak_growth_bytes": peak, "retained_bytes": after,
    })
}

/// Peak heap growth of each transfer, SDK and raw, for two sizes, written to `heap.json`.
fn measure_heap(dir: &Path) {
    let mut rows = Vec::new();
    for size in [8 * 1024 * 1024, TRANSFER_BYTES] {
        let server = start_server(Fixtures::new(size), server_thread);
        let rt = client_runtime();
        let sdk = sdk_client(&server.url());
        let raw = raw_client();
        let download_url = format!("{}{DOWNLOAD_PATH}", server.url());
        let upload_url = format!("{}{UPLOAD_PATH}", server.url());
        let target = dir.join("download.zip");
        let source = dir.join("upload.zip");
        std::fs::write(&source, binary(size)).expect("write the upload source");

        let g = peak_growth(&rt, || sdk_download(&sdk, &target, size));
        rows.push(record("download", size, "sdk", g));
        let g = peak_growth(&rt, || raw_download(&raw, &download_url, &target, size));
        rows.push(record("download", size, "raw_reqwest", g));
        let g = peak_growth(&rt, || sdk_upload(&sdk, &source));
        rows.push(record("upload", size, "sdk", g));
        let g = peak_growth(&rt, || raw_upload(&raw, &upload_url, &source, None));
        rows.push(record("upload", size, "raw_reqwest", g));
    }
    for row in &rows {
        eprintln!(
            "heap: {:<8} {:>3} MiB {:<11} peak growth {:>9} B, retained {:>7} B",
            row["transfer"].as_str().unwrap(),
            row["bytes"].as_u64().unwrap() >> 20,
            row["client"].as_str().unwrap(),
            row["peak_growth_bytes"],
            row["retained_bytes"],
        );
    }
    let path = support::results_dir().join("heap.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&rows).unwrap()).expect("write heap.json");
}

fn scratch_dir() -> PathBuf {
    let dir = support::results_dir().join("scratch");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn transfer(c: &mut Criterion) {
    let dir = scratch_dir();
    if !std::env::args().any(|a| a == "--list") {
        measure_heap(&dir);
    }

    let server = start_server(Fixtures::new(TRANSFER_BYTES), server_thread);
    let rt = client_runtime();
    let sdk = sdk_client(&server.url());
    let raw = raw_client();
    let download_url = format!("{}{DOWNLOAD_PATH}", server.url());
    let upload_url = format!("{}{UPLOAD_PATH}", server.url());
    let target = dir.join("download.zip");
    let source = dir.join("upload.zip");
    std::fs::write(&source, binary(TRANSFER_BYTES)).expect("write the upload source");

    let mut group = c.benchmark_group("download_64mib");
    group.throughput(Throughput::Bytes(TRANSFER_BYTES as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("sdk", |b| {
        b.to_async(&rt)
            .iter(|| sdk_download(&sdk, &target, TRANSFER_BYTES))
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&rt)
            .iter(|| raw_download(&raw, &download_url, &target, TRANSFER_BYTES))
    });
    group.finish();

    let mut group = c.benchmark_group("upload_64mib");
    group.throughput(Throughput::Bytes(TRANSFER_BYTES as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("sdk", |b| {
        b.to_async(&rt).iter(|| sdk_upload(&sdk, &source))
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&rt)
            .iter(|| raw_upload(&raw, &upload_url, &source, None))
    });
    group.bench_function("raw_reqwest_64k", |b| {
        b.to_async(&rt)
            .iter(|| raw_upload(&raw, &upload_url, &source, Some(64 * 1024)))
    });
    group.finish();

    let _ = std::fs::remove_file(&target);
    let _ = std::fs::remove_file(&source);
}

criterion_group!(benches, transfer);
criterion_main!(benches);
