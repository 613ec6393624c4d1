//! Network scaffolding on loopback: a plain HTTP client for raw requests, a forward proxy that
//! records what passes through it, an HTTPS front with the self-signed test certificate, and a
//! listener that only counts connections. Everything refuses to reach beyond 127.0.0.0/8 and ::1.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, combinators::BoxBody};
use hyper::body::Incoming;
use hyper::header::{PROXY_AUTHENTICATE, PROXY_AUTHORIZATION};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

/// The test certificate (self-signed, for 127.0.0.1 and localhost; see tests/data/tls).
pub const TEST_CERT_PEM: &[u8] = include_bytes!("../../data/tls/cert.pem");
const TEST_KEY_PEM: &[u8] = include_bytes!("../../data/tls/key.pem");

/// A plain HTTP client for raw requests to loopback servers. The SDK builds its rustls
/// configuration itself (no process-wide provider), so raw reqwest clients need one too.
pub fn raw_http() -> reqwest::Client {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default versions")
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .build()
        .expect("raw client builds")
}

fn is_loopback(authority: &str) -> bool {
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host)
        .trim_matches(['[', ']']);
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

type ProxyBody = BoxBody<Bytes, hyper::Error>;

fn empty(status: StatusCode) -> Response<ProxyBody> {
    let mut response = Response::new(
        Empty::<Bytes>::new()
            .map_err(|never| match never {})
            .boxed(),
    );
    *response.status_mut() = status;
    response
}

#[derive(Default)]
struct ProxyLog {
    /// `METHOD target` of every request let through.
    seen: Mutex<Vec<String>>,
    /// Requests refused for missing or wrong credentials.
    refused: AtomicUsize,
}

/// A forward HTTP proxy on 127.0.0.1: plain requests in absolute form are forwarded, `CONNECT`
/// opens a tunnel; with credentials, anything without the right `Proxy-Authorization` gets 407.
/// Targets other than loopback get 403.
pub struct ForwardProxy {
    addr: SocketAddr,
    log: Arc<ProxyLog>,
    task: tokio::task::JoinHandle<()>,
}

impl ForwardProxy {
    /// Starts a proxy; `credentials` = `(user, password)` it requires (HTTP Basic).
    pub async fn start(credentials: Option<(&str, &str)>) -> ForwardProxy {
        use base64::Engine;
        let expected = credentials.map(|(user, password)| {
            let encoded =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            format!("Basic {encoded}")
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(ProxyLog::default());
        let shared = log.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (log, expected) = (shared.clone(), expected.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        proxy_request(req, log.clone(), expected.clone())
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .with_upgrades()
                        .await;
                });
            }
        });
        ForwardProxy { addr, log, task }
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `METHOD target` of every request let through, in order.
    pub fn seen(&self) -> Vec<String> {
        self.log.seen.lock().unwrap().clone()
    }

    /// How many requests were refused with 407.
    pub fn refused(&self) -> usize {
        self.log.refused.load(Ordering::SeqCst)
    }
}

impl Drop for ForwardProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn proxy_request(
    req: Request<Incoming>,
    log: Arc<ProxyLog>,
    expected: Option<String>,
) -> Result<Response<ProxyBody>, hyper::Error> {
    if let Some(expected) = &expected {
        let given = req
            .headers()
            .get(PROXY_AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if given != Some(expected.as_str()) {
            log.refused.fetch_add(1, Ordering::SeqCst);
            let mut response = empty(StatusCode::PROXY_AUTHENTICATION_REQUIRED);
            response.headers_mut().insert(
                PROXY_AUTHENTICATE,
                hyper::header::HeaderValue::from_static("Basic realm=\"test\""),
            );
            return Ok(response);
        }
    }
    let Some(authority) = req.uri().authority().map(|a| a.to_string()) else {
        return Ok(empty(StatusCode::BAD_REQUEST));
    };
    if !is_loopback(&authority) {
        return Ok(empty(StatusCode::FORBIDDEN));
    }
    log.seen
        .lock()
        .unwrap()
        .push(format!("{} {}", req.method(), req.uri()));
    if req.method() == Method::CONNECT {
        tokio::spawn(async move {
            let Ok(upgraded) = hyper::upgrade::on(req).await else {
                return;
            };
            let Ok(mut target) = TcpStream::connect(&authority).await else {
                return;
            };
            let _ = tokio::io::copy_bidirectional(&mut TokioIo::new(upgraded), &mut target).await;
        });
        return Ok(empty(StatusCode::OK));
    }
    let Ok(target) = TcpStream::connect(&authority).await else {
        return Ok(empty(StatusCode::BAD_GATEWAY));
    };
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(target)).await?;
    tokio::spawn(connection);
    let (mut parts, body) = req.into_parts();
    parts.headers.remove(PROXY_AUTHORIZATION);
    parts.uri = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .parse()
        .expect("a path is a URI");
    let response = sender
        .send_request(Request::from_parts(parts, body))
        .await?;
    Ok(response.map(BodyExt::boxed))
}

