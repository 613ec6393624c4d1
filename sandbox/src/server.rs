//! The HTTP server: a hyper HTTP/1.1 accept loop in front of the axum router. Around every request
//! it counts, injects faults, bounds the body, authenticates, and stamps `X-Request-Id` and `Date`.
//!
//! No request body may have more than [`MAX_BODY`] bytes: one that declares more in its
//! `Content-Length` is refused with HTTP 413 before any of it is read, and a chunked one as soon
//! as it crosses the limit, wherever it is being read (signature check, handler).

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response};
use bytes::Bytes;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use crate::auth::{self, SandboxCredentials, Tokens};
use crate::clock::{self, SandboxClock};
use crate::errors::OsmError;
use crate::faults::{Fault, FaultState};
use crate::persist::Persistence;
use crate::store::{Store, Who};
use crate::{federation, metadata, pod_identity, sts, temporary};

/// Largest request body (8 MiB). The largest documented one is a 4 MB attachment sent as Base64 in
/// JSON (`UploadJsonAccessories`, under 6 MB); a multipart upload of 4 MB has some kilobytes more,
/// and multer bounds those to the part limits while they stream. Every other body is JSON of a few
/// kilobytes.
pub(crate) const MAX_BODY: usize = 8 * 1024 * 1024;

/// Everything the handlers share.
pub(crate) struct App {
    pub(crate) credentials: SandboxCredentials,
    pub(crate) clock: SandboxClock,
    pub(crate) faults: Mutex<FaultState>,
    pub(crate) store: Mutex<Store>,
    pub(crate) tokens: Mutex<Tokens>,
    /// The instance metadata service's sessions.
    pub(crate) metadata: Mutex<metadata::Sessions>,
    /// The temporary keys issued (metadata, STS, IAM federation, pod identity).
    pub(crate) temporary: Mutex<temporary::Issued>,
    /// Longest validity of the temporary keys it issues.
    pub(crate) temporary_validity: std::time::Duration,
    /// Unscoped tokens of federated identities → their expiry (business time, ms).
    pub(crate) federation_tokens: Mutex<std::collections::HashMap<String, i64>>,
    pub(crate) counters: Counters,
    pub(crate) seed: u64,
    /// Where the store is saved after every change (`--state`), if anywhere.
    pub(crate) persistence: Option<Persistence>,
}

impl App {
    /// Saves the store if it changed (with `--state`), so that what was done is acknowledged
    /// only once it is on disk.
    pub(crate) async fn save(self: &Arc<Self>) -> Result<(), OsmError> {
        if self.persistence.is_none() {
            return Ok(());
        }
        let app = self.clone();
        let saved = tokio::task::spawn_blocking(move || match &app.persistence {
            Some(p) => p.save(&app.store),
            None => Ok(()),
        })
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        saved.map_err(|e| OsmError::internal().detail(format!("the state could not be saved: {e}")))
    }

    /// [`App::save`] from blocking code (the [`crate::Sandbox`] methods that act as the service
    /// desk).
    pub(crate) fn save_blocking(&self) -> Result<(), OsmError> {
        match &self.persistence {
            Some(p) => p.save(&self.store).map_err(|e| {
                OsmError::internal().detail(format!("the state could not be saved: {e}"))
            }),
            None => Ok(()),
        }
    }
}

/// Request counters (atomics, read by [`crate::Sandbox::counters`]).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) requests: AtomicU64,
    pub(crate) faults: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) auth_failures: AtomicU64,
    pub(crate) domain_lookups: AtomicU64,
    pub(crate) metadata_sessions: AtomicU64,
    pub(crate) instance_credentials: AtomicU64,
    pub(crate) oidc_exchanges: AtomicU64,
    pub(crate) federation_tokens: AtomicU64,
    pub(crate) federation_keys: AtomicU64,
    pub(crate) pod_identity_exchanges: AtomicU64,
}

/// The id of the request being served (an extension of every routed request).
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub(crate) String);

/// The URL clients reach the sandbox at (for download links).
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl(pub(crate) String);

