//! The OSM error codes documented by Huawei (`ErrorCode.html`, `ticket_api_20001.html`) and the two of
//! the seed document, with the HTTP status they come with and what they mean.
//!
//! Business errors `OSM.0101xxxx` arrive with HTTP **200**; the client turns them into
//! [`crate::Error::Service`] all the same. Compare with [`crate::ServiceError::code`] or look a code up
//! with [`lookup`].

/// A documented error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code, e.g. `OSM.01010015`.
    pub code: &'static str,
    /// HTTP status the service answers with.
    pub http_status: u16,
    /// What it means and what to do.
    pub meaning: &'static str,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = ($code:literal, $status:literal, $meaning:literal);)*) => {
        $(
            $(#[$doc])*
            pub const $name: ErrorCode = ErrorCode { code: $code, http_status: $status, meaning: $meaning };
        )*
        /// Every documented code.
        pub const ALL: &[ErrorCode] = &[$($name),*];
    };
}

codes! {
    /// Parameter validation exception (HTTP 400).
    BAD_REQUEST = ("OSM.0001", 400, "Parameter validation exception: check the request parameters.");
    /// Not authenticated (HTTP 401).
    UNAUTHORIZED = ("OSM.0002", 401, "Not authenticated: the token is expired or invalid; get a new token.");
    /// Illegal operation (HTTP 403).
    FORBIDDEN = ("OSM.0003", 403, "Illegal operation.");
    /// Internal server error (HTTP 500).
    INTERNAL_ERROR = ("OSM.0004", 500, "Internal error: contact technical support.");
    /// Parameter validation failed.
    PARAM_VALIDATION_FAILED = ("OSM.01010001", 200, "Parameter validation failed: check the parameters against the API documentation.");
    /// No permission for the operation.
    NO_OPERATION_PERMISSION = ("OSM.01010002", 200, "No permission for the operation.");
    /// Wrong account or password.
    ACCOUNT_PASSWORD_MISMATCH = ("OSM.01010003", 200, "The account and password do not match.");
    /// Urging (press) too often.
    PRESS_TOO_FREQUENT = ("OSM.01010004", 200, "The ticket was urged too recently: urge it again later.");
    /// Today's uploads exceed the daily size limit.
    UPLOAD_DAILY_LIMIT_EXCEEDED = ("OSM.01010005", 200, "The total size of today's uploaded attachments exceeds the daily limit.");
    /// Unknown severity.
    SEVERITY_NOT_FOUND = ("OSM.01010006", 200, "The severity id does not exist.");
    /// The tenant has no role to create a case.
    NO_ROLE_TO_CREATE_CASE = ("OSM.01010007", 200, "The tenant has no role information to create a ticket.");
    /// Invalid carbon-copy e-mail.
    INVALID_CC_EMAIL = ("OSM.01010008", 200, "The carbon-copy e-mail address is not valid (length or format).");
    /// The support plan does not allow this case.
    BENEFIT_RULE_MISMATCH = ("OSM.01010009", 200, "The ticket cannot be created: the customer's support-plan benefits do not allow it (e.g. a fault report).");
    /// Verification failed.
    VERIFICATION_FAILED = ("OSM.01010010", 200, "Verification did not pass.");
    /// The customer cannot be resolved from the token.
    CUSTOMER_NOT_RESOLVED = ("OSM.01010011", 200, "The customer cannot be resolved from the token.");
    /// Type must be 0 or 1.
    TYPE_MUST_BE_0_OR_1 = ("OSM.01010012", 200, "The type must be 0 or 1.");
    /// The action must be cancel, close, press or delete.
    INVALID_ACTION = ("OSM.01010013", 200, "The operation must be cancel, close, press (urge) or delete.");
    /// Operation failed (internal).
    OPERATION_FAILED = ("OSM.01010014", 200, "Operation failed: internal service exception; contact technical support.");
    /// The ticket does not exist.
    CASE_NOT_FOUND = ("OSM.01010015", 200, "The ticket does not exist: check the case id.");
    /// Invalid create-feedback type (the rest of the message is not documented).
    INVALID_FEEDBACK_TYPE = ("OSM.01010016", 200, "The create-feedback type is invalid.");
    /// Verification code resent too often.
    VERIFY_CODE_TOO_FREQUENT = ("OSM.01010024", 200, "Verification code sent too often: a code is valid for 5 minutes and can be sent once a minute.");
    /// Getting the business (problem) type failed.
    BUSINESS_TYPE_FAILED = ("OSM.01010026", 200, "Getting the problem (business) type failed.");
    /// The handler does not match the customer's partner (seed document).
    HANDLER_PARTNER_MISMATCH = ("OSM.01010058", 200, "The selected handler does not match the partner the ticket's customer belongs to: see the error message or contact technical support.");
    /// The customer already bought a support plan (seed document).
    SUPPORT_PLAN_ALREADY_BOUGHT = ("OSM.01010059", 200, "The ticket's customer has already bought a support plan: see the error message or contact technical support.");
    /// The workflow node does not exist.
    WORKFLOW_NODE_NOT_FOUND = ("OSM.01010062", 200, "The workflow node does not exist.");
}

/// The documented meaning of a code, if it is one of [`ALL`].
pub fn lookup(code: &str) -> Option<&'static ErrorCode> {
    ALL.iter().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_found() {
        for c in ALL {
            assert_eq!(lookup(c.code), Some(c));
            assert_eq!(
                ALL.iter().filter(|o| o.code == c.code).count(),
                1,
                "{}",
                c.code
            );
        }
        assert_eq!(lookup("OSM.01010058").unwrap().http_status, 200);
        assert!(lookup("OSM.9").is_none());
    }
}
