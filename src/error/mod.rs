//! The one error type every call returns, generated or hand-written, and how errors arrive.
//!
//! OSM answers errors in several shapes: HTTP 4xx/5xx with `{"error_code","error_msg"}` (or a
//! gateway HTML page, an empty or truncated body), and HTTP **200** with a non-empty `error_code`
//! (business errors `OSM.0101xxxx`). Every one of them becomes [`Error::Service`] with a
//! [`ServiceError`] that keeps the status, code, message, request id and raw body. A success answer
//! whose body is not the documented JSON (truncated, wrong shape, too deeply nested) becomes
//! [`Error::Decode`], which keeps the status, request id and raw body too. A request that got no
//! answer is [`Error::Transport`] or [`Error::Timeout`], whose `Display` names the cause and the
//! request (`transport error: connection refused (os error 111) for GET
//! http://127.0.0.1:9/v2/servicerequest/cases`, never the query string).
//!
//! What a program does about an error is read from one table, [`codes`]: every documented code
//! (OSM's, IAM's, the API Gateway's) is classified as an [`ErrorKind`], and an unknown code by its
//! HTTP status. [`Error::kind`] gives the class; the predicates each mean one thing:
//!
//! * [`Error::is_auth`]: authentication or permission failed (`APIGW.0301`, `OSM.0002`, …);
//! * [`Error::is_throttled`]: HTTP 429, `APIGW.0308`, the urge and verification-code limits;
//! * [`Error::is_not_found`]: the ticket does not exist (`OSM.01010015`, …);
//! * [`Error::is_invalid_request`]: the request is invalid, whether the client refused it before
//!   sending ([`Error::status`] is `None`) or the service did (`OSM.01010001`, `OSM.0001`, …);
//! * [`Error::is_retryable`]: what the retry policy retries ([`crate::retry`]): a connection that
//!   could not be made, a failure after sending, HTTP 429, 500, 502, 503, 504;
//! * [`Error::is_timeout`]: a time limit was reached.
//!
//! The `match` an alert-to-ticket bridge writes:
//!
//! ```no_run
//! use huaweicloud_osm::error::ErrorKind;
//! # async fn demo(client: huaweicloud_osm::Client) {
//! match client.show_case_detail().case_id("CS20990101000000").send().await {
//!     Ok(ticket) => println!("{:?}", ticket.into_inner()),
//!     Err(e) if e.is_retryable() => println!("try again later: {e}"),
//!     Err(e) => match e.kind() {
//!         Some(ErrorKind::Authentication | ErrorKind::Permission) => println!("fix the credentials: {e}"),
//!         Some(ErrorKind::Throttled) => println!("slow down: {e}"),
//!         Some(ErrorKind::NotFound) => println!("the ticket is gone"),
//!         Some(ErrorKind::InvalidRequest) => println!("fix the alert's data: {e}"),
//!         _ => println!("give up, quote request id {:?}: {e}", e.request_id()),
//!     },
//! }
//! # }
//! ```

pub mod codes;
mod decode;
mod transport;

pub use codes::ErrorKind;
pub use transport::{RequestLine, TransportError};

