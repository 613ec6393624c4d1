//! SDK-HMAC-SHA256 request signing, exactly as Huawei Cloud's API gateway verifies it.
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
//! StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(CanonicalRequest))
//! Signature        = hex(hmac_sha256(SK, StringToSign))
//! Authorization    = SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=...
//! ```
//!
//! [`Signer::sign`] works on a [`SignableRequest`] (decoded path and query, the headers to sign, the
//! payload hash) and returns every intermediate in [`Signature`], so a failed signature can be compared
//! with the canonical request the gateway echoes in its `APIGW.0303` message. [`Signer::sign_request`]
//! applies the signing policy of Huawei's Python SDK to a `reqwest::Request` that is about to be sent;
//! [`Signer::sign_decoded`] does the same from a [`DecodedUrl`], the URL decoded once for all the
//! attempts of a request (the client's limits check reads the same one).

use std::borrow::Cow;
use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderName, HeaderValue};
use ring::{digest, hmac};
use secrecy::{ExposeSecret, SecretString};

pub use crate::clock::sdk_date;

/// The algorithm name that starts the `Authorization` header and the string to sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Header carrying the signing time, `YYYYMMDDTHHMMSSZ` in UTC.
pub const HEADER_SDK_DATE: &str = "x-sdk-date";
/// Header that replaces the payload hash (used with [`UNSIGNED_PAYLOAD`]).
pub const HEADER_CONTENT_SHA256: &str = "x-sdk-content-sha256";
/// Payload marker for bodies that are not hashed (multipart and other non-JSON bodies).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Hex SHA-256 of the empty body.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// What the canonical URI and query escape: every byte but the RFC 3986 unreserved characters
/// `A-Z a-z 0-9 - _ . ~` (non-ASCII bytes are always escaped), as `%XX` in upper-case hex.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Headers never signed: the HTTP stack may add or rewrite them after signing.
const UNSIGNABLE: [&str; 5] = [
    "authorization",
    "content-length",
    "accept-encoding",
    "connection",
    "transfer-encoding",
];

/// An AK/SK pair that signs requests. `Debug` never shows the secret key.
#[derive(Clone)]
pub struct Signer {
    access_key: String,
    secret_key: SecretString,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("access_key", &self.access_key)
            .field("secret_key", &"[redacted]")
            .finish()
    }
}

/// What the signature covers: the request in decoded form, as the gateway reconstructs it.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// HTTP method; upper-cased when signing.
    pub method: &'a str,
    /// The decoded path (`/v1/a b/é`); each segment is escaped when signing.
    pub path: &'a str,
    /// Decoded query pairs in any order; repeated keys are allowed.
    pub query: &'a [(String, String)],
    /// The headers to sign, `(name, value)`; names in any case, values trimmed when signing.
    pub headers: &'a [(String, String)],
    /// Lowercase hex SHA-256 of the body, or [`UNSIGNED_PAYLOAD`] (see [`payload_hash`]).
    pub payload_hash: &'a str,
}

/// A signature with all its intermediates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The canonical request (six lines joined by `\n`).
    pub canonical_request: String,
    /// The string to sign (three lines).
    pub string_to_sign: String,
    /// Sorted lowercase signed header names joined by `;`.
    pub signed_headers: String,
    /// Lowercase hex HMAC-SHA256 signature.
    pub signature: String,
    /// The full `Authorization` header value.
    pub authorization: String,
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// A header value that is not valid UTF-8 (it could not be hashed as the gateway does).
    #[error("header `{0}` is not valid UTF-8 and cannot be signed")]
    HeaderNotUtf8(String),
    /// The request URL has no host.
    #[error("the request URL has no host")]
    NoHost,
    /// A value produced while signing is not a valid header value (e.g. a control character in the AK).
    #[error("`{0}` is not a valid header value")]
    InvalidHeaderValue(&'static str),
    /// The request has a streaming body but no `X-Sdk-Content-Sha256`, so its hash is unknown.
    #[error("a streaming body must be sent with X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD")]
    StreamingBody,
}