/// Why a connection was closed without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

/// Accepts connections until `shutdown` turns true; open connections are closed with it.
pub(crate) async fn run(
    listener: TcpListener,
    app: Arc<App>,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        tokio::select! {
            _ = shutdown.wait_for(|stop| *stop) => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let (app, router) = (app.clone(), router.clone());
                let service = service_fn(move |req| serve(app.clone(), router.clone(), req));
                connections.spawn(async move {
                    // An error here is a dropped connection (injected or by the client).
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
    connections.shutdown().await;
}

/// Serves one request.
async fn serve(
    app: Arc<App>,
    router: Router,
    request: Request<Incoming>,
) -> Result<Response<Body>, Dropped> {
    let n = app.counters.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let request_id = {
        let mut rng = crate::faults::Rng::new(app.seed.wrapping_mul(0x9E37_79B9).wrapping_add(n));
        rng.hex(16)
    };
    let read = matches!(request.method().as_str(), "GET" | "HEAD");
    let fault = app.faults.lock().expect("fault lock").next(read);
    match fault {
        Fault::None => {}
        Fault::Delay(d) => tokio::time::sleep(d).await,
        Fault::DropBefore => {
            app.counters.faults.fetch_add(1, Ordering::Relaxed);
            app.counters.dropped.fetch_add(1, Ordering::Relaxed);
            return Err(Dropped);
        }
        Fault::DropAfter => {
            app.counters.faults.fetch_add(1, Ordering::Relaxed);
        }
        Fault::Status(status) => {
            app.counters.faults.fetch_add(1, Ordering::Relaxed);
            let error = match status {
                429 => OsmError::throttled(),
                500 => OsmError::internal(),
                s => OsmError {
                    status: s,
                    ..OsmError::unavailable()
                },
            };
            let mut response = error_response(&error, &request_id);
            if status == 429 {
                let secs = app
                    .faults
                    .lock()
                    .expect("fault lock")
                    .faults
                    .retry_after_secs;
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from(secs));
            }
            return Ok(finish(response, &request_id, &app));
        }
    }
    let (parts, incoming) = request.into_parts();
    if declared_length(&parts.headers).is_some_and(|n| n > MAX_BODY as u64) {
        return Ok(finish(too_large(&request_id), &request_id, &app));
    }
    let incoming = Body::new(http_body_util::Limited::new(incoming, MAX_BODY));
    let login = parts.uri.path() == "/v3/auth/tokens" && parts.method == "POST";
    // The credential exchanges are unsigned JSON requests, read whole.
    let exchange = parts.method == "POST"
        && matches!(
            parts.uri.path(),
            sts::ASSUME_WITH_OIDC_PATH
                | federation::ID_TOKEN_PATH
                | federation::SECURITY_TOKENS_PATH
        );
    let link = parts.uri.path().starts_with(crate::routes::FILES_PREFIX);
    // The body is read whole first only when the login or the signature needs it; otherwise (a
    // token, an UNSIGNED-PAYLOAD upload, a download link) it streams to the handler.
    let (body, read) = if login || exchange || (!link && auth::reads_body(&parts)) {
        match read_whole(incoming).await {
            Ok(read) => (Body::from(read.clone()), read),
            Err(e) if e.status == 413 => {
                return Ok(finish(too_large(&request_id), &request_id, &app));
            }
            Err(_) => return Err(Dropped),
        }
    } else {
        (incoming, Bytes::new())
    };
    let refused = |e: OsmError| {
        app.counters.auth_failures.fetch_add(1, Ordering::Relaxed);
        error_response(&e, &request_id)
    };
    let response = match (parts.method.as_str(), parts.uri.path()) {
        _ if login => auth::issue_token(&app, &read),
        ("GET", "/v3/auth/domains") => {
            auth::list_domains(&app, &parts, &read).unwrap_or_else(refused)
        }
        ("PUT", metadata::SESSION_TOKEN_PATH) => metadata::open_session(&app, &parts),
        ("GET", metadata::SECURITY_KEY_PATH) => metadata::security_key(&app, &parts),
        ("POST", sts::ASSUME_WITH_OIDC_PATH) => sts::assume_with_oidc(&app, &read),
        ("POST", federation::ID_TOKEN_PATH) => federation::unscoped_token(&app, &parts, &read),
        ("POST", federation::SECURITY_TOKENS_PATH) => federation::temporary_keys(&app, &read),
        ("POST", pod_identity::PATH) => pod_identity::credentials(&app, &parts),
        _ if link => route(&router, parts, body, None, &request_id).await,
        _ => match auth::authenticate(&app, &parts, &read) {
            Ok(who) => route(&router, parts, body, Some(who), &request_id).await,
            Err(e) => refused(e),
        },
    };
    // Acknowledged only once saved (with `--state`); a failed save is an error answer.
    let response = match app.save().await {
        Ok(()) => response,
        Err(e) => error_response(&e, &request_id),
    };
    if fault == Fault::DropAfter {
        app.counters.dropped.fetch_add(1, Ordering::Relaxed);
        return Err(Dropped);
    }
    Ok(finish(response, &request_id, &app))
}

async fn route(
    router: &Router,
    parts: axum::http::request::Parts,
    body: Body,
    who: Option<Who>,
    request_id: &str,
) -> Response<Body> {
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_string();
    let mut request = Request::from_parts(parts, body);
    if let Some(who) = who {
        request.extensions_mut().insert(who);
    }
    request
        .extensions_mut()
        .insert(RequestId(request_id.to_string()));
    request
        .extensions_mut()
        .insert(BaseUrl(format!("http://{host}")));
    let result: Result<Response<Body>, Infallible> = router.clone().oneshot(request).await;
    match result {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The length a request declares, if it declares one.
fn declared_length(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get(axum::http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// HTTP 413, closing the connection (the rest of the body is never read).
fn too_large(request_id: &str) -> Response<Body> {
    let mut response = error_response(&OsmError::too_large(MAX_BODY), request_id);
    response
        .headers_mut()
        .insert("connection", HeaderValue::from_static("close"));
    response
}

/// Reads a whole body: HTTP 413 once it has more than [`MAX_BODY`] bytes (every body is
/// [`http_body_util::Limited`] to it), HTTP 400 when it cannot be read.
pub(crate) async fn read_whole(body: Body) -> Result<Bytes, OsmError> {
    axum::body::to_bytes(body, usize::MAX).await.map_err(|e| {
        let mut cause = std::error::Error::source(&e);
        let mut over = false;
        while let Some(c) = cause {
            over |= c.is::<http_body_util::LengthLimitError>();
            cause = c.source();
        }
        if over {
            OsmError::too_large(MAX_BODY)
        } else {
            OsmError::bad_request(format!("unreadable body: {e}"))
        }
    })
}

/// A JSON answer.
pub(crate) fn json(status: u16, body: &serde_json::Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json;charset=UTF-8")
        .body(Body::from(body.to_string()))
        .expect("valid response")
}

/// An error answer with its JSON body.
pub(crate) fn error_response(error: &OsmError, request_id: &str) -> Response<Body> {
    let mut builder = Response::builder()
        .status(error.status)
        .header("content-type", "application/json;charset=UTF-8");
    if let Some(detail) = &error.detail {
        let flat: String = detail
            .chars()
            .filter(|c| !c.is_control())
            .take(2000)
            .collect();
        if let Ok(v) = HeaderValue::from_str(&flat) {
            builder = builder.header("x-sandbox-error-detail", v);
        }
    }
    builder
        .body(Body::from(error.body(request_id).to_string()))
        .expect("valid response")
}

/// Stamps `X-Request-Id` and `Date` (the server's clock) on an answer.
fn finish(mut response: Response<Body>, request_id: &str, app: &App) -> Response<Body> {
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&clock::http_date(app.clock.gateway_ms())) {
        headers.insert("date", v);
    }
    response
}
