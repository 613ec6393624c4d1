//! Every documented error code, and what a program does about it: the one classification table that
//! [`crate::Error::kind`] and every `is_*` predicate of [`crate::Error`] read.
//!
//! | [`ErrorKind`] | what to do | codes (HTTP status) |
//! |---|---|---|
//! | `Authentication` | fix the credentials | `OSM.0002` (401), `OSM.01010003`, `OSM.01010011`; `APIGW.0301`, `0303`, `0305`, `0307`, `0311` (401); `IAM.0001`, `IAM.0007` (401), `IAM.0004` (404) |
//! | `Permission` | grant the permission | `OSM.0003` (403), `OSM.01010002`, `OSM.01010007`, `OSM.01010009`; `APIGW.0302`, `0304`, `0306`, `0310` (403); `IAM.0002`, `IAM.0003` (403) |
//! | `Throttled` | slow down, try later | `APIGW.0308` (429); `OSM.01010004` (urged too soon), `OSM.01010024` (verification code sent too often) |
//! | `NotFound` | the ticket is gone | `OSM.01010015`, `OSM.01010062` |
//! | `InvalidRequest` | fix the request | `OSM.0001` (400), `OSM.01010001`, `0006`, `0008`, `0010`, `0012`, `0013`, `0016`, `0026`, `0058`; `APIGW.0101` (404: no such API here), `APIGW.0201` (400, 413, 414, 494); `IAM.0011` (400) |
//! | `Conflict` | the ticket's state forbids it | `OSM.01010014` (e.g. closing a closed ticket), `OSM.01010059` |
//! | `Quota` | wait for the quota | `OSM.01010005` (today's uploads) |
//! | `ServerFault` | try later, or call support | `OSM.0004` (500); `APIGW.0103`–`0107`, `0108`, `0201` (500, 502, 504), `0202`, `0203`; `IAM.0006` (500) |
//!
//! The `OSM.0101xxxx` business errors come with HTTP **200**; the client turns them into
//! [`crate::Error::Service`] all the same. The gateway's codes are documented both as `APIGW.xxxx`
//! (the API request signing guide) and `APIG.xxxx` (the gateway's user guide): both prefixes name
//! the same codes, listed once here as `APIGW.`. A code that means different things under different
//! statuses (`APIGW.0201`) has a row per status.
//!
//! A code this table does not know, or a known code under an error status none of its rows has,
//! is classified by its HTTP status ([`by_status`]): 401 authentication, 403 permission, 404 not
//! found, 409 conflict, 429 throttled, other client errors invalid request, 5xx server fault. A
//! known code under HTTP 200 keeps the class of its rows.
//!
//! Sources: OSM's `ErrorCode.html` and `ticket_api_20001.html` (v2 and v1.0 tables) and the seed
//! document for `OSM.01010058`/`059`; the API Gateway's error-code pages; IAM's token API
//! (`POST /v3/auth/tokens`) responses.

/// What a program does about an error: the categories of the classification table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The caller could not be authenticated (wrong AK/SK or signature, expired or invalid token,
    /// unknown account): fix the credentials. Retrying as is fails again (and five failed
    /// signatures in a row lock an AK for five minutes).
    Authentication,
    /// The caller is authenticated but not allowed to do this: grant the permission.
    Permission,
    /// Too many requests: slow down and try again later.
    Throttled,
    /// The ticket (or another resource the request names) does not exist.
    NotFound,
    /// The request is invalid as sent (a parameter, the body, the path): fix it.
    InvalidRequest,
    /// The request conflicts with the state of what it acts on (an action on a closed ticket).
    Conflict,
    /// A quota is used up (today's attachment uploads): wait for it to be renewed.
    Quota,
    /// The service or its gateway failed: try again later, or contact support.
    ServerFault,
}

/// A documented error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code, e.g. `OSM.01010015`.
    pub code: &'static str,
    /// HTTP status the service answers with.
    pub http_status: u16,
    /// What a program does about it.
    pub kind: ErrorKind,
    /// What it means and what to do.
    pub meaning: &'static str,
}

use ErrorKind::{
    Authentication, Conflict, InvalidRequest, NotFound, Permission, Quota, ServerFault, Throttled,
};

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = ($code:literal, $status:literal, $kind:ident, $meaning:literal);)*) => {
        $(
            $(#[$doc])*
            pub const $name: ErrorCode =
                ErrorCode { code: $code, http_status: $status, kind: $kind, meaning: $meaning };
        )*
        /// Every documented OSM code (v1.0 and v2).
        pub const OSM: &[ErrorCode] = &[$($name),*];
    };
}

