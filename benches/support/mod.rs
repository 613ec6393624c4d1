//! What the benchmarks share: the fixtures built from the spec's examples, a loopback HTTP/1.1
//! keep-alive server that answers them, the SDK client and the raw `reqwest` baseline client, and
//! where results go.
//!
//! The server runs either on the benchmark's own single-threaded runtime (the calls: see
//! [`start_server_in`]) or on a thread of its own (the transfers: throughput needs both cores, and
//! the heap count leaves the server thread out); either way both clients pay the same price for it.
//! It never checks signatures: that would be server work the raw baseline does not cause. The SDK
//! still signs every call (that is part of its cost).
#![allow(dead_code)] // each benchmark uses part of this module

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// The ticket list answered to `ListCases`: this many tickets.
pub const LIST_CASES_TICKETS: usize = 100;
/// The ticket answered to `ShowCaseDetail`: this many messages.
pub const CASE_DETAIL_MESSAGES: usize = 50;
/// Concurrent calls on one client.
pub const CONCURRENT_CALLS: usize = 100;
/// Size of the attachment downloaded and uploaded.
pub const TRANSFER_BYTES: usize = 64 * 1024 * 1024;

/// Paths the server answers (the SDK's own paths, so the raw client asks for the same bytes).
pub const LIST_CASES_PATH: &str = "/v2/servicerequest/cases";
pub const CASE_ID: &str = "TT2024051600012";
pub const CASE_DETAIL_PATH: &str = "/v2/servicerequest/cases/TT2024051600012";
pub const ACCESSORY_ID: &str = "x";
pub const DOWNLOAD_PATH: &str = "/v2/servicerequest/accessorys/x";
pub const UPLOAD_PATH: &str = "/v2/servicerequest/accessorys";

/// The spec, parsed once per benchmark binary.
pub fn spec() -> Value {
    let text = include_str!("../../openapi/osm.yaml");
    serde_yaml::from_str(text).expect("the spec parses")
}

fn operation<'a>(spec: &'a Value, operation_id: &str) -> &'a Value {
    spec["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("path item").values())
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(operation_id))
        .unwrap_or_else(|| panic!("{operation_id} is not in the spec"))
}

/// The documented example of an operation's 200 JSON response.
pub fn response_example(spec: &Value, operation_id: &str) -> Value {
    operation(spec, operation_id)
        .pointer("/responses/200/content/application~1json/example")
        .cloned()
        .unwrap_or_else(|| panic!("{operation_id} has no 200 JSON example"))
}

/// The documented example of an operation's JSON request body.
pub fn request_example(spec: &Value, operation_id: &str) -> Value {
    operation(spec, operation_id)
        .pointer("/requestBody/content/application~1json/example")
        .cloned()
        .unwrap_or_else(|| panic!("{operation_id} has no request example"))
}

/// `ListCasesResponse` with [`LIST_CASES_TICKETS`] tickets: the example's tickets repeated in turn,
/// each with its own id.
pub fn list_cases_body(spec: &Value) -> Bytes {
    let mut body = response_example(spec, "ListCases");
    let shapes = body["incident_info_list"]
        .as_array()
        .expect("example tickets")
        .clone();
    let tickets: Vec<Value> = (0..LIST_CASES_TICKETS)
        .map(|i| {
            let mut t = shapes[i % shapes.len()].clone();
            t["incident_id"] = Value::from(format!("TT20240516{i:05}"));
            t
        })
        .collect();
    body["total_count"] = Value::from(LIST_CASES_TICKETS);
    body["incident_info_list"] = Value::from(tickets);
    Bytes::from(serde_json::to_vec(&body).expect("serializes"))
}

/// `ShowCaseDetailResponse` with [`CASE_DETAIL_MESSAGES`] messages: the example's messages repeated
/// in turn, each with its own id.
pub fn case_detail_body(spec: &Value) -> Bytes {
    let mut body = response_example(spec, "ShowCaseDetail");
    let detail = &mut body["incident_detail_info"];
    let shapes = detail["message_list"]
        .as_array()
        .expect("example messages")
        .clone();
    let messages: Vec<Value> = (0..CASE_DETAIL_MESSAGES)
        .map(|i| {
            let mut m = shapes[i % shapes.len()].clone();
            m["message_id"] = Value::from(format!("msg-20240516-{i:04}"));
            m
        })
        .collect();
    detail["message_list"] = Value::from(messages);
    Bytes::from(serde_json::to_vec(&body).expect("serializes"))
}

/// Deterministic, poorly compressible bytes.
pub fn binary(len: usize) -> Bytes {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    Bytes::from(out)
}

/// What the server answers.
pub struct Fixtures {
    pub list_cases: Bytes,
    pub case_detail: Bytes,
    pub download: Bytes,
}

