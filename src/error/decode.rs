//! The error path, whole: how an answer, or a failure on this side, becomes an [`Error`].
//!
//! 1. The `exec` hook hands every answer to [`normalize`]. An error answer (HTTP 4xx/5xx, or a
//!    2xx JSON body with a non-empty `error_code`: OSM's business errors come with HTTP 200) is
//!    read (capped), decoded leniently into a [`ServiceError`] by [`ServiceError::from_body`], and
//!    replaced by an *envelope*: a JSON response with an error status that the generated code
//!    routes to its error branch and decodes back into the same `ServiceError` (the spec's
//!    `ErrorResponse` is replaced by `ServiceError` in the generated types). A success body is read
//!    (capped) and passed on; a download stays a stream. Errors found on this side before anything
//!    was answered (signing failed, the operation timed out) are envelopes too, marked with
//!    [`LOCAL_ERROR`] ([`local_error`]).
//! 2. The generated `send()` (rewritten by `xtask/codegen/src/passes.rs`) records the response's status
//!    and request id in a [`DecodeContext`] before decoding it, and [`DecodeContext::finish`]
//!    turns progenitor's error into [`Error`]: a body that does not decode keeps the status and
//!    request id it came with.
//!
//! Hand-written operations and raw calls go through the same two steps (`crate::hooks::execute`).

use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

use super::{Error, MAX_RAW_BODY, REQUEST_ID_HEADER, ServiceError, TimeoutKind};

/// Largest error body read (the rest is not needed to report the error).
const MAX_ERROR_BODY: usize = 1024 * 1024;
/// Set on envelopes of errors found on this side (no answer from the server): its value says which.
pub(crate) const LOCAL_ERROR: &str = "x-sdk-local-error";
/// [`LOCAL_ERROR`] value: the request could not be prepared (signing, token).
pub(crate) const LOCAL_INVALID_REQUEST: &str = "invalid-request";
/// [`LOCAL_ERROR`] value: the client's set-up cannot work (no account id to be found, say).
pub(crate) const LOCAL_CONFIG: &str = "config";
/// [`LOCAL_ERROR`] value: the whole operation exceeded its timeout.
pub(crate) const LOCAL_OPERATION_TIMEOUT: &str = "operation-timeout";

/// An answer after [`normalize`]: the response to hand on, and the error it carried, if any.
pub(crate) struct Normalized {
    /// The response for the generated code: the answer itself, or an envelope.
    pub(crate) response: reqwest::Response,
    /// The decoded error, when the answer was one.
    pub(crate) error: Option<ServiceError>,
}

