//! The one error type every call returns, generated or hand-written, and how errors arrive.
//!
//! OSM answers errors in several shapes: HTTP 4xx/5xx with `{"error_code","error_msg"}` (or a
//! gateway HTML page, an empty or truncated body), and HTTP **200** with a non-empty `error_code`
//! (business errors `OSM.0101xxxx`). Every one of them becomes [`Error::Service`] with a
//! [`ServiceError`] that keeps the status, code, message, request id and raw body. A success answer
//! whose body is not the documented JSON (truncated, wrong shape, too deeply nested) becomes
//! [`Error::Decode`], which keeps the status, request id and raw body too.
//!
//! Whatever produced it, an [`Error`] answers the usual questions directly:
//!
//! ```no_run
//! # async fn demo(client: huaweicloud_osm::Client) {
//! let err = client.show_case_detail().case_id("CS20990101000000").send().await.unwrap_err();
//! if err.is_not_found() {
//!     println!("{:?}: {:?} (request id {:?})", err.code(), err.message(), err.request_id());
//! }
//! # }
//! ```

pub mod codes;
mod decode;

pub(crate) use decode::{
    DecodeContext, LOCAL_CONFIG, LOCAL_INVALID_REQUEST, LOCAL_OPERATION_TIMEOUT, Normalized,
    envelope_response, header_str, local_error, normalize, raw_text, read_capped,
};

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
    /// A waiter gave up: what it waited for did not happen in time.
    #[error("timed out after {waited:?} waiting for {awaited}{}",
        last.as_deref().map(|l| format!(" (last seen: {l})")).unwrap_or_default())]
    WaitTimeout {
        /// What was awaited, e.g. `ticket CS1 to reach the wanted status`.
        awaited: String,
        /// How long the waiter waited.
        waited: std::time::Duration,
        /// What the last poll saw, when it saw anything.
        last: Option<String>,
    },
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

    /// The service's error message; for an error found before sending (a bad argument, a bad
    /// setting), what was wrong.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.message(),
            Error::InvalidRequest(m) | Error::Config(m) => Some(m),
            _ => None,
        }
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

    /// A time limit was reached, a waiter's included (see [`Error::timeout_kind`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::WaitTimeout { .. })
    }

    /// The call was refused before anything was sent: a bad argument or a limit of the spec.
    pub fn is_invalid_request(&self) -> bool {
        matches!(self, Error::InvalidRequest(_))
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
            Error::WaitTimeout { .. } => Some(TimeoutKind::Wait),
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
    /// A waiter's whole wait ([`Error::WaitTimeout`]).
    Wait,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connecting",
            TimeoutKind::Attempt => "the attempt",
            TimeoutKind::Operation => "the operation",
            TimeoutKind::Wait => "the wait",
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

/// An error answered by the service or its gateway.
///
/// Replaces the spec's `ErrorResponse` in the generated code, so generated and hand-written
/// operations report errors alike. Serializes to the wire shape (`error_code`, `error_msg`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
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
    /// An error body with this code and message, as the service sends it: for mocks
    /// (`then.client_error(401, &ServiceError::new("APIGW.0301", "…"))`) and servers.
    ///
    /// ```
    /// use huaweicloud_osm::ServiceError;
    ///
    /// let e = ServiceError::new("OSM.01010015", "This case does not exist.");
    /// assert_eq!(e.code(), Some("OSM.01010015"));
    /// assert_eq!(
    ///     serde_json::to_value(&e).unwrap(),
    ///     serde_json::json!({"error_code": "OSM.01010015", "error_msg": "This case does not exist."})
    /// );
    /// ```
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            error_code: Some(code.into()),
            error_msg: Some(message.into()),
            ..Self::default()
        }
    }

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
