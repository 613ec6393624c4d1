//! SDK-HMAC-SHA256 verification, as Huawei Cloud's API gateway does it: what the sandbox runs on
//! every signed request, public for servers of yours.
//!
//! [`verify`] recomputes the canonical request with the SDK's own [`Signer::sign`] from what was
//! received, so a server and the SDK can never disagree on canonicalisation. The signatures are
//! compared in constant time ([`constant_time_eq`], also for passwords and tokens), and an
//! `Authorization` header longer than [`MAX_AUTHORIZATION_LEN`] or naming more than
//! [`MAX_SIGNED_HEADERS`] headers is refused before any other work. [`parse_query`] decodes a query
//! string as the gateway does; [`needs_body`] tells whether a request's body can stream past
//! verification (an `UNSIGNED-PAYLOAD` upload) or must be read first.
//!
//! ```
//! use huaweicloud_osm::auth::signer::{self, SignableRequest, Signer};
//! use osm_sandbox::verify::{ReceivedRequest, verify};
//!
//! // A client signs...
//! let date = signer::sdk_date(std::time::SystemTime::now());
//! let headers = vec![
//!     ("Host".to_string(), "127.0.0.1:8080".to_string()),
//!     ("X-Sdk-Date".to_string(), date.clone()),
//! ];
//! let signature = Signer::new("AK", "SK").sign(
//!     &SignableRequest {
//!         method: "GET",
//!         path: "/v2/servicerequest/cases",
//!         query: &[("limit".to_string(), "10".to_string())],
//!         headers: &headers,
//!         payload_hash: signer::EMPTY_PAYLOAD_SHA256,
//!     },
//!     &date,
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
//! assert_eq!(verified.sdk_date, date);
//! ```

use std::time::SystemTime;

use subtle::ConstantTimeEq;

use huaweicloud_osm::auth::signer::{
    ALGORITHM, HEADER_CONTENT_SHA256, HEADER_SDK_DATE, SignableRequest, Signer, payload_hash,
    percent_decode,
};

/// Longest `Authorization` header [`verify`] considers: a real one (access key, the signed header
/// names, a 64-digit signature) has a few hundred characters.
pub const MAX_AUTHORIZATION_LEN: usize = 4096;
/// Most headers a signature may cover: Huawei's SDKs sign every header they send, a dozen or so.
pub const MAX_SIGNED_HEADERS: usize = 64;

/// A request as a server received it, for [`verify`].
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The path as sent (percent-encoded).
    pub path: &'a str,
    /// The query string as sent, without `?`.
    pub query: Option<&'a str>,
    /// Every header received, `(name, value)`.
    pub headers: &'a [(String, String)],
    /// The body received.
    pub body: &'a [u8],
}

/// A request whose signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The access key that signed it.
    pub access_key: String,
    /// Its `X-Sdk-Date`.
    pub sdk_date: String,
}

/// Why a signature was rejected (the gateway answers these with HTTP 401).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// No `Authorization` header, or not an SDK-HMAC-SHA256 one.
    #[error("missing or unsupported Authorization header")]
    MissingAuthorization,
    /// The header does not have the `Access=, SignedHeaders=, Signature=` shape.
    #[error("malformed Authorization header")]
    Malformed,
    /// The header is longer than [`MAX_AUTHORIZATION_LEN`] or names more than
    /// [`MAX_SIGNED_HEADERS`] signed headers: refused unread.
    #[error("Authorization header too large ({0})")]
    TooLarge(String),
    /// The AK is not known.
    #[error("ak not exist: {0}")]
    UnknownAccessKey(String),
    /// `x-sdk-date` is not signed or not present.
    #[error("x-sdk-date is missing or not signed")]
    MissingDate,
    /// A header named in SignedHeaders was not received.
    #[error("signed header `{0}` is missing")]
    MissingSignedHeader(String),
    /// The signature does not match; carries the server's canonical request (`|` for newlines, as
    /// the gateway's APIGW.0303 message shows it).
    #[error("verify aksk signature fail, canonicalRequest:{0}")]
    Mismatch(String),
}