codes! {
    /// Parameter validation exception (HTTP 400).
    BAD_REQUEST = ("OSM.0001", 400, InvalidRequest, "Parameter validation exception: check the request parameters.");
    /// Not authenticated (HTTP 401).
    UNAUTHORIZED = ("OSM.0002", 401, Authentication, "Not authenticated: the token is expired or invalid; get a new token.");
    /// Illegal operation (HTTP 403).
    FORBIDDEN = ("OSM.0003", 403, Permission, "Illegal operation.");
    /// Internal server error (HTTP 500).
    INTERNAL_ERROR = ("OSM.0004", 500, ServerFault, "Internal error: contact technical support.");
    /// Parameter validation failed.
    PARAM_VALIDATION_FAILED = ("OSM.01010001", 200, InvalidRequest, "Parameter validation failed: check the parameters against the API documentation.");
    /// No permission for the operation.
    NO_OPERATION_PERMISSION = ("OSM.01010002", 200, Permission, "No permission for the operation.");
    /// Wrong account or password.
    ACCOUNT_PASSWORD_MISMATCH = ("OSM.01010003", 200, Authentication, "The account and password do not match.");
    /// Urging (press) too often.
    PRESS_TOO_FREQUENT = ("OSM.01010004", 200, Throttled, "The ticket was urged too recently: urge it again later.");
    /// Today's uploads exceed the daily size limit.
    UPLOAD_DAILY_LIMIT_EXCEEDED = ("OSM.01010005", 200, Quota, "The total size of today's uploaded attachments exceeds the daily limit.");
    /// Unknown severity.
    SEVERITY_NOT_FOUND = ("OSM.01010006", 200, InvalidRequest, "The severity id does not exist.");
    /// The tenant has no role to create a case.
    NO_ROLE_TO_CREATE_CASE = ("OSM.01010007", 200, Permission, "The tenant has no role information to create a ticket.");
    /// Invalid carbon-copy e-mail.
    INVALID_CC_EMAIL = ("OSM.01010008", 200, InvalidRequest, "The carbon-copy e-mail address is not valid (length or format).");
    /// The support plan does not allow this case.
    BENEFIT_RULE_MISMATCH = ("OSM.01010009", 200, Permission, "The ticket cannot be created: the customer's support-plan benefits do not allow it (e.g. a fault report).");
    /// Verification failed.
    VERIFICATION_FAILED = ("OSM.01010010", 200, InvalidRequest, "Verification did not pass.");
    /// The customer cannot be resolved from the token.
    CUSTOMER_NOT_RESOLVED = ("OSM.01010011", 200, Authentication, "The customer cannot be resolved from the token.");
    /// Type must be 0 or 1.
    TYPE_MUST_BE_0_OR_1 = ("OSM.01010012", 200, InvalidRequest, "The type must be 0 or 1.");
    /// The action must be cancel, close, press or delete.
    INVALID_ACTION = ("OSM.01010013", 200, InvalidRequest, "The operation must be cancel, close, press (urge) or delete.");
    /// Operation failed: documented as an internal exception, answered to an action the ticket's
    /// state does not allow (closing a closed ticket, urging a finished one).
    OPERATION_FAILED = ("OSM.01010014", 200, Conflict, "Operation failed: the ticket's state does not allow it (e.g. it is closed), or an internal service exception; contact technical support if it persists.");
    /// The ticket does not exist.
    CASE_NOT_FOUND = ("OSM.01010015", 200, NotFound, "The ticket does not exist: check the case id.");
    /// Invalid create-feedback type (the rest of the message is not documented).
    INVALID_FEEDBACK_TYPE = ("OSM.01010016", 200, InvalidRequest, "The create-feedback type is invalid.");
    /// Verification code resent too often.
    VERIFY_CODE_TOO_FREQUENT = ("OSM.01010024", 200, Throttled, "Verification code sent too often: a code is valid for 5 minutes and can be sent once a minute.");
    /// Getting the business (problem) type failed.
    BUSINESS_TYPE_FAILED = ("OSM.01010026", 200, InvalidRequest, "Getting the problem (business) type failed: check the problem type id.");
    /// The handler does not match the customer's partner (seed document).
    HANDLER_PARTNER_MISMATCH = ("OSM.01010058", 200, InvalidRequest, "The selected handler does not match the partner the ticket's customer belongs to: see the error message or contact technical support.");
    /// The customer already bought a support plan (seed document).
    SUPPORT_PLAN_ALREADY_BOUGHT = ("OSM.01010059", 200, Conflict, "The ticket's customer has already bought a support plan: see the error message or contact technical support.");
    /// The workflow node does not exist.
    WORKFLOW_NODE_NOT_FOUND = ("OSM.01010062", 200, NotFound, "The workflow node does not exist.");
}

