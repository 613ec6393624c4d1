//! The HTTP server: a hyper HTTP/1.1 accept loop in front of the axum router. Around every request
//! it counts, injects faults, bounds the body, authenticates, and stamps `X-Request-Id` and `Date`.
//!
//! No request body may have more than [`MAX_BODY`] bytes: one that declares more in its
//! `Content-Length` is refused with HTTP 413 before any of it is read, and a chunked one as soon
//! as it crosses the limit, wherever it is being read (signature check, handler).

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;

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

use crate::answer::{MAX_BODY, error_response, read_whole};
use crate::app::{App, BaseUrl, RequestId};
use crate::clock;
use crate::errors::OsmError;
use crate::faults::Fault;
use crate::store::Who;
use crate::{auth, federation, metadata, pod_identity, sts};

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
