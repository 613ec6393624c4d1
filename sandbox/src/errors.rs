//! The errors the sandbox answers with, in OSM's and the gateway's shapes.
//!
//! OSM business errors (`OSM.0101xxxx`) come with HTTP **200** and a body of exactly
//! `{"error_code": …, "error_msg": …}`, as the real service sends them. The sandbox adds the reason
//! in an `X-Sandbox-Error-Detail` header (never in the body) to help debugging.

use huaweicloud_osm::error::codes;

/// Every `error_code` the sandbox answers with (IAM's logins apart): OSM's documented codes
/// ([`huaweicloud_osm::error::codes`]) and the gateway's.
pub const CODES: &[&str] = &[
    codes::BAD_REQUEST.code,
    codes::INTERNAL_ERROR.code,
    codes::PARAM_VALIDATION_FAILED.code,
    codes::PRESS_TOO_FREQUENT.code,
    codes::UPLOAD_DAILY_LIMIT_EXCEEDED.code,
    codes::SEVERITY_NOT_FOUND.code,
    codes::INVALID_ACTION.code,
    codes::OPERATION_FAILED.code,
    codes::CASE_NOT_FOUND.code,
    codes::BUSINESS_TYPE_FAILED.code,
    "APIGW.0101",
    "APIGW.0201",
    "APIGW.0301",
    "APIGW.0308",
];

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsmError {
    /// HTTP status.
    pub status: u16,
    /// `error_code`.
    pub code: &'static str,
    /// `error_msg`.
    pub message: String,
    /// Why, for `X-Sandbox-Error-Detail`.
    pub detail: Option<String>,
}

impl std::fmt::Display for OsmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} (HTTP {})", self.code, self.message, self.status)?;
        match &self.detail {
            Some(detail) => write!(f, ": {detail}"),
            None => Ok(()),
        }
    }
}

/// So that a test's `?` carries a sandbox refusal (`reply_as_engineer` on an unknown ticket, …).
impl std::error::Error for OsmError {}

impl OsmError {
    fn new(status: u16, code: &'static str, message: &str) -> Self {
        debug_assert!(CODES.contains(&code), "{code} is not in CODES");
        OsmError {
            status,
            code,
            message: message.to_string(),
            detail: None,
        }
    }

    /// Adds the reason (sent in `X-Sandbox-Error-Detail`).
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// HTTP 400 `OSM.0001`: the request cannot be read (malformed JSON or multipart, wrong content
    /// type).
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(400, codes::BAD_REQUEST.code, "failed").detail(detail)
    }

    /// HTTP 200 `OSM.01010001`: a parameter is missing or invalid.
    pub fn param(detail: impl Into<String>) -> Self {
        Self::new(
            200,
            codes::PARAM_VALIDATION_FAILED.code,
            "Param validation failed.",
        )
        .detail(detail)
    }

    /// HTTP 200 `OSM.01010004`: urged again too soon.
    pub fn press_too_frequent() -> Self {
        Self::new(
            200,
            codes::PRESS_TOO_FREQUENT.code,
            "You have asked for the order, please ask for it later.",
        )
    }

    /// HTTP 200 `OSM.01010005`: today's uploads exceed the daily limit.
    pub fn upload_limit() -> Self {
        Self::new(
            200,
            codes::UPLOAD_DAILY_LIMIT_EXCEEDED.code,
            "Upload accessory size exceeded limit today.",
        )
    }

    /// HTTP 200 `OSM.01010006`: unknown severity.
    pub fn severity_not_found() -> Self {
        Self::new(
            200,
            codes::SEVERITY_NOT_FOUND.code,
            "Severity Id not exists.",
        )
    }

    /// HTTP 200 `OSM.01010013`: unknown action.
    pub fn invalid_action() -> Self {
        Self::new(
            200,
            codes::INVALID_ACTION.code,
            "The operation must be canceled or closed or pressed or deleted.",
        )
    }

    /// HTTP 200 `OSM.01010014`: the operation is not possible (e.g. closing a closed ticket).
    pub fn operation_failed(detail: impl Into<String>) -> Self {
        Self::new(200, codes::OPERATION_FAILED.code, "Operation failed.").detail(detail)
    }

    /// HTTP 200 `OSM.01010015`: no such ticket.
    pub fn case_not_found() -> Self {
        Self::new(200, codes::CASE_NOT_FOUND.code, "This case does not exist.")
    }

    /// HTTP 200 `OSM.01010026`: unknown problem type.
    pub fn business_type_failed() -> Self {
        Self::new(
            200,
            codes::BUSINESS_TYPE_FAILED.code,
            "Get businessType failed.",
        )
    }

    /// HTTP 401 `APIGW.0301`: authentication failed (the message says why, as the gateway's does).
    pub fn unauthorized(reason: &str) -> Self {
        Self::new(
            401,
            "APIGW.0301",
            &format!("Incorrect IAM authentication information: {reason}"),
        )
    }

    /// HTTP 404 `APIGW.0101`: no such API.
    pub fn no_such_api() -> Self {
        Self::new(
            404,
            "APIGW.0101",
            "The API does not exist or has not been published in the environment",
        )
    }

    /// HTTP 413 `APIGW.0201`: the body is larger than `limit` bytes (the gateway's answer to an
    /// oversized request).
    pub fn too_large(limit: usize) -> Self {
        Self::new(413, "APIGW.0201", "Request entity too large")
            .detail(format!("the request body is over {limit} bytes"))
    }

    /// HTTP 500 `OSM.0004`.
    pub fn internal() -> Self {
        Self::new(500, codes::INTERNAL_ERROR.code, "Internal Server Error")
    }

    /// HTTP 503 `APIGW.0201`: the backend is unavailable.
    pub fn unavailable() -> Self {
        Self::new(503, "APIGW.0201", "Backend unavailable")
    }

    /// HTTP 429 `APIGW.0308`: throttled.
    pub fn throttled() -> Self {
        Self::new(
            429,
            "APIGW.0308",
            "The throttling threshold has been reached: policy user over ratelimit",
        )
    }

    /// The body, `{"error_code","error_msg"}` (plus `request_id` for gateway errors, as APIG does).
    pub fn body(&self, request_id: &str) -> serde_json::Value {
        let mut body = serde_json::json!({"error_code": self.code, "error_msg": self.message});
        if self.code.starts_with("APIGW") {
            body["request_id"] = request_id.into();
        }
        body
    }
}

/// Result of the sandbox's operations.
pub type OsmResult<T> = Result<T, OsmError>;