pub(crate) use decode::{answer, header_str, json, raw_text, undocumented};

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::retry::Outcome;

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
    /// The configuration cannot work: found when the client is built (a bad endpoint, no
    /// credentials, …) or during a call, when credentials are obtained (a profile or token file
    /// that cannot be read, an account id IAM cannot determine, an answer of a credential service
    /// without usable keys, …).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The client refused the call: before anything was sent (a bad argument, a limit of the
    /// spec, a request that cannot be built or signed), or, for a call that must hold an answer
    /// whole ([`crate::RawRequest::send_bytes`], a page of a binary export), because the answer is
    /// larger than the client's largest response body. [`Error::status`] is `None`.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The service (or the gateway in front of it) answered with an error.
    #[error("{0}")]
    Service(Box<ServiceError>),
    /// No usable response: connection refused or reset, DNS, TLS or proxy failure, body cut short.
    /// `Display` names the cause already, so this variant has no `source()`: the chain of causes
    /// is the [`TransportError`]'s.
    #[error("transport error: {0}")]
    Transport(TransportError),
    /// A time limit was reached; `kind` says which one.
    #[error("{kind} timed out{}", request.as_ref().map(|r| format!(" for {r}")).unwrap_or_default())]
    Timeout {
        /// Which limit.
        kind: TimeoutKind,
        /// The request that was under way, when known.
        request: Option<RequestLine>,
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

    /// HTTP status of the response, when there was one (200 for business errors); `None` when
    /// nothing was answered, a request refused before sending included.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Decode { status, .. } => *status,
            Error::Transport(e) => e.inner().status().map(|s| s.as_u16()),
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

    /// What a program does about this error, from the classification table ([`codes`]): the
    /// class of the service's code (by HTTP status when the code is unknown), or
    /// [`ErrorKind::InvalidRequest`] for a request refused before sending. `None` for failures
    /// with no answer (transport, timeouts; see [`Error::is_retryable`]) and local ones.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Error::Service(e) => e.kind(),
            Error::InvalidRequest(_) => Some(ErrorKind::InvalidRequest),
            _ => None,
        }
    }

    /// The ticket (or the resource the request names) does not exist.
    pub fn is_not_found(&self) -> bool {
        self.kind() == Some(ErrorKind::NotFound)
    }

    /// Authentication or authorization failed (bad signature, expired token, no permission), and
    /// nothing else: throttling is [`Error::is_throttled`].
    pub fn is_auth(&self) -> bool {
        matches!(
            self.kind(),
            Some(ErrorKind::Authentication | ErrorKind::Permission)
        )
    }

    /// The caller is sending too much: HTTP 429 (`APIGW.0308`), a ticket urged too soon
    /// (`OSM.01010004`), a verification code sent too often (`OSM.01010024`). The two OSM limits
    /// last minutes, longer than a retry waits: they are not [`Error::is_retryable`].
    pub fn is_throttled(&self) -> bool {
        self.kind() == Some(ErrorKind::Throttled)
    }

    /// A time limit was reached, a waiter's included (see [`Error::timeout_kind`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::WaitTimeout { .. })
    }

    /// The request is invalid: the client refused it before sending (a bad argument, a limit of
    /// the spec; [`Error::status`] is `None`), or the service did (`OSM.01010001`, `OSM.0001`, …;
    /// the status is the answer's, 200 for business errors).
    pub fn is_invalid_request(&self) -> bool {
        self.kind() == Some(ErrorKind::InvalidRequest)
    }

    /// Trying the same call again may succeed: exactly what the retry policy retries
    /// ([`crate::retry`]): a connection that could not be made, a failure after the request was
    /// sent (timeouts included), HTTP 429, 500, 502, 503, 504. This says nothing about whether
    /// retrying is *safe*: a creation may already have happened.
    pub fn is_retryable(&self) -> bool {
        self.outcome().is_some_and(Outcome::is_transient)
    }

    /// What the error says happened, as the retry rules see it: the status of an answer, a
    /// connection that could not be made (connect timeouts included), a failure once the request
    /// may have left (attempt and operation timeouts included); `None` for a failure on this side,
    /// which is never retried.
    pub(crate) fn outcome(&self) -> Option<Outcome> {
        match self {
            Error::Service(e) => Some(Outcome::Status(e.status)),
            Error::Transport(e) if e.is_connect() => Some(Outcome::ConnectFailed),
            Error::Transport(_) => Some(Outcome::SentThenFailed),
            Error::Timeout { kind, .. } => match kind {
                TimeoutKind::Connect => Some(Outcome::ConnectFailed),
                TimeoutKind::Attempt | TimeoutKind::Operation => Some(Outcome::SentThenFailed),
                TimeoutKind::Wait => None,
            },
            _ => None,
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

    /// `e`, met while sending `request` (or building it): a builder error is an invalid request,
    /// a timeout a [`TimeoutKind::Connect`] or [`TimeoutKind::Attempt`] timeout, anything else a
    /// [`TransportError`].
    pub(crate) fn reqwest(e: reqwest::Error, request: Option<RequestLine>) -> Self {
        if e.is_builder() {
            return Error::InvalidRequest(format!(
                "cannot build the request: {}",
                transport::root_cause(&e)
            ));
        }
        if e.is_timeout() {
            let kind = if e.is_connect() {
                TimeoutKind::Connect
            } else {
                TimeoutKind::Attempt
            };
            let transport = TransportError::new(e, request);
            return Error::Timeout {
                kind,
                request: transport.request().cloned(),
                source: Some(transport.into_inner()),
            };
        }
        Error::Transport(TransportError::new(e, request))
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
        Error::reqwest(e, None)
    }
}

/// A header value that cannot be sent (a line break in a parameter, say): refused before sending.
impl From<reqwest::header::InvalidHeaderValue> for Error {
    fn from(e: reqwest::header::InvalidHeaderValue) -> Self {
        Error::InvalidRequest(format!("a header value is not valid: {e}"))
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ServiceError {
    /// HTTP status (200 for business errors reported in a success response).
    #[serde(skip)]
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
    #[serde(skip)]
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

    /// The documented meaning of the code, when it is a known code (OSM's, IAM's, the gateway's).
    pub fn known_code(&self) -> Option<&'static codes::ErrorCode> {
        self.code()
            .and_then(|code| codes::lookup(code, self.status))
    }

    /// What a program does about it: the class of its code in [`codes`], else of its HTTP status.
    pub fn kind(&self) -> Option<ErrorKind> {
        codes::classify(self.code(), self.status)
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

#[cfg(test)]
mod tests {
    //! One test per predicate over the whole classification table: every row, under its own
    //! status, and its `APIG.` twin for the gateway's codes.

    use super::codes::{self, ErrorCode};
    use super::*;
    use crate::retry::RetryPolicy;

    fn answered(code: &str, status: u16) -> Error {
        ServiceError {
            status,
            error_code: Some(code.into()),
            error_msg: Some("…".into()),
            ..Default::default()
        }
        .into()
    }

    /// Every row as the error a caller gets, with the `APIG.` spelling of gateway codes too.
    fn every_row() -> Vec<(&'static ErrorCode, Error)> {
        let mut errors = Vec::new();
        for row in codes::all() {
            errors.push((row, answered(row.code, row.http_status)));
            if let Some(number) = row.code.strip_prefix("APIGW.") {
                errors.push((row, answered(&format!("APIG.{number}"), row.http_status)));
            }
        }
        errors
    }

    /// `predicate` holds for exactly the rows of these kinds.
    fn holds_for(predicate: fn(&Error) -> bool, kinds: &[ErrorKind]) {
        for (row, err) in every_row() {
            assert_eq!(predicate(&err), kinds.contains(&row.kind), "{err}");
        }
    }

    /// The codes of the rows for which `predicate` holds.
    fn codes_where(predicate: impl Fn(&Error) -> bool) -> std::collections::BTreeSet<&'static str> {
        every_row()
            .into_iter()
            .filter(|(_, e)| predicate(e))
            .map(|(row, _)| row.code)
            .collect()
    }

    #[test]
    fn is_auth_is_authentication_and_permission_only() {
        let auth = [ErrorKind::Authentication, ErrorKind::Permission];
        holds_for(Error::is_auth, &auth);
        for (row, err) in every_row() {
            if matches!(row.http_status, 401 | 403) {
                assert!(err.is_auth(), "{err}");
            }
        }
        assert!(
            !answered("APIGW.0308", 429).is_auth(),
            "throttling is not auth"
        );
        assert!(!answered("APIG.0308", 429).is_auth());
        let osm = codes_where(Error::is_auth);
        for code in [
            "OSM.0002",
            "OSM.0003",
            "OSM.01010002",
            "OSM.01010003",
            "APIGW.0301",
        ] {
            assert!(osm.contains(code), "{code}");
        }
        assert!(!Error::InvalidRequest("x".into()).is_auth());
    }

    #[test]
    fn is_throttled_is_429_and_the_frequency_limits() {
        holds_for(Error::is_throttled, &[ErrorKind::Throttled]);
        for (_, err) in every_row() {
            assert!(!(err.is_throttled() && err.is_auth()), "{err}");
        }
        assert_eq!(
            codes_where(Error::is_throttled),
            ["APIGW.0308", "OSM.01010004", "OSM.01010024"].into()
        );
        assert!(
            answered("XYZ.1", 429).is_throttled(),
            "an unknown code under 429"
        );
    }

    #[test]
    fn is_invalid_request_covers_the_services_validation_codes_and_local_refusals() {
        holds_for(Error::is_invalid_request, &[ErrorKind::InvalidRequest]);
        for (row, err) in every_row() {
            if err.is_invalid_request() {
                assert!(row.http_status < 500, "{err}");
            }
        }
        let invalid = codes_where(Error::is_invalid_request);
        for code in [
            "OSM.0001",
            "OSM.01010001",
            "OSM.01010006",
            "OSM.01010008",
            "OSM.01010012",
            "OSM.01010013",
            "OSM.01010026",
        ] {
            assert!(invalid.contains(code), "{code}");
        }
        let local = Error::InvalidRequest("body.simple_description: too long".into());
        assert!(local.is_invalid_request());
        assert_eq!(local.status(), None);
        let answered = answered("OSM.01010001", 200);
        assert_eq!(
            (answered.is_invalid_request(), answered.status()),
            (true, Some(200))
        );
    }

    #[test]
    fn is_not_found_is_a_missing_ticket_or_resource() {
        holds_for(Error::is_not_found, &[ErrorKind::NotFound]);
        let missing = codes_where(Error::is_not_found);
        assert!(missing.contains("OSM.01010015"));
        assert!(
            !missing.contains("APIGW.0101"),
            "a wrong endpoint is not a missing ticket"
        );
        assert!(
            answered("XYZ.1", 404).is_not_found(),
            "an unknown code under 404"
        );
    }

    #[test]
    fn is_retryable_is_the_retry_policys_classification() {
        let policy = RetryPolicy::default();
        for (row, err) in every_row() {
            let retried =
                crate::retry::is_retryable(Outcome::Status(row.http_status), true, &policy);
            assert_eq!(err.is_retryable(), retried, "{err}");
            assert_eq!(
                err.is_retryable(),
                [429, 500, 502, 503, 504].contains(&row.http_status),
                "{err}"
            );
        }
        // The two used to disagree on 408.
        assert!(!answered("XYZ.1", 408).is_retryable());
        assert!(!crate::retry::is_retryable(
            Outcome::Status(408),
            true,
            &policy
        ));
        for kind in [
            TimeoutKind::Connect,
            TimeoutKind::Attempt,
            TimeoutKind::Operation,
        ] {
            let err = Error::Timeout {
                kind,
                request: None,
                source: None,
            };
            assert!(err.is_retryable(), "{err}");
        }
        let local = [
            Error::InvalidRequest("x".into()),
            Error::Config("x".into()),
            Error::WaitTimeout {
                awaited: "x".into(),
                waited: std::time::Duration::ZERO,
                last: None,
            },
        ];
        for err in local {
            assert!(!err.is_retryable(), "{err}");
        }
    }

    #[test]
    fn every_row_has_one_kind_and_kind_reads_the_table() {
        for (row, err) in every_row() {
            assert_eq!(err.kind(), Some(row.kind), "{err}");
            assert_eq!(err.service().unwrap().known_code(), Some(row));
            let predicates = [
                err.is_auth(),
                err.is_throttled(),
                err.is_not_found(),
                err.is_invalid_request(),
            ];
            assert!(predicates.iter().filter(|p| **p).count() <= 1, "{err}");
        }
    }
}