const fn row(
    code: &'static str,
    http_status: u16,
    kind: ErrorKind,
    meaning: &'static str,
) -> ErrorCode {
    ErrorCode {
        code,
        http_status,
        kind,
        meaning,
    }
}

/// The API Gateway's codes (`01xx` routing, `02xx` request and backend, `03xx` authentication,
/// authorization and throttling), as `APIGW.`; `APIG.` names the same codes.
#[rustfmt::skip]
pub const GATEWAY: &[ErrorCode] = &[
    row("APIGW.0101", 404, InvalidRequest, "The API does not exist or has not been published in the environment: check the endpoint, the path and the method."),
    row("APIGW.0103", 404, ServerFault, "The backend does not exist: contact technical support."),
    row("APIGW.0103", 500, ServerFault, "The backend does not exist: contact technical support."),
    row("APIGW.0104", 400, ServerFault, "The plug-ins do not exist: contact technical support."),
    row("APIGW.0104", 500, ServerFault, "The plug-ins do not exist: contact technical support."),
    row("APIGW.0105", 400, ServerFault, "The backend configurations do not exist: contact technical support."),
    row("APIGW.0105", 500, ServerFault, "The backend configurations do not exist: contact technical support."),
    row("APIGW.0106", 400, ServerFault, "Orchestration error: the API's frontend and backend parameters do not fit."),
    row("APIGW.0107", 500, ServerFault, "The API's custom script failed: contact technical support."),
    row("APIGW.0108", 404, ServerFault, "The API's backend server group does not exist: contact technical support."),
    row("APIGW.0201", 400, InvalidRequest, "API request error: the request is not valid."),
    row("APIGW.0201", 413, InvalidRequest, "Request entity too large (more than 12 MB)."),
    row("APIGW.0201", 414, InvalidRequest, "Request URI too large."),
    row("APIGW.0201", 494, InvalidRequest, "Request headers too large."),
    row("APIGW.0201", 500, ServerFault, "An unexpected error occurred in the gateway."),
    row("APIGW.0201", 502, ServerFault, "Backend unavailable."),
    row("APIGW.0201", 504, ServerFault, "Backend timeout."),
    row("APIGW.0202", 502, ServerFault, "Backend unavailable."),
    row("APIGW.0203", 504, ServerFault, "Backend timeout."),
    row("APIGW.0301", 401, Authentication, "Incorrect IAM authentication information: wrong AK/SK or signature, signature expired (clock skew), token invalid or expired."),
    row("APIGW.0302", 403, Permission, "The IAM user is not authorized to access the API."),
    row("APIGW.0303", 401, Authentication, "Incorrect app authentication information."),
    row("APIGW.0304", 403, Permission, "The app is not authorized to access the API."),
    row("APIGW.0305", 401, Authentication, "Incorrect authentication information."),
    row("APIGW.0306", 403, Permission, "API access denied."),
    row("APIGW.0307", 401, Authentication, "The token must be updated: get a new token from IAM (or the API of another region was called)."),
    row("APIGW.0308", 429, Throttled, "The throttling threshold has been reached: try again later."),
    row("APIGW.0310", 403, Permission, "The project is unavailable."),
    row("APIGW.0311", 401, Authentication, "Incorrect debugging authentication information."),
];

/// IAM's codes answered to the SDK's credential exchanges (password login and token requests,
/// `POST /v3/auth/tokens`, and the account lookup).
#[rustfmt::skip]
pub const IAM: &[ErrorCode] = &[
    row("IAM.0001", 401, Authentication, "The request requires authentication: wrong user name, password or account, or an invalid token."),
    row("IAM.0002", 403, Permission, "You are not authorized to perform the requested action."),
    row("IAM.0003", 403, Permission, "The policy does not allow the action."),
    row("IAM.0004", 404, Authentication, "The identity the credentials name (user, account, agency, identity provider) cannot be found."),
    row("IAM.0006", 500, ServerFault, "An unexpected error prevented IAM from fulfilling the request."),
    row("IAM.0007", 401, Authentication, "A parameter of the authentication request is invalid (e.g. the id token)."),
    row("IAM.0011", 400, InvalidRequest, "The request body is invalid."),
];

/// Every documented code: OSM's, IAM's and the gateway's.
pub fn all() -> impl Iterator<Item = &'static ErrorCode> {
    [OSM, IAM, GATEWAY].into_iter().flatten()
}