impl Signer {
    /// A signer for an access key (AK) and secret key (SK).
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: SecretString::from(secret_key.into()),
        }
    }

    /// The access key (not secret).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// Signs a request at `sdk_date` (the `X-Sdk-Date` value, which must also be among the signed
    /// headers for the gateway to accept it).
    pub fn sign(&self, request: &SignableRequest<'_>, sdk_date: &str) -> Signature {
        let (canonical_request, signed_headers) = canonical_request(request);
        self.finish(canonical_request, signed_headers, sdk_date)
    }

    /// Signs a `reqwest::Request` in place, with the policy of Huawei's Python SDK:
    /// sets `Host` and `X-Sdk-Date`, adds `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` for non-empty
    /// bodies that are not JSON, rewrites the query into its canonical form (so what is sent is
    /// exactly what was signed: `%20`, never `+`), signs every header whose name has no `_`
    /// (except those the HTTP stack may rewrite) and sets `Authorization`.
    pub fn sign_request(
        &self,
        request: &mut reqwest::Request,
        sdk_date: &str,
    ) -> Result<Signature, SignError> {
        let url = DecodedUrl::of(request.url());
        self.sign_decoded(request, &url, sdk_date)
    }

    /// [`Signer::sign_request`] for a request whose URL is `url`, decoded already (by
    /// [`DecodedUrl::of`], once for all the attempts of the request): nothing of the URL is
    /// decoded again, and its query is rewritten only when it is not canonical yet.
    pub fn sign_decoded(
        &self,
        request: &mut reqwest::Request,
        url: &DecodedUrl,
        sdk_date: &str,
    ) -> Result<Signature, SignError> {
        prepare_request(request, sdk_date)?;
        url.canonicalize(request.url_mut());
        let (canonical, signed_headers) = canonical_request_parts(request, url)?;
        let signature = self.finish(canonical, signed_headers, sdk_date);
        let value = HeaderValue::from_str(&signature.authorization)
            .map_err(|_| SignError::InvalidHeaderValue("Authorization"))?;
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(signature)
    }

    /// String to sign, signature and `Authorization` of a canonical request.
    fn finish(
        &self,
        canonical_request: String,
        signed_headers: String,
        sdk_date: &str,
    ) -> Signature {
        let mut string_to_sign = String::with_capacity(ALGORITHM.len() + sdk_date.len() + 66);
        string_to_sign.push_str(ALGORITHM);
        string_to_sign.push('\n');
        string_to_sign.push_str(sdk_date);
        string_to_sign.push('\n');
        hex_into(
            &mut string_to_sign,
            digest::digest(&digest::SHA256, canonical_request.as_bytes()).as_ref(),
        );
        let key = hmac::Key::new(
            hmac::HMAC_SHA256,
            self.secret_key.expose_secret().as_bytes(),
        );
        let mac = hmac::sign(&key, string_to_sign.as_bytes());
        let mut signature = String::with_capacity(64);
        hex_into(&mut signature, mac.as_ref());
        let mut authorization = String::with_capacity(
            ALGORITHM.len() + self.access_key.len() + signed_headers.len() + 100,
        );
        for part in [
            ALGORITHM,
            " Access=",
            &self.access_key,
            ", SignedHeaders=",
            &signed_headers,
            ", Signature=",
            &signature,
        ] {
            authorization.push_str(part);
        }
        Signature {
            canonical_request,
            string_to_sign,
            signed_headers,
            signature,
            authorization,
        }
    }
}

/// The canonical request of a `reqwest::Request` exactly as [`Signer::sign_request`] would sign it
/// (call it after signing to see what was signed). For debugging signature mismatches.
pub fn canonical_request_of(request: &reqwest::Request) -> Result<String, SignError> {
    canonical_request_parts(request, &DecodedUrl::of(request.url())).map(|(canonical, _)| canonical)
}

/// A request URL decoded once, as the gateway decodes it: its path segments and query pairs,
/// with the canonical query the signature covers. The client decodes each request's URL once:
/// its limits check reads the segments and pairs, and every attempt is signed from it
/// ([`Signer::sign_decoded`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedUrl {
    /// The path's segments, each percent-decoded (`/v2/a%20b` -> `["v2", "a b"]`).
    pub segments: Vec<String>,
    /// The query's pairs, decoded (`+` is a space), in the order sent.
    pub query: Vec<(String, String)>,
    /// The decoded path (`/` and the segments joined by `/`).
    path: String,
    /// The canonical query: pairs sorted, escaped, joined by `&`; `None` without any pair.
    canonical_query: Option<String>,
}

impl DecodedUrl {
    /// Decodes a URL's path and query.
    pub fn of(url: &reqwest::Url) -> Self {
        let segments: Vec<String> = match url.path_segments() {
            Some(segments) => segments.map(percent_decode).collect(),
            None => vec![percent_decode(url.path().trim_start_matches('/'))],
        };
        let query: Vec<(String, String)> = match url.query() {
            Some(_) => url.query_pairs().into_owned().collect(),
            None => Vec::new(),
        };
        let canonical_query = (!query.is_empty()).then(|| canonical_query(&query));
        DecodedUrl {
            path: format!("/{}", segments.join("/")),
            segments,
            query,
            canonical_query,
        }
    }

    /// The decoded path, as the canonical URI escapes it again (`/v2/a b`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The canonical query the signature covers (`None` without any pair).
    pub fn canonical_query(&self) -> Option<&str> {
        self.canonical_query.as_deref()
    }