/// Verifies an SDK-HMAC-SHA256 signature as the gateway does: recomputes the canonical request from
/// what was received (decoded path and query, the headers named in `SignedHeaders`, the body hash
/// or `X-Sdk-Content-Sha256`) with the SK that `secret_key` returns for the AK. The signing time
/// window is the caller's to check (see [`Verified::sdk_date`] and [`parse_sdk_date`]).
pub fn verify(
    request: &ReceivedRequest<'_>,
    secret_key: impl Fn(&str) -> Option<String>,
) -> Result<Verified, VerifyError> {
    let auth = Authorization::of(request.headers)?;
    let sk = secret_key(auth.access)
        .ok_or_else(|| VerifyError::UnknownAccessKey(auth.access.to_string()))?;
    let names: Vec<&str> = auth.signed_headers.split(';').collect();
    if !names.contains(&HEADER_SDK_DATE) {
        return Err(VerifyError::MissingDate);
    }
    let mut headers = Vec::with_capacity(names.len());
    for name in &names {
        let values: Vec<&str> = request
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .collect();
        if values.is_empty() {
            return Err(VerifyError::MissingSignedHeader(name.to_string()));
        }
        headers.push((name.to_string(), values.join(",")));
    }
    let sdk_date = header(request.headers, HEADER_SDK_DATE)
        .unwrap_or_default()
        .trim()
        .to_string();
    let payload = match auth.payload_header(request.headers) {
        Some(v) => v.trim().to_string(),
        None => payload_hash(request.body),
    };
    let query = parse_query(request.query.unwrap_or_default());
    let path = percent_decode(request.path);
    let signable = SignableRequest {
        method: request.method,
        path: &path,
        query: &query,
        headers: &headers,
        payload_hash: &payload,
    };
    let expected = Signer::new(auth.access, sk).sign(&signable, &sdk_date);
    let signature_matches =
        constant_time_eq(expected.signature.as_bytes(), auth.signature.as_bytes());
    if !signature_matches || expected.signed_headers != auth.signed_headers {
        return Err(VerifyError::Mismatch(
            expected.canonical_request.replace('\n', "|"),
        ));
    }
    Ok(Verified {
        access_key: auth.access.to_string(),
        sdk_date,
    })
}

/// Whether [`verify`] reads the body of a request with these headers. It does not when the
/// signature covers `X-Sdk-Content-Sha256` in the body's stead (`UNSIGNED-PAYLOAD`, as multipart
/// uploads are signed), nor when there is no well-formed `Authorization` to check: a server can
/// then stream the body to its handler instead of reading it whole first.
pub fn needs_body(headers: &[(String, String)]) -> bool {
    Authorization::of(headers).is_ok_and(|auth| auth.payload_header(headers).is_none())
}

/// Whether two byte strings are equal, in time that depends on their lengths only, never on where
/// they differ (`subtle`'s comparison): for signatures, passwords and tokens, so that timing does
/// not tell an attacker how much of a guess is right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// The fields of an `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…` header.
struct Authorization<'a> {
    access: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

impl<'a> Authorization<'a> {
    /// Parses the header, refusing one too large to be real before anything else, and one with a
    /// field given twice or a field of its own.
    fn of(headers: &'a [(String, String)]) -> Result<Self, VerifyError> {
        let auth = header(headers, "authorization").ok_or(VerifyError::MissingAuthorization)?;
        if auth.len() > MAX_AUTHORIZATION_LEN {
            return Err(VerifyError::TooLarge(format!(
                "{} characters, at most {MAX_AUTHORIZATION_LEN}",
                auth.len()
            )));
        }
        let auth = auth
            .strip_prefix(ALGORITHM)
            .and_then(|a| a.strip_prefix(' '))
            .ok_or(VerifyError::MissingAuthorization)?;
        let mut access = None;
        let mut signed_headers = None;
        let mut signature = None;
        for field in auth.split(',').map(str::trim) {
            let slot = match field.split_once('=') {
                Some(("Access", v)) => (&mut access, v),
                Some(("SignedHeaders", v)) => (&mut signed_headers, v),
                Some(("Signature", v)) => (&mut signature, v),
                _ => return Err(VerifyError::Malformed),
            };
            if slot.0.replace(slot.1).is_some() {
                return Err(VerifyError::Malformed);
            }
        }
        let (Some(access), Some(signed_headers), Some(signature)) =
            (access, signed_headers, signature)
        else {
            return Err(VerifyError::Malformed);
        };
        let count = signed_headers.split(';').count();
        if count > MAX_SIGNED_HEADERS {
            return Err(VerifyError::TooLarge(format!(
                "{count} signed headers, at most {MAX_SIGNED_HEADERS}"
            )));
        }
        Ok(Authorization {
            access,
            signed_headers,
            signature,
        })
    }