/// The rows of `code` (an `APIG.` code is read as its `APIGW.` twin).
fn rows(code: &str) -> impl Iterator<Item = &'static ErrorCode> {
    let code = code.trim();
    let gateway = code.strip_prefix("APIG.");
    all().filter(move |row| match gateway {
        Some(number) => row.code.strip_prefix("APIGW.") == Some(number),
        None => row.code == code,
    })
}

/// The documented meaning of `code` answered with `status`: its row for that status, else its first
/// row (`APIG.` codes are found as `APIGW.`).
pub fn lookup(code: &str, status: u16) -> Option<&'static ErrorCode> {
    rows(code)
        .find(|row| row.http_status == status)
        .or_else(|| rows(code).next())
}

/// What a program does about an answer with this code (if any) and HTTP status: the row of the
/// code for that status; else, for an error status, what [`by_status`] says; else (a business
/// error under HTTP 200) the code's rows when they agree.
pub fn classify(code: Option<&str>, status: u16) -> Option<ErrorKind> {
    let exact = code.and_then(|code| rows(code).find(|row| row.http_status == status));
    exact
        .map(|row| row.kind)
        .or_else(|| (status >= 400).then(|| by_status(status)).flatten())
        .or_else(|| {
            let mut kinds = rows(code?).map(|row| row.kind);
            let first = kinds.next()?;
            kinds.all(|kind| kind == first).then_some(first)
        })
}

/// What an HTTP status says when the code does not: 401 authentication (407 the proxy's), 403
/// permission, 404 and 410 not found, 409 and 412 conflict, 429 throttled, other client errors
/// about the request invalid request, 5xx server fault; nothing for a success (a business error
/// with an unknown code) or 408.
pub fn by_status(status: u16) -> Option<ErrorKind> {
    match status {
        401 | 407 => Some(Authentication),
        403 => Some(Permission),
        404 | 410 => Some(NotFound),
        409 | 412 => Some(Conflict),
        429 => Some(Throttled),
        400 | 405 | 406 | 411 | 413..=418 | 421 | 422 | 431 | 494 => Some(InvalidRequest),
        500..=599 => Some(ServerFault),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_unique_and_found_under_their_status() {
        for row in all() {
            assert_eq!(lookup(row.code, row.http_status), Some(row));
            assert_eq!(classify(Some(row.code), row.http_status), Some(row.kind));
            assert_eq!(
                all()
                    .filter(|o| (o.code, o.http_status) == (row.code, row.http_status))
                    .count(),
                1,
                "{} {}",
                row.code,
                row.http_status
            );
        }
        assert_eq!(lookup("OSM.01010058", 200).unwrap().http_status, 200);
        assert!(lookup("OSM.9", 200).is_none());
    }

    #[test]
    fn both_gateway_prefixes_name_the_same_codes() {
        for row in GATEWAY {
            assert!(row.code.starts_with("APIGW.0"), "{}", row.code);
            let twin = row.code.replace("APIGW.", "APIG.");
            assert_eq!(lookup(&twin, row.http_status), Some(row));
        }
        assert_eq!(classify(Some("APIG.0308"), 429), Some(Throttled));
        assert_eq!(classify(Some("APIG.0301"), 401), Some(Authentication));
    }

    #[test]
    fn a_known_code_under_another_error_status_is_classified_by_the_status() {
        // APIGW.0201 is a bad request under 4xx and a backend failure under 5xx; 503 has no row.
        assert_eq!(classify(Some("APIGW.0201"), 503), Some(ServerFault));
        assert_eq!(classify(Some("APIGW.0201"), 400), Some(InvalidRequest));
        // IAM's body-validation code answered to a login with 401.
        assert_eq!(classify(Some("IAM.0011"), 401), Some(Authentication));
        assert_eq!(classify(Some("OSM.01010015"), 404), Some(NotFound));
        // Under HTTP 200 a code keeps its class, whatever status its row documents.
        assert_eq!(classify(Some("OSM.0001"), 200), Some(InvalidRequest));
        assert_eq!(classify(Some("APIGW.0308"), 200), Some(Throttled));
        assert_eq!(classify(Some("APIGW.0201"), 200), None, "its rows disagree");
    }

    #[test]
    fn unknown_codes_fall_back_on_the_status() {
        for (status, kind) in [
            (401, Some(Authentication)),
            (403, Some(Permission)),
            (404, Some(NotFound)),
            (409, Some(Conflict)),
            (429, Some(Throttled)),
            (400, Some(InvalidRequest)),
            (413, Some(InvalidRequest)),
            (500, Some(ServerFault)),
            (503, Some(ServerFault)),
            (200, None),
            (408, None),
        ] {
            assert_eq!(classify(Some("XYZ.0001"), status), kind, "{status}");
            assert_eq!(classify(None, status), kind, "{status}");
        }
    }
}
