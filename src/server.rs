//! Server-side helpers for servers such as osm-sandbox: signature verification and the calendar;
//! clients never need it. Only with the `server` feature.
//!
//! * [`verify`] checks an SDK-HMAC-SHA256 signature exactly as the gateway does, over a
//!   [`ReceivedRequest`], and tells the access key and `X-Sdk-Date` of a [`Verified`] request or
//!   why it was refused ([`VerifyError`]); [`parse_query`] decodes a query string as it does;
//!   [`needs_body`] tells whether a request's body can stream past verification (an
//!   `UNSIGNED-PAYLOAD` upload) or must be read first. Signatures are compared in constant time
//!   ([`constant_time_eq`], also for a server's own passwords and tokens), and an
//!   `Authorization` header too large to be real is refused before any work.
//! * [`sdk_date`] and [`parse_sdk_date`] write and read the `X-Sdk-Date` format
//!   (`YYYYMMDDTHHMMSSZ`), for checking the signing time against the server's clock.
//!
//! ```
//! use huaweicloud_osm::auth::{SignableRequest, Signer};
//! use huaweicloud_osm::server::{ReceivedRequest, parse_sdk_date, verify};
//!
//! // A client signs...
//! let date = "20240315T080910Z";
//! let headers = vec![
//!     ("Host".to_string(), "127.0.0.1:8080".to_string()),
//!     ("X-Sdk-Date".to_string(), date.to_string()),
//! ];
//! let signature = Signer::new("AK", "SK").sign(
//!     &SignableRequest {
//!         method: "GET",
//!         path: "/v2/servicerequest/cases",
//!         query: &[("limit".to_string(), "10".to_string())],
//!         headers: &headers,
//!         payload_hash: huaweicloud_osm::auth::signer::EMPTY_PAYLOAD_SHA256,
//!     },
//!     date,
//! );
//! // ... and the server verifies what it received.
//! let mut received = headers.clone();
//! received.push(("Authorization".to_string(), signature.authorization));
//! let verified = verify(
//!     &ReceivedRequest {
//!         method: "GET",
//!         path: "/v2/servicerequest/cases",
//!         query: Some("limit=10"),
//!         headers: &received,
//!         body: b"",
//!     },
//!     |ak| (ak == "AK").then(|| "SK".to_string()),
//! )
//! .unwrap();
//! assert_eq!(verified.access_key, "AK");
//! assert!(parse_sdk_date(&verified.sdk_date).is_some());
//! ```

pub use crate::auth::verify::{
    MAX_AUTHORIZATION_LEN, MAX_SIGNED_HEADERS, ReceivedRequest, Verified, VerifyError,
    constant_time_eq, needs_body, parse_query, verify,
};
pub use crate::clock::{parse_sdk_date, sdk_date};