/// Turns error answers into envelopes; reads success JSON bodies (at most `max_json_body` bytes,
/// else an error) and passes downloads through as streams. `expects_json`: the operation declares a
/// JSON answer (an empty body is then a success without data, as some v1.0 operations answer).
pub(crate) async fn normalize(
    response: reqwest::Response,
    expects_json: bool,
    max_json_body: usize,
) -> reqwest::Result<Normalized> {
    let status = response.status();
    let request_id = header_str(response.headers(), REQUEST_ID_HEADER);
    if !status.is_success() {
        let (body, _) = read_capped(response, MAX_ERROR_BODY).await?;
        return Ok(envelope(ServiceError::from_body(
            status.as_u16(),
            request_id,
            &body,
        )));
    }
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"));
    if !is_json && !expects_json {
        return Ok(Normalized {
            response,
            error: None,
        }); // a download: stream it
    }
    let version = response.version();
    let mut headers = response.headers().clone();
    let (body, complete) = read_capped(response, max_json_body).await?;
    if !complete {
        return Ok(envelope(ServiceError {
            status: status.as_u16(),
            request_id,
            error_msg: Some(format!("the response body exceeds {max_json_body} bytes")),
            raw_body: Some(raw_text(&body)),
            ..Default::default()
        }));
    }
    let body = if body.iter().all(u8::is_ascii_whitespace) && expects_json {
        Bytes::from_static(b"{}")
    } else {
        body
    };
    // Only a body that names `error_code` can be an error; the scan is far cheaper than a second
    // parse. A body that is not JSON at all is reported by the typed decode ([`Error::Decode`],
    // with status and request id from the [`DecodeContext`]).
    let names_error_code = memchr::memmem::find(&body, b"\"error_code\"").is_some();
    let is_error = names_error_code
        && match serde_json::from_slice::<Probe>(&body) {
            Ok(probe) => probe.is_error(),
            Err(e) => e.is_syntax() || e.is_eof(),
        };
    if is_error {
        return Ok(envelope(ServiceError::from_body(
            status.as_u16(),
            request_id,
            &body,
        )));
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let mut rebuilt = http::Response::builder().status(status).version(version);
    if let Some(h) = rebuilt.headers_mut() {
        *h = headers;
    }
    let rebuilt = rebuilt
        .body(body)
        .expect("status and headers come from a valid response");
    Ok(Normalized {
        response: reqwest::Response::from(rebuilt),
        error: None,
    })
}

fn envelope(err: ServiceError) -> Normalized {
    Normalized {
        response: envelope_response(&err),
        error: Some(err),
    }
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

/// A response the generated code routes to its error branch, carrying the [`ServiceError`]
/// (status and raw body included, under names the wire never uses).
pub(crate) fn envelope_response(err: &ServiceError) -> reqwest::Response {
    let body = serde_json::json!({
        "x-sdk-status": err.status,
        "error_code": err.error_code,
        "error_msg": err.error_msg,
        "request_id": err.request_id,
        "encoded_authorization_message": err.encoded_authorization_message,
        "x-sdk-raw-body": err.raw_body,
    });
    let routed = match err.status {
        400..=599 => err.status,
        _ => 400,
    };
    let mut builder = http::Response::builder()
        .status(routed)
        .header(CONTENT_TYPE, "application/json");
    if let Some(id) = &err.request_id
        && let Ok(v) = HeaderValue::from_str(id)
    {
        builder = builder.header(REQUEST_ID_HEADER, v);
    }
    let bytes = serde_json::to_vec(&body).expect("a JSON value serializes");
    reqwest::Response::from(
        builder
            .body(bytes)
            .expect("static status and headers are valid"),
    )
}

/// An error found on this side, with no answer from the server, as an envelope marked with
/// [`LOCAL_ERROR`] = `kind`.
pub(crate) fn local_error(kind: &'static str, message: &str) -> reqwest::Response {
    let err = ServiceError {
        error_msg: Some(message.into()),
        ..Default::default()
    };
    let mut response = envelope_response(&err);
    response
        .headers_mut()
        .insert(LOCAL_ERROR, HeaderValue::from_static(kind));
    response
}

/// Reads at most `cap` bytes of a body; `false` when there was more.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> reqwest::Result<(Bytes, bool)> {
    let mut buf = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if buf.len() + chunk.len() > cap {
            buf.extend_from_slice(&chunk[..cap - buf.len()]);
            return Ok((Bytes::from(buf), false));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok((Bytes::from(buf), true))
}

/// What the generated `send()` knows of the response it is decoding, so that a failure to decode
/// is reported with the status and request id of the answer.
#[derive(Debug, Default)]
pub(crate) struct DecodeContext {
    status: Option<u16>,
    request_id: Option<String>,
}

impl DecodeContext {
    /// Remembers the status and request id of the response about to be decoded.
    pub(crate) fn record(&mut self, response: &reqwest::Response) {
        self.status = Some(response.status().as_u16());
        self.request_id = header_str(response.headers(), REQUEST_ID_HEADER);
    }

    /// The outcome of a call, with progenitor's error turned into [`Error`].
    pub(crate) fn finish<T>(
        self,
        result: Result<ResponseValue<T>, progenitor_client::Error<ServiceError>>,
    ) -> crate::Result<ResponseValue<T>> {
        result.map_err(|e| self.error(e))
    }

    fn error(self, e: progenitor_client::Error<ServiceError>) -> Error {
        use progenitor_client::Error as P;
        match e {
            P::InvalidRequest(msg) | P::Custom(msg) => Error::InvalidRequest(msg),
            P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => e.into(),
            P::ErrorResponse(rv) => {
                let status = rv.status().as_u16();
                let request_id = header_str(rv.headers(), REQUEST_ID_HEADER);
                let local = header_str(rv.headers(), LOCAL_ERROR);
                let mut err = rv.into_inner();
                match local.as_deref() {
                    Some(LOCAL_OPERATION_TIMEOUT) => {
                        return Error::Timeout {
                            kind: TimeoutKind::Operation,
                            source: None,
                        };
                    }
                    Some(LOCAL_CONFIG) => return Error::Config(err.error_msg.unwrap_or_default()),
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
            P::InvalidResponsePayload(bytes, source) => Error::Decode {
                status: self.status,
                request_id: self.request_id,
                body: raw_text(&bytes),
                source,
            },
            P::UnexpectedResponse(resp) => {
                // The exec hook turns every non-2xx into an envelope, so this only happens for a
                // success status the spec does not declare.
                let status = resp.status().as_u16();
                ServiceError {
                    status,
                    request_id: header_str(resp.headers(), REQUEST_ID_HEADER),
                    error_msg: Some(format!("undocumented response status {status}")),
                    ..ServiceError::default()
                }
                .into()
            }
        }
    }
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

    #[tokio::test]
    async fn an_envelope_decodes_back_into_the_same_error() {
        let err = ServiceError {
            status: 200,
            error_code: Some("OSM.01010015".into()),
            error_msg: Some("This case does not exist.".into()),
            request_id: Some("rid".into()),
            raw_body: Some("{..}".into()),
            ..Default::default()
        };
        let response = envelope_response(&err);
        assert_eq!(response.status(), 400);
        let mut context = DecodeContext::default();
        context.record(&response);
        let result = context.finish(Err::<ResponseValue<()>, _>(
            progenitor_client::Error::ErrorResponse(
                ResponseValue::<ServiceError>::from_response::<ServiceError>(response)
                    .await
                    .unwrap(),
            ),
        ));
        let Err(Error::Service(back)) = result else {
            panic!("not a service error: {result:?}");
        };
        assert_eq!(*back, err);
    }

    #[test]
    fn an_undecodable_body_keeps_status_and_request_id() {
        let mut context = DecodeContext::default();
        let answer = http::Response::builder()
            .status(200)
            .header(REQUEST_ID_HEADER, "rid-7")
            .body("not json")
            .unwrap();
        context.record(&reqwest::Response::from(answer));
        let source = serde_json::from_slice::<serde_json::Value>(b"not json").unwrap_err();
        let err = context
            .finish(Err::<ResponseValue<()>, _>(
                progenitor_client::Error::InvalidResponsePayload(
                    Bytes::from_static(b"not json"),
                    source,
                ),
            ))
            .unwrap_err();
        assert_eq!(err.status(), Some(200));
        assert_eq!(err.request_id(), Some("rid-7"));
        assert!(matches!(err, Error::Decode { ref body, .. } if body == "not json"));
    }
}
