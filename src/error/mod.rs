//! The one error type users handle, and the decoding of error responses however they arrive.
//!
//! OSM answers errors in several shapes: HTTP 4xx/5xx with `{"error_code","error_msg"}` (or a
//! gateway HTML page, an empty or truncated body), and HTTP **200** with a non-empty `error_code`
//! (business errors `OSM.0101xxxx`). Every one of them becomes [`Error::Service`] with a
//! [`ServiceError`] that keeps the status, code, message, request id and raw body. A success answer
//! whose body is not the documented JSON (truncated, wrong shape, too deeply nested) becomes
//! [`Error::Decode`], which keeps the status, request id and raw body too.

pub mod codes;

use std::fmt;

use serde::{Deserialize, Serialize};

/// Result of every fallible SDK call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Header carrying the request id of every OSM response.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Longest raw body kept in an error (longer bodies are cut, marked with `…`).
pub const MAX_RAW_BODY: usize = 64 * 1024;

/// Everything that can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client could not be built (bad endpoint, missing credentials, …).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The request was refused before anything was sent (bad argument).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The service (or the gateway in front of it) answered with an error.
    #[error("{0}")]
    Service(Box<ServiceError>),
    /// No usable response: connection refused or reset, TLS failure, body cut short.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// A time limit was reached; `kind` says which one.
    #[error("{kind} timed out")]
    Timeout {
        /// Which limit.
        kind: TimeoutKind,
        /// The underlying error, for connect and attempt timeouts.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// A success response whose body does not match the documented schema.
    #[error("cannot decode the response (HTTP {}, request id {}): {source}",
        status.map_or("?".to_string(), |s| s.to_string()),
        request_id.as_deref().unwrap_or("unknown"))]
    Decode {
        /// HTTP status of the response, when known.
        status: Option<u16>,
        /// Its `X-Request-Id`, when known.
        request_id: Option<String>,
        /// The body as received (cut to [`MAX_RAW_BODY`]).
        body: String,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },
    /// Reading or writing a local file or stream failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Signing the request failed.
    #[error("cannot sign the request: {0}")]
    Sign(#[from] crate::auth::signer::SignError),
}

impl Error {
    /// The service error, when the server answered with one.
    pub fn service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// HTTP status of the response, when there was one (200 for business errors).
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Decode { status, .. } => *status,
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// The service's error code (`OSM.01010015`, `APIGW.0301`, …).
    pub fn code(&self) -> Option<&str> {
        self.service().and_then(ServiceError::code)
    }

    /// The `X-Request-Id` of the failed response, to quote to Huawei support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => self.service().and_then(|e| e.request_id.as_deref()),
        }
    }

    /// The ticket (or resource) does not exist.
    pub fn is_not_found(&self) -> bool {
        self.service()
            .is_some_and(|e| e.status == 404 || e.code() == Some(codes::CASE_NOT_FOUND.code))
    }

    /// Authentication or authorization failed (bad signature, expired token, no permission).
    pub fn is_auth(&self) -> bool {
        self.service().is_some_and(|e| {
            matches!(e.status, 401 | 403)
                || matches!(
                    e.code(),
                    Some("OSM.0002" | "OSM.0003" | "OSM.01010002" | "OSM.01010003")
                )
                || e.code()
                    .is_some_and(|c| c.starts_with("APIGW.030") || c.starts_with("APIG.030"))
        })
    }

    /// The server throttled the call (HTTP 429 or an urge sent too soon).
    pub fn is_throttled(&self) -> bool {
        self.service().is_some_and(|e| {
            e.status == 429 || matches!(e.code(), Some("OSM.01010004" | "OSM.01010024"))
        })
    }

    /// Trying the same call again later may succeed (network failure, timeout, 429, 5xx).
    /// This says nothing about whether retrying is *safe*: a creation may already have happened.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(e) => e.is_connect() || e.is_request() || e.is_body(),
            Error::Timeout { .. } => true,
            Error::Service(e) => matches!(e.status, 408 | 429 | 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// Which time limit was reached, when one was.
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        match self {
            Error::Timeout { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

/// Which time limit a [`Error::Timeout`] hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// Establishing the connection ([`crate::ClientBuilder::connect_timeout`]).
    Connect,
    /// One HTTP exchange ([`crate::ClientBuilder::timeout`]).
    Attempt,
    /// The whole operation, retries included ([`crate::ClientBuilder::operation_timeout`]).
    Operation,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connecting",
            TimeoutKind::Attempt => "the attempt",
            TimeoutKind::Operation => "the operation",
        })
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        let e = e.without_url();
        if e.is_timeout() {
            let kind = if e.is_connect() {
                TimeoutKind::Connect
            } else {
                TimeoutKind::Attempt
            };
            return Error::Timeout {
                kind,
                source: Some(e),
            };
        }
        Error::Transport(e)
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::Service(Box::new(e))
    }
}