    /// The `X-Sdk-Content-Sha256` value that replaces the body's hash, when it is signed.
    fn payload_header(&self, headers: &'a [(String, String)]) -> Option<&'a str> {
        let signed = self
            .signed_headers
            .split(';')
            .any(|n| n == HEADER_CONTENT_SHA256);
        signed
            .then(|| header(headers, HEADER_CONTENT_SHA256))
            .flatten()
    }
}

/// The first value of a header, by case-insensitive name.
fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Parses an `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`, UTC, as [`huaweicloud_osm::auth::signer::sdk_date`]
/// writes it) back into a time, for checking the signing time against the server's clock; `None`
/// for anything else (exactly 14 digits with `T` and `Z` in place, a real date and time, not
/// before 1970).
pub fn parse_sdk_date(s: &str) -> Option<SystemTime> {
    let shape = s.len() == 16
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 => b == b'T',
            15 => b == b'Z',
            _ => b.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    let n = |at: usize, len: usize| s[at..at + len].parse::<u32>().ok();
    let t = huaweicloud_osm::clock::UtcDateTime {
        year: i64::from(n(0, 4)?),
        month: n(4, 2)?,
        day: n(6, 2)?,
        hour: n(9, 2)?,
        minute: n(11, 2)?,
        second: n(13, 2)?,
    };
    let secs = u64::try_from(t.unix_seconds()?).ok()?;
    std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs))
}