    /// Writes the canonical query into `url`, unless it is there already, so that what is sent
    /// is exactly what is signed (`%20`, never `+`).
    pub fn canonicalize(&self, url: &mut reqwest::Url) {
        if url.query() != self.canonical_query() {
            url.set_query(self.canonical_query());
        }
    }
}

/// Builds the canonical request and the signed-headers list.
pub fn canonical_request(request: &SignableRequest<'_>) -> (String, String) {
    let mut headers: Vec<(String, &str)> = request
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim()))
        .collect();
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    headers.dedup_by(|a, b| a.0 == b.0);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    write_canonical(
        request.method,
        request.path,
        &canonical_query(request.query),
        &headers,
        request.payload_hash,
    )
}

/// The six lines of the canonical request, written into one buffer; `headers` are lower case,
/// sorted and unique. Returns it with the signed-headers list.
fn write_canonical(
    method: &str,
    decoded_path: &str,
    canonical_query: &str,
    headers: &[(&str, &str)],
    payload_hash: &str,
) -> (String, String) {
    let mut signed_headers = String::with_capacity(headers.len() * 16);
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }
    let values: usize = headers.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(
        method.len() + decoded_path.len() * 3 + canonical_query.len() + values + 140,
    );
    for c in method.chars() {
        out.push(c.to_ascii_uppercase());
    }
    out.push('\n');
    write_canonical_uri(&mut out, decoded_path);
    out.push('\n');
    out.push_str(canonical_query);
    out.push('\n');
    for (name, value) in headers {
        out.push_str(name);
        out.push(':');
        out.push_str(value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers);
    out.push('\n');
    out.push_str(payload_hash);
    (out, signed_headers)
}

/// Every segment of the decoded path escaped, always ending with `/` (the slash exists only in the
/// canonical form; the path is sent unchanged).
pub fn canonical_uri(decoded_path: &str) -> String {
    let mut uri = String::with_capacity(decoded_path.len() + 1);
    write_canonical_uri(&mut uri, decoded_path);
    uri
}

fn write_canonical_uri(out: &mut String, decoded_path: &str) {
    let start = out.len();
    for (i, segment) in decoded_path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        escape_into(out, segment);
    }
    if out.len() == start || !out.ends_with('/') {
        out.push('/');
    }
}

/// Pairs sorted by key then value (as unescaped strings, byte order), escaped, joined by `&`.
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    write_query(&mut sorted)
}

fn write_query<K: AsRef<str> + Ord, V: AsRef<str> + Ord>(pairs: &mut [(K, V)]) -> String {
    pairs.sort();
    let len: usize = pairs
        .iter()
        .map(|(k, v)| k.as_ref().len() + v.as_ref().len() + 2)
        .sum();
    let mut out = String::with_capacity(len + len / 2);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        escape_into(&mut out, k.as_ref());
        out.push('=');
        escape_into(&mut out, v.as_ref());
    }
    out
}

/// Lowercase hex SHA-256 of a body ([`EMPTY_PAYLOAD_SHA256`] for an empty one).
pub fn payload_hash(body: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, body).as_ref())
}

/// RFC 3986 escaping: unreserved `A-Z a-z 0-9 - _ . ~` kept, every other UTF-8 byte `%XX` (upper hex).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    out.extend(utf8_percent_encode(s, ESCAPED));
}

/// Whether a header takes part in the signature under the Python SDK's policy.
pub fn is_signed_header(name: &str) -> bool {
    !name.contains('_') && !UNSIGNABLE.iter().any(|u| name.eq_ignore_ascii_case(u))
}

/// Sets `Host`, `X-Sdk-Date` and the unsigned-payload marker on the request.
fn prepare_request(request: &mut reqwest::Request, sdk_date: &str) -> Result<(), SignError> {
    if !request.headers().contains_key(HOST) {
        let host = host_header(request.url()).ok_or(SignError::NoHost)?;
        let value =
            HeaderValue::from_str(&host).map_err(|_| SignError::InvalidHeaderValue("Host"))?;
        request.headers_mut().insert(HOST, value);
    }
    let date =
        HeaderValue::from_str(sdk_date).map_err(|_| SignError::InvalidHeaderValue("X-Sdk-Date"))?;
    request
        .headers_mut()
        .insert(HeaderName::from_static(HEADER_SDK_DATE), date);

    // As Huawei's SDKs: a non-empty body whose Content-Type is not JSON is not hashed. A streaming
    // body cannot be hashed before it is sent, so it is never hashed.
    let body = request.body().map(|b| b.as_bytes());
    let streaming = matches!(body, Some(None));
    let non_empty = matches!(body, Some(Some(b)) if !b.is_empty());
    let non_json = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| !ct.contains("application/json") && !ct.contains("application/bson"));
    if streaming || (non_empty && non_json) {
        request.headers_mut().insert(
            HeaderName::from_static(HEADER_CONTENT_SHA256),
            HeaderValue::from_static(UNSIGNED_PAYLOAD),
        );
    }

    Ok(())
}