/// An HTTPS server on 127.0.0.1 with the test certificate, passing the decrypted bytes to
/// `backend` (e.g. a sandbox), so a client that trusts the certificate talks to the backend.
pub struct TlsFront {
    addr: SocketAddr,
    handshakes: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl TlsFront {
    /// Starts the front for `backend`.
    pub async fn start(backend: SocketAddr) -> TlsFront {
        Self::start_refusing(backend, 0).await
    }

    /// Starts the front for `backend`; the first `refuse` connections are closed at once, before
    /// the TLS handshake: for the client a connection that could not be established, so nothing
    /// it meant to send left it.
    pub async fn start_refusing(backend: SocketAddr, refuse: usize) -> TlsFront {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        assert!(backend.ip().is_loopback());
        let certs = CertificateDer::pem_slice_iter(TEST_CERT_PEM)
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_slice(TEST_KEY_PEM).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handshakes = Arc::new(AtomicUsize::new(0));
        let refused = Arc::new(AtomicUsize::new(0));
        let (counted, refusals) = (handshakes.clone(), refused.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                if refusals.load(Ordering::SeqCst) < refuse {
                    refusals.fetch_add(1, Ordering::SeqCst);
                    drop(stream);
                    continue;
                }
                let (acceptor, counted) = (acceptor.clone(), counted.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(stream).await else {
                        return; // the client refused the certificate
                    };
                    counted.fetch_add(1, Ordering::SeqCst);
                    if let Ok(mut plain) = TcpStream::connect(backend).await {
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                    }
                });
            }
        });
        TlsFront {
            addr,
            handshakes,
            refused,
            task,
        }
    }

    /// `https://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// TLS handshakes that completed (the client accepted the certificate).
    pub fn handshakes(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }

    /// Connections closed before the handshake ([`TlsFront::start_refusing`]).
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A listener on 127.0.0.1 that accepts connections, counts them and closes them at once: it
/// stands in for an address nothing should contact (the instance metadata service).
pub struct CountingListener {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl CountingListener {
    /// Starts listening.
    pub async fn start() -> CountingListener {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        CountingListener {
            addr,
            connections,
            task,
        }
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for CountingListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A request signed by hand with the SDK's signer (for what the typed client cannot send).
pub async fn signed(
    sandbox: &osm_sandbox::Sandbox,
    method: &str,
    path_and_query: &str,
    body: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    signed_with(sandbox, method, path_and_query, body, &[]).await
}

pub async fn signed_with(
    sandbox: &osm_sandbox::Sandbox,
    method: &str,
    path_and_query: &str,
    body: Option<(&str, Vec<u8>)>,
    extra_headers: &[String],
) -> reqwest::Response {
    let c = sandbox.credentials();
    let url = reqwest::Url::parse(&format!("{}{path_and_query}", sandbox.url())).unwrap();
    let mut request = reqwest::Request::new(method.parse().unwrap(), url);
    request
        .headers_mut()
        .insert("x-domain-id", c.domain_id.parse().unwrap());
    for name in extra_headers {
        request.headers_mut().insert(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            "1".parse().unwrap(),
        );
    }
    if let Some((content_type, bytes)) = body {
        request
            .headers_mut()
            .insert("content-type", content_type.parse().unwrap());
        *request.body_mut() = Some(bytes.into());
    }
    huaweicloud_osm::auth::Signer::new(&c.access_key, &c.secret_key)
        .sign_request(
            &mut request,
            &huaweicloud_osm::auth::signer::sdk_date(std::time::SystemTime::now()),
        )
        .unwrap();
    http().execute(request).await.unwrap()
}

/// One plain HTTP client for the raw requests (building one per request is slow).
pub fn http() -> &'static reqwest::Client {
    static HTTP: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    HTTP.get_or_init(raw_http)
}