impl From<progenitor_client::Error<ServiceError>> for Error {
    fn from(e: progenitor_client::Error<ServiceError>) -> Self {
        use progenitor_client::Error as P;
        match e {
            P::InvalidRequest(msg) => Error::InvalidRequest(msg),
            P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => e.into(),
            P::ErrorResponse(rv) => {
                let status = rv.status().as_u16();
                let request_id = header_str(rv.headers(), REQUEST_ID_HEADER);
                let local = header_str(rv.headers(), crate::hooks::LOCAL_ERROR);
                let mut err = rv.into_inner();
                match local.as_deref() {
                    Some(crate::hooks::LOCAL_OPERATION_TIMEOUT) => {
                        return Error::Timeout {
                            kind: TimeoutKind::Operation,
                            source: None,
                        };
                    }
                    Some(_) => return Error::InvalidRequest(err.error_msg.unwrap_or_default()),
                    None => {}
                }
                if err.status == 0 {
                    err.status = status;
                }
                if err.request_id.is_none() {
                    err.request_id = request_id;
                }
                err.into()
            }
            P::InvalidResponsePayload(bytes, source) => {
                let (status, request_id) = decode_context::take(&bytes).unzip();
                Error::Decode {
                    status,
                    request_id: request_id.flatten(),
                    body: raw_text(&bytes),
                    source,
                }
            }
            P::UnexpectedResponse(resp) => {
                // The exec hook turns every non-2xx into an error envelope, so this only happens
                // for a success status the spec does not declare.
                let status = resp.status().as_u16();
                ServiceError {
                    status,
                    request_id: header_str(resp.headers(), REQUEST_ID_HEADER),
                    error_msg: Some(format!("undocumented response status {status}")),
                    ..ServiceError::default()
                }
                .into()
            }
            P::Custom(msg) => Error::InvalidRequest(msg),
        }
    }
}

/// An error answered by the service or its gateway.
///
/// Replaces the spec's `ErrorResponse` in the generated code, so generated and hand-written
/// operations report errors alike. Serializes to the wire shape (`error_code`, `error_msg`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ServiceError {
    /// HTTP status (200 for business errors reported in a success response).
    #[serde(rename = "x-sdk-status", default, skip_serializing)]
    pub status: u16,
    /// Error code, e.g. `OSM.01010015` or `APIGW.0301`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
    /// The request id (`X-Request-Id` header, or the body's `request_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Encoded details of an IAM policy denial (decode them with IAM's decode API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoded_authorization_message: Option<String>,
    /// The response body as received (cut to [`MAX_RAW_BODY`]), when there was one.
    #[serde(rename = "x-sdk-raw-body", default, skip_serializing)]
    pub raw_body: Option<String>,
}

impl ServiceError {
    /// The error code, if the body had one.
    pub fn code(&self) -> Option<&str> {
        self.error_code.as_deref().filter(|c| !c.is_empty())
    }

    /// The error message, if the body had one.
    pub fn message(&self) -> Option<&str> {
        self.error_msg.as_deref().filter(|c| !c.is_empty())
    }

    /// The documented meaning of the code, when it is a known OSM code.
    pub fn known_code(&self) -> Option<&'static codes::ErrorCode> {
        self.code().and_then(codes::lookup)
    }

    /// Decodes an error response leniently, as Huawei's SDKs do: `error_code`/`error_msg`, then
    /// `errorCode`/`errorMsg`, then `code`/`message`, then the same inside nested objects; a body that
    /// is not JSON becomes the message. Never fails, never panics.
    pub fn from_body(status: u16, request_id: Option<String>, body: &[u8]) -> Self {
        let raw = (!body.is_empty()).then(|| raw_text(body));
        let mut err = ServiceError {
            status,
            request_id,
            raw_body: raw.clone(),
            ..Default::default()
        };
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(value) => {
                if let Some((code, msg)) = find_code_and_message(&value, 0) {
                    err.error_code = code;
                    err.error_msg = msg;
                }
                if let Some(obj) = value.as_object() {
                    err.encoded_authorization_message = obj
                        .get("encoded_authorization_message")
                        .and_then(|v| v.as_str())
                        .map(str::to_owned);
                    if err.request_id.is_none() {
                        err.request_id = obj
                            .get("request_id")
                            .and_then(|v| v.as_str())
                            .map(str::to_owned);
                    }
                }
                if err.error_msg.is_none() && err.error_code.is_none() {
                    err.error_msg = raw;
                }
            }
            Err(e) if !body.is_empty() && looks_like_json(body) => {
                err.error_msg = Some(format!("malformed JSON response ({e})"));
            }
            Err(_) => err.error_msg = raw,
        }
        err
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code(), self.message()) {
            (Some(c), Some(m)) => write!(f, "{c}: {}", one_line(m))?,
            (Some(c), None) => write!(f, "{c}")?,
            (None, Some(m)) => write!(f, "{}", one_line(m))?,
            (None, None) => write!(f, "error response with no body")?,
        }
        write!(f, " (HTTP {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        write!(f, ")")
    }
}

impl std::error::Error for ServiceError {}

fn one_line(s: &str) -> String {
    const MAX: usize = 300;
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > MAX {
        format!("{}…", flat.chars().take(MAX).collect::<String>())
    } else {
        flat
    }
}