/// `host[:port]` as sent on the wire (no default port).
pub(crate) fn host_header(url: &reqwest::Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// The canonical request of a request whose URL is `url`, borrowing what it can.
fn canonical_request_parts(
    request: &reqwest::Request,
    url: &DecodedUrl,
) -> Result<(String, String), SignError> {
    let map = request.headers();
    let payload_hash: Cow<'_, str> = match map.get(HEADER_CONTENT_SHA256) {
        Some(v) => v
            .to_str()
            .map_err(|_| SignError::HeaderNotUtf8(HEADER_CONTENT_SHA256.into()))?
            .into(),
        None => match request.body() {
            None => EMPTY_PAYLOAD_SHA256.into(),
            Some(body) => payload_hash(body.as_bytes().ok_or(SignError::StreamingBody)?).into(),
        },
    };
    let mut headers: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(map.keys_len());
    for name in map.keys().filter(|n| is_signed_header(n.as_str())) {
        let utf8 = |v: &HeaderValue| {
            std::str::from_utf8(v.as_bytes())
                .map(str::to_owned)
                .map_err(|_| SignError::HeaderNotUtf8(name.as_str().to_string()))
        };
        let mut values = map.get_all(name).iter();
        let first = values.next().expect("a header name has a value");
        let mut value: Cow<'_, str> = std::str::from_utf8(first.as_bytes())
            .map_err(|_| SignError::HeaderNotUtf8(name.as_str().to_string()))?
            .trim()
            .into();
        for v in values {
            let joined = value.to_mut();
            joined.push(',');
            joined.push_str(utf8(v)?.trim());
        }
        headers.push((name.as_str(), value)); // `HeaderName`s are lower case
    }
    headers.sort_by(|a, b| a.0.cmp(b.0));
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_ref())).collect();
    Ok(write_canonical(
        request.method().as_str(),
        url.path(),
        url.canonical_query().unwrap_or_default(),
        &headers,
        &payload_hash,
    ))
}

/// Decodes `%XX` sequences (invalid UTF-8 is replaced; a `%` not followed by two hex digits is
/// kept; never panics).
pub fn percent_decode(path: &str) -> String {
    percent_decode_str(path).decode_utf8_lossy().into_owned()
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    hex_into(&mut s, bytes);
    s
}

fn hex_into(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_follows_rfc3986() {
        assert_eq!(
            escape("一 (&=?!#%.*)"),
            "%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
        );
        assert_eq!(escape("/tmp/123"), "%2Ftmp%2F123");
        assert_eq!(escape("a~b-c_d.e"), "a~b-c_d.e");
    }

    #[test]
    fn escape_keeps_exactly_the_unreserved_ascii_bytes() {
        for c in (0u8..0x80).map(char::from).chain(['é', '€', '\u{10FFFF}']) {
            let s = c.to_string();
            let expected: String = if c.is_ascii_alphanumeric() || "-_.~".contains(c) {
                s.clone()
            } else {
                s.bytes().map(|b| format!("%{b:02X}")).collect()
            };
            assert_eq!(escape(&s), expected, "{c:?}");
        }
    }

    #[test]
    fn canonical_query_matches_official_sdk_test() {
        let q: Vec<(String, String)> = [
            ("limit", "1"),
            ("enable", "true"),
            ("test", "一 (&=?!#%.*)"),
            ("path", "/tmp/123"),
            ("multi", "1"),
            ("multi", "2"),
            ("multi", "3"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            canonical_query(&q),
            "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
        );
    }

    #[test]
    fn canonical_uri_always_ends_with_slash() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/v1/abc/vpcs"), "/v1/abc/vpcs/");
        assert_eq!(canonical_uri("/path/"), "/path/");
        assert_eq!(canonical_uri("/a//b"), "/a//b/");
    }

    #[test]
    fn percent_decode_is_total() {
        assert_eq!(percent_decode("/a%20b/%C3%A9"), "/a b/é");
        assert_eq!(percent_decode("/bad%zz%"), "/bad%zz%");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%41"), "A");
    }

    #[test]
    fn debug_hides_the_secret_key() {
        let s = Signer::new("AK123", "very-secret-sk");
        let shown = format!("{s:?}");
        assert!(shown.contains("AK123"));
        assert!(!shown.contains("very-secret-sk"));
    }
}