impl Fixtures {
    /// The JSON answers, and a download of `download_len` bytes (0: none).
    pub fn new(download_len: usize) -> Self {
        let spec = spec();
        Self {
            list_cases: list_cases_body(&spec),
            case_detail: case_detail_body(&spec),
            download: binary(download_len),
        }
    }
}

/// A running loopback server.
pub struct Server {
    pub addr: SocketAddr,
}

impl Server {
    /// The base URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Starts the server on its own thread and runtime; it lives as long as the process. Its thread is
/// marked with `on_thread` first (the transfer benchmark uses that to leave the server's
/// allocations out of the client's heap count).
pub fn start_server(fixtures: Fixtures, on_thread: fn()) -> Server {
    let fixtures = Arc::new(fixtures);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("loopback-server".into())
        .spawn(move || {
            on_thread();
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind loopback");
                tx.send(listener.local_addr().expect("local addr"))
                    .expect("report address");
                serve(listener, fixtures).await;
            });
        })
        .expect("spawn the server thread");
    let addr = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("server started");
    Server { addr }
}

/// Starts the server as tasks of `rt`, the benchmark's own single-threaded runtime: the client
/// and the server then take turns on one thread, and a call costs exactly the CPU work of both,
/// without the thread wake-ups between them. On a virtual machine whose other core is idle, each
/// such wake-up can cost tens of microseconds, the same for the SDK and the baseline, so it would
/// only blur their ratio (by how much depending on the machine's load).
pub fn start_server_in(rt: &tokio::runtime::Runtime, fixtures: Fixtures) -> Server {
    let fixtures = Arc::new(fixtures);
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    rt.spawn(serve(listener, fixtures));
    Server { addr }
}

/// Accepts connections forever, one task per connection.
async fn serve(listener: tokio::net::TcpListener, fixtures: Arc<Fixtures>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let fixtures = fixtures.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| answer(fixtures.clone(), req));
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn respond(content_type: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    Response::builder()
        .header("content-type", content_type)
        .header("x-request-id", "bench-request")
        .body(Full::new(body))
        .expect("static response")
}

async fn answer(
    fixtures: Arc<Fixtures>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path();
    Ok(match (req.method(), path) {
        (&Method::GET, LIST_CASES_PATH) => respond("application/json", fixtures.list_cases.clone()),
        (&Method::GET, CASE_DETAIL_PATH) => {
            respond("application/json", fixtures.case_detail.clone())
        }
        (&Method::GET, DOWNLOAD_PATH) => {
            respond("application/octet-stream", fixtures.download.clone())
        }
        (&Method::POST, UPLOAD_PATH) => {
            // A sink: read and drop every frame, answer how much arrived.
            let mut body = req.into_body();
            let mut received = 0u64;
            while let Some(frame) = body.frame().await {
                match frame {
                    Ok(frame) => received += frame.data_ref().map_or(0, |d| d.len() as u64),
                    Err(_) => break,
                }
            }
            let json = format!("{{\"accessory_id\":\"bench-{received}\"}}");
            respond("application/json", Bytes::from(json))
        }
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from_static(
                b"{\"error_code\":\"BENCH.404\",\"error_msg\":\"no such path\"}",
            )))
            .expect("static response"),
    })
}

/// The SDK client of the benchmarks (AK/SK, as in the README).
pub fn sdk_client(url: &str) -> huaweicloud_osm::Client {
    huaweicloud_osm::Client::builder()
        .endpoint(url)
        .credentials(huaweicloud_osm::Credentials::ak_sk("AK", "SK").with_domain_id("d"))
        .build()
        .expect("the SDK client builds")
}

/// The baseline: a `reqwest::Client` built as the SDK builds its own (same crate and features:
/// rustls on `ring`, no default features; same timeouts, no redirects).
pub fn raw_client() -> reqwest::Client {
    // The SDK hands reqwest a rustls configuration on the `ring` provider; so does the baseline
    // (plain HTTP to loopback: no roots needed).
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default versions")
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the raw client builds")
}

/// The benchmarks' runtime: one thread, the same for the SDK and the baseline.
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

/// Where the benchmarks write what criterion does not record (heap peaks): `$OSM_BENCH_DIR`
/// (set by `cargo xtask bench`), else `$CARGO_TARGET_DIR/osm-bench`, else `target/osm-bench`.
pub fn results_dir() -> PathBuf {
    let dir = std::env::var_os("OSM_BENCH_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR").map(|t| PathBuf::from(t).join("osm-bench"))
        })
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../target")
                .join("osm-bench")
        });
    std::fs::create_dir_all(&dir).expect("create the results directory");
    dir
}