fn looks_like_json(body: &[u8]) -> bool {
    matches!(
        body.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

type CodeAndMessage = (Option<String>, Option<String>);

fn find_code_and_message(value: &serde_json::Value, depth: usize) -> Option<CodeAndMessage> {
    const PAIRS: [(&str, &str); 3] = [
        ("error_code", "error_msg"),
        ("errorCode", "errorMsg"),
        ("code", "message"),
    ];
    let obj = value.as_object()?;
    for (c, m) in PAIRS {
        let code = obj.get(c).and_then(scalar_text);
        let msg = obj.get(m).and_then(scalar_text);
        if code.is_some() || msg.is_some() {
            return Some((code, msg));
        }
    }
    if depth >= 4 {
        return None;
    }
    obj.values()
        .filter(|v| v.is_object())
        .find_map(|v| find_code_and_message(v, depth + 1))
}

fn scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The body as text, cut to [`MAX_RAW_BODY`] bytes on a character boundary.
pub(crate) fn raw_text(body: &[u8]) -> String {
    let cut = &body[..body.len().min(MAX_RAW_BODY)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if body.len() > MAX_RAW_BODY {
        s.push('…');
    }
    s
}

/// Status and request id of the last success body handed to the generated code on this thread, so
/// that a body that then fails to decode is reported with them. Matched by the identity of the
/// buffer (address and length), never by content; the generated code decodes right after `exec`
/// without yielding, on the same thread.
pub(crate) mod decode_context {
    use std::cell::RefCell;

    struct Context {
        ptr: usize,
        len: usize,
        status: u16,
        request_id: Option<String>,
    }

    thread_local! {
        static LAST: RefCell<Option<Context>> = const { RefCell::new(None) };
    }

    /// Remembers the metadata of a body about to be decoded.
    pub(crate) fn set(body: &[u8], status: u16, request_id: Option<String>) {
        LAST.with(|l| {
            *l.borrow_mut() = Some(Context {
                ptr: body.as_ptr() as usize,
                len: body.len(),
                status,
                request_id,
            })
        });
    }

    /// The metadata of `body`, if it is the last body remembered on this thread.
    pub(crate) fn take(body: &[u8]) -> Option<(u16, Option<String>)> {
        LAST.with(|l| {
            let mut last = l.borrow_mut();
            match last.as_ref() {
                Some(c) if c.ptr == body.as_ptr() as usize && c.len == body.len() => {
                    last.take().map(|c| (c.status, c.request_id))
                }
                _ => None,
            }
        })
    }
}

pub(crate) fn header_str(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_osm_error_body() {
        let e = ServiceError::from_body(
            400,
            Some("rid".into()),
            br#"{"error_code":"OSM.0001","error_msg":"failed"}"#,
        );
        assert_eq!(e.code(), Some("OSM.0001"));
        assert_eq!(e.message(), Some("failed"));
        assert_eq!(e.to_string(), "OSM.0001: failed (HTTP 400, request id rid)");
        assert_eq!(
            e.raw_body.as_deref(),
            Some(r#"{"error_code":"OSM.0001","error_msg":"failed"}"#)
        );
    }

    #[test]
    fn decodes_nested_and_alternative_shapes() {
        let e = ServiceError::from_body(401, None, br#"{"error":{"code":"APIGW.0301","message":"Incorrect IAM authentication information"}}"#);
        assert_eq!(e.code(), Some("APIGW.0301"));
        let e = ServiceError::from_body(400, None, br#"{"errorCode":"X","errorMsg":"y"}"#);
        assert_eq!((e.code(), e.message()), (Some("X"), Some("y")));
    }

    #[test]
    fn non_json_and_truncated_bodies_keep_the_text() {
        let e = ServiceError::from_body(502, None, b"<html>Bad Gateway</html>");
        assert_eq!(e.code(), None);
        assert_eq!(e.message(), Some("<html>Bad Gateway</html>"));
        let e = ServiceError::from_body(500, None, br#"{"error_code":"OSM.00"#);
        assert!(e.message().unwrap().starts_with("malformed JSON"));
        assert_eq!(e.raw_body.as_deref(), Some(r#"{"error_code":"OSM.00"#));
        let e = ServiceError::from_body(503, Some("r".into()), b"");
        assert_eq!(e.raw_body, None);
        assert_eq!(
            e.to_string(),
            "error response with no body (HTTP 503, request id r)"
        );
    }

    #[test]
    fn raw_body_is_capped() {
        let big = vec![b'x'; MAX_RAW_BODY + 10];
        let e = ServiceError::from_body(500, None, &big);
        assert_eq!(e.raw_body.unwrap().chars().count(), MAX_RAW_BODY + 1);
    }

    #[test]
    fn deeply_nested_json_does_not_recurse_without_bound() {
        let body = "{\"a\":".repeat(100) + "1" + &"}".repeat(100);
        let e = ServiceError::from_body(500, None, body.as_bytes());
        assert_eq!(e.code(), None);
    }
}