/// Decodes a query string into pairs (`+` is a space, as form encoding sends it), exactly as
/// `reqwest::Url::query_pairs` does.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use huaweicloud_osm::auth::signer::sdk_date;
    use reqwest::header::{CONTENT_TYPE, HeaderValue};
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn verify_accepts_what_sign_request_produced_and_rejects_tampering() {
        let url = reqwest::Url::parse("http://127.0.0.1:9/v2/x%20y?b=1+2&a=%E4%B8%80").unwrap();
        let mut req = reqwest::Request::new(reqwest::Method::POST, url);
        req.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        req.headers_mut()
            .insert("x-domain-id", HeaderValue::from_static("dom"));
        *req.body_mut() = Some("{\"a\":1}".into());
        Signer::new("AK", "SK")
            .sign_request(&mut req, "20240101T000000Z")
            .unwrap();
        let headers: Vec<(String, String)> = req
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
            .collect();
        let received = |body: &'static [u8], query: &'static str| ReceivedRequest {
            method: "POST",
            path: "/v2/x%20y",
            query: Some(query),
            headers: &headers,
            body,
        };
        let sk = |ak: &str| (ak == "AK").then(|| "SK".to_string());
        let sent_query = req.url().query().unwrap().to_string();
        let q: &'static str = Box::leak(sent_query.into_boxed_str());
        let ok = verify(&received(b"{\"a\":1}", q), sk).unwrap();
        assert_eq!(ok.access_key, "AK");
        assert_eq!(ok.sdk_date, "20240101T000000Z");
        assert!(matches!(
            verify(&received(b"{\"a\":2}", q), sk),
            Err(VerifyError::Mismatch(_))
        ));
        assert!(matches!(
            verify(&received(b"{\"a\":1}", "b=1"), sk),
            Err(VerifyError::Mismatch(_))
        ));
        assert!(matches!(
            verify(&received(b"{\"a\":1}", q), |_: &str| None),
            Err(VerifyError::UnknownAccessKey(_))
        ));
    }

    #[test]
    fn oversized_or_repeated_authorization_fields_are_refused_before_any_work() {
        let sk_asked = std::cell::Cell::new(0);
        let sk = |_: &str| {
            sk_asked.set(sk_asked.get() + 1);
            Some("SK".to_string())
        };
        let check = |authorization: String| {
            let headers = vec![
                ("authorization".to_string(), authorization),
                (HEADER_SDK_DATE.to_string(), "20240101T000000Z".to_string()),
            ];
            let received = ReceivedRequest {
                method: "GET",
                path: "/",
                query: None,
                headers: &headers,
                body: b"",
            };
            verify(&received, sk)
        };
        let many_names = vec!["x-a"; 5000].join(";");
        let err = check(format!(
            "{ALGORITHM} Access=AK, SignedHeaders={many_names}, Signature=00"
        ))
        .unwrap_err();
        assert!(matches!(err, VerifyError::TooLarge(_)), "{err:?}");
        let many_fields = vec!["Access=AK"; 3000].join(", ");
        let err = check(format!("{ALGORITHM} {many_fields}")).unwrap_err();
        assert!(matches!(err, VerifyError::TooLarge(_)), "{err:?}");
        // Under the length cap: 65 names, and fields given twice.
        let names = (0..65)
            .map(|i| format!("h{i}"))
            .collect::<Vec<_>>()
            .join(";");
        let err = check(format!(
            "{ALGORITHM} Access=AK, SignedHeaders={names}, Signature=00"
        ))
        .unwrap_err();
        assert!(matches!(err, VerifyError::TooLarge(_)), "{err:?}");
        let err = check(format!(
            "{ALGORITHM} Access=AK, Access=AK, SignedHeaders=x-sdk-date, Signature=00"
        ))
        .unwrap_err();
        assert_eq!(err, VerifyError::Malformed);
        assert_eq!(
            sk_asked.get(),
            0,
            "refused before the key was even looked up"
        );
    }

    #[test]
    fn signatures_are_compared_in_constant_time_with_the_usual_answers() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn only_a_signature_over_the_body_hash_needs_the_body() {
        let signed = |content_type: &'static str, body: &'static [u8]| {
            let url = reqwest::Url::parse("http://127.0.0.1:9/v1.0/upload").unwrap();
            let mut req = reqwest::Request::new(reqwest::Method::POST, url);
            req.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            *req.body_mut() = Some(body.into());
            Signer::new("AK", "SK")
                .sign_request(&mut req, "20240101T000000Z")
                .unwrap();
            req.headers()
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
                .collect::<Vec<_>>()
        };
        let json = signed("application/json", b"{}");
        assert!(needs_body(&json));
        let upload = signed("multipart/form-data; boundary=b", b"--b--\r\n");
        assert!(!needs_body(&upload));
        // ... and it verifies without the body.
        let received = ReceivedRequest {
            method: "POST",
            path: "/v1.0/upload",
            query: None,
            headers: &upload,
            body: b"",
        };
        assert!(verify(&received, |_| Some("SK".to_string())).is_ok());
        // An unsigned X-Sdk-Content-Sha256 does not replace the body's hash.
        let mut unsigned = json.clone();
        unsigned.push((HEADER_CONTENT_SHA256.into(), "UNSIGNED-PAYLOAD".into()));
        assert!(needs_body(&unsigned));
        assert!(!needs_body(&[]));
        assert!(!needs_body(&[("Authorization".into(), "Basic x".into())]));
    }

    #[test]
    fn parses_sdk_dates() {
        let t = UNIX_EPOCH + Duration::from_secs(1_710_490_150); // 2024-03-15T08:09:10Z
        assert_eq!(parse_sdk_date("20240315T080910Z"), Some(t));
        assert_eq!(parse_sdk_date(&sdk_date(t)), Some(t));
        assert_eq!(parse_sdk_date("2024-03-15"), None);
        assert_eq!(parse_sdk_date("20241315T080910Z"), None);
        assert_eq!(parse_sdk_date("2024031xT080910Z"), None);
        assert_eq!(parse_sdk_date("+0240315T080910Z"), None);
        assert_eq!(parse_sdk_date("20240230T080910Z"), None);
        assert_eq!(parse_sdk_date("09700101T000000Z"), None);
        assert_eq!(parse_sdk_date("19700101T000000Z"), Some(UNIX_EPOCH));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any text is a time or nothing, never a panic.
        #[test]
        fn any_text_is_an_sdk_date_or_nothing(text in ".{0,64}") {
            let _ = parse_sdk_date(&text);
        }

        /// A real `X-Sdk-Date` with one character replaced parses to nothing or to a valid time
        /// that the SDK formats back to the same text.
        #[test]
        fn damaged_sdk_dates_are_refused_or_exact(
            secs in 0u64..253_402_300_800,
            at in 0usize..16,
            c in "[ -~]",
        ) {
            let mut text = sdk_date(UNIX_EPOCH + Duration::from_secs(secs));
            text.replace_range(at..at + 1, &c);
            if let Some(parsed) = parse_sdk_date(&text) {
                proptest::prop_assert_eq!(sdk_date(parsed), text);
            }
        }

        /// Every second from 1970 to 9999 survives the SDK's formatting and this parsing.
        #[test]
        fn sdk_dates_round_trip(secs in 0u64..253_402_300_800) {
            let t = UNIX_EPOCH + Duration::from_secs(secs);
            proptest::prop_assert_eq!(parse_sdk_date(&sdk_date(t)), Some(t));
        }
    }
}
