//! The error path, whole: how an answer, or a failure to get one, becomes an [`Error`], once.
//!
//! 1. The `exec` step (`crate::hooks::exec`) hands every answer to [`answer`]. An error answer
//!    (HTTP 4xx/5xx, or a 2xx JSON body with a non-empty `error_code`: OSM's business errors come
//!    with HTTP 200) is read (capped), decoded leniently into a [`ServiceError`] by
//!    [`ServiceError::from_body`], and returned as [`Error::Service`]. A success body is read
//!    (capped) and handed on; a download stays a stream. A failure to read the body is a
//!    [`TransportError`](super::TransportError) naming the request.
//! 2. The generated `send()` (rewritten by `xtask/codegen/src/passes.rs`) propagates those errors with `?`
//!    and decodes a success body with [`json`]: a body that does not decode is [`Error::Decode`],
//!    with the status and request id it came with. [`undocumented`] reports a success status the
//!    spec does not declare.
//!
//! Hand-written operations and raw calls go through the same steps (`crate::hooks::execute`).

use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;

use super::{Error, MAX_RAW_BODY, REQUEST_ID_HEADER, RequestLine, ServiceError};
use crate::body::read_capped;

/// Largest error body read (the rest is not needed to report the error).
const MAX_ERROR_BODY: usize = 1024 * 1024;

/// The answer to `request`, or the error it carries: error answers become [`Error::Service`];
/// success JSON bodies are read (at most `max_json_body` bytes, else an error); downloads pass
/// through as streams. `expects_json`: the operation declares a JSON answer (an empty body is then
/// a success without data, as some v1.0 operations answer).
pub(crate) async fn answer(
    response: reqwest::Response,
    request: &RequestLine,
    expects_json: bool,
    max_json_body: usize,
) -> Result<reqwest::Response, Error> {
    let status = response.status();
    let request_id = header_str(response.headers(), REQUEST_ID_HEADER);
    let read = |e: reqwest::Error| Error::reqwest(e, Some(request.clone()));
    if !status.is_success() {
        let (body, _) = read_capped(response.bytes_stream(), MAX_ERROR_BODY)
            .await
            .map_err(read)?;
        return Err(ServiceError::from_body(status.as_u16(), request_id, &body).into());
    }
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"));
    if !is_json && !expects_json {
        return Ok(response); // a download: stream it
    }
    let version = response.version();
    let mut headers = response.headers().clone();
    let (body, complete) = read_capped(response.bytes_stream(), max_json_body)
        .await
        .map_err(read)?;
    if !complete {
        return Err(ServiceError {
            status: status.as_u16(),
            request_id,
            error_msg: Some(format!("the response body exceeds {max_json_body} bytes")),
            raw_body: Some(raw_text(&body)),
            ..Default::default()
        }
        .into());
    }
    let body = if body.iter().all(u8::is_ascii_whitespace) && expects_json {
        Bytes::from_static(b"{}")
    } else {
        body
    };
    // Only a body that names `error_code` can be an error; the scan is far cheaper than a second
    // parse. A body that is not JSON at all is reported by the typed decode ([`json`]).
    let names_error_code = memchr::memmem::find(&body, b"\"error_code\"").is_some();
    let is_error = names_error_code
        && match serde_json::from_slice::<Probe>(&body) {
            Ok(probe) => probe.is_error(),
            Err(e) => e.is_syntax() || e.is_eof(),
        };
    if is_error {
        return Err(ServiceError::from_body(status.as_u16(), request_id, &body).into());
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let mut rebuilt = http::Response::builder().status(status).version(version);
    if let Some(h) = rebuilt.headers_mut() {
        *h = headers;
    }
    let rebuilt = rebuilt
        .body(body)
        .expect("status and headers come from a valid response");
    Ok(reqwest::Response::from(rebuilt))
}

/// The part of a success body that says whether it is really an error.
#[derive(serde::Deserialize)]
struct Probe {
    #[serde(default)]
    error_code: Option<serde_json::Value>,
}

impl Probe {
    fn is_error(&self) -> bool {
        match &self.error_code {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::String(s)) => !matches!(s.trim(), "" | "0"),
            Some(serde_json::Value::Number(n)) => n.as_i64() != Some(0),
            Some(_) => true,
        }
    }
}

/// Decodes a success answer's JSON body; one that does not decode is [`Error::Decode`], with the
/// answer's status and request id.
pub(crate) async fn json<T: DeserializeOwned>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    match serde_json::from_slice(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(source) => Err(Error::Decode {
            status: Some(status.as_u16()),
            request_id: header_str(&headers, REQUEST_ID_HEADER),
            body: raw_text(&body),
            source,
        }),
    }
}

/// A success answer with a status the operation does not declare.
pub(crate) fn undocumented(response: reqwest::Response) -> Error {
    let status = response.status().as_u16();
    ServiceError {
        status,
        request_id: header_str(response.headers(), REQUEST_ID_HEADER),
        error_msg: Some(format!("undocumented response status {status}")),
        ..ServiceError::default()
    }
    .into()
}

impl ServiceError {
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

/// A header's value as text, when it is text.
pub(crate) fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
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

    fn response(status: u16, content_type: &str, body: &'static str) -> reqwest::Response {
        reqwest::Response::from(
            http::Response::builder()
                .status(status)
                .header(CONTENT_TYPE, content_type)
                .header(REQUEST_ID_HEADER, "rid-7")
                .body(body)
                .unwrap(),
        )
    }

    fn line() -> RequestLine {
        let url = "http://127.0.0.1:9/v2/servicerequest/cases?limit=1";
        RequestLine::of(&reqwest::Request::new(
            reqwest::Method::GET,
            url.parse().unwrap(),
        ))
    }

    #[tokio::test]
    async fn error_answers_become_service_errors_decoded_once() {
        let business = r#"{"error_code":"OSM.01010015","error_msg":"This case does not exist."}"#;
        for (status, body) in [(200, business), (400, r#"{"error_code":"OSM.0001"}"#)] {
            let err = answer(
                response(status, "application/json", body),
                &line(),
                true,
                1024,
            )
            .await
            .unwrap_err();
            let Error::Service(e) = err else {
                panic!("not a service error: {err:?}");
            };
            assert_eq!((e.status, e.request_id.as_deref()), (status, Some("rid-7")));
            assert_eq!(e.raw_body.as_deref(), Some(body));
        }
        let ok = r#"{"error_code":"","incident_id":"CS1"}"#;
        let passed = answer(response(200, "application/json", ok), &line(), true, 1024)
            .await
            .unwrap();
        assert_eq!(passed.text().await.unwrap(), ok);
    }

    #[tokio::test]
    async fn an_undecodable_body_keeps_status_and_request_id() {
        let err = json::<serde_json::Value>(response(200, "application/json", "not json"))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(200));
        assert_eq!(err.request_id(), Some("rid-7"));
        assert!(matches!(err, Error::Decode { ref body, .. } if body == "not json"));
    }
}
