//! progenitor's `ClientHooks`: what happens around every generated (and hand-written) call.
//!
//! * `pre` removes progenitor's `api-version` header, adds `User-Agent` and the `X-Language`,
//!   `X-Time-Zone`, `X-Site` defaults unless the call set them.
//! * `exec` authenticates the request (fresh `X-Sdk-Date` and signature, or `X-Auth-Token`), sends it,
//!   and turns every error answer into the same shape: a JSON error envelope that the generated code
//!   decodes into [`ServiceError`] with status, code, message, request id and raw body, including
//!   OSM's business errors under HTTP 200. Binary downloads stay streaming.

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use secrecy::ExposeSecret;

use crate::Client;
use crate::client::{Auth, Shared};
use crate::clock;
use crate::error::{self, ServiceError};
use crate::operations;

/// Largest success JSON body accepted (a hostile or broken server cannot make us buffer more).
pub const MAX_JSON_BODY: usize = 64 * 1024 * 1024;
/// Largest error body read (the rest is not needed to report the error).
const MAX_ERROR_BODY: usize = 1024 * 1024;

const X_LANGUAGE: HeaderName = HeaderName::from_static("x-language");
const X_TIME_ZONE: HeaderName = HeaderName::from_static("x-time-zone");
const X_SITE: HeaderName = HeaderName::from_static("x-site");
const X_DOMAIN_ID: HeaderName = HeaderName::from_static("x-domain-id");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");
const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");
/// Set on error envelopes made from a 2xx answer, with the original status.
pub(crate) const ORIGINAL_STATUS: &str = "x-sdk-original-status";

impl ClientHooks<Shared> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        apply_defaults(&self.inner().0, request, info);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        send(self, request, info).await
    }
}

/// Adds `User-Agent` and the client's default `X-Site`/`X-Language`/`X-Time-Zone` to operations
/// that declare those headers, leaving the values the call set.
pub(crate) fn apply_defaults(
    state: &crate::client::State,
    request: &mut reqwest::Request,
    info: &OperationInfo,
) {
    let declared = operations::find(info.operation_id).map_or(0, |m| m.headers);
    let headers = request.headers_mut();
    headers.remove("api-version");
    headers.insert(USER_AGENT, state.user_agent.clone());
    // iRobot operations use lower-case `x-language`/`x-site`: header names are case-insensitive,
    // so one default serves both. OSM's `X-Site` is an integer and iRobot's a string; both "0"/"1".
    for (bit, name, value) in [
        (
            operations::HEADER_LANGUAGE,
            X_LANGUAGE,
            &state.defaults.language,
        ),
        (
            operations::HEADER_TIME_ZONE,
            X_TIME_ZONE,
            &state.defaults.time_zone,
        ),
        (operations::HEADER_SITE, X_SITE, &state.defaults.site),
    ] {
        if let Some(v) = value.as_ref().filter(|_| declared & bit != 0) {
            if !headers.contains_key(&name) {
                headers.insert(name, v.clone());
            }
        }
    }
}

/// Authenticates, sends and normalizes one request. Used by generated and hand-written operations.
pub(crate) async fn send(
    client: &Client,
    mut request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let state = &client.inner().0;
    if let Err(failure) = authenticate(state, &mut request).await {
        return failure;
    }
    let expects_json = request
        .headers()
        .get(ACCEPT)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let span = tracing::debug_span!(
        "osm.request",
        operation = info.operation_id,
        method = %request.method(),
        path = request.url().path(),
    );
    let _enter = span.enter();
    let response = client.client().execute(request).await?;
    tracing::debug!(
        status = response.status().as_u16(),
        request_id = response
            .headers()
            .get(error::REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
        "response"
    );
    normalize(response, expects_json).await
}

/// Signs the request or adds the IAM token. A failure becomes an error response (for instance the
/// IAM login's own answer, so callers see it as a [`ServiceError`]) or a transport error.
async fn authenticate(
    state: &crate::client::State,
    request: &mut reqwest::Request,
) -> Result<(), reqwest::Result<reqwest::Response>> {
    match &state.auth {
        Auth::AkSk {
            creds,
            domain_id,
            security_token,
        } => {
            let headers = request.headers_mut();
            headers.insert(X_DOMAIN_ID, domain_id.clone());
            if let Some(token) = security_token {
                headers.insert(X_SECURITY_TOKEN, token.clone());
            }
            let date = clock::sdk_date(state.clock.now());
            creds
                .signer
                .sign_request(request, &date)
                .map(|_| ())
                .map_err(|e| Ok(local_error(&format!("cannot sign the request: {e}"))))
        }
        Auth::Token(source) => match source.token(&state.clock).await {
            Ok(token) => match HeaderValue::from_str(token.expose_secret()) {
                Ok(mut v) => {
                    v.set_sensitive(true);
                    request.headers_mut().insert(X_AUTH_TOKEN, v);
                    Ok(())
                }
                Err(_) => Err(Ok(local_error("the IAM token is not a valid header value"))),
            },
            Err(crate::Error::Service(e)) => Err(Ok(envelope_response(&e, None))),
            Err(crate::Error::Transport(e)) => Err(Err(e)),
            Err(e) => Err(Ok(local_error(&format!("cannot obtain an IAM token: {e}")))),
        },
    }
}

/// An error detected on this side before anything was sent: status 0, which the conversion into
/// [`crate::Error`] reports as [`crate::Error::InvalidRequest`].
fn local_error(message: &str) -> reqwest::Response {
    let err = ServiceError {
        status: 0,
        error_msg: Some(message.into()),
        ..Default::default()
    };
    envelope_response(&err, None)
}

/// Turns error answers into envelopes; passes success bodies (checked) and downloads through.
async fn normalize(
    response: reqwest::Response,
    expects_json: bool,
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let request_id = error::header_str(response.headers(), error::REQUEST_ID_HEADER);
    if !status.is_success() {
        let (body, _) = read_capped(response, MAX_ERROR_BODY).await?;
        let err = ServiceError::from_body(status.as_u16(), request_id, &body);
        return Ok(envelope_response(&err, None));
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
    let headers = response.headers().clone();
    let (body, complete) = read_capped(response, MAX_JSON_BODY).await?;
    if !complete {
        let err = ServiceError {
            status: status.as_u16(),
            request_id,
            error_msg: Some(format!("the response body exceeds {MAX_JSON_BODY} bytes")),
            raw_body: Some(error::raw_text(&body)),
            ..Default::default()
        };
        return Ok(envelope_response(&err, Some(status.as_u16())));
    }
    let body = if body.iter().all(u8::is_ascii_whitespace) && expects_json {
        // OSM answers some v1.0 operations with an empty 200: that is a success without data.
        Bytes::from_static(b"{}")
    } else {
        body
    };
    match serde_json::from_slice::<Probe>(&body) {
        Ok(probe) if probe.is_error() => {
            let err = ServiceError::from_body(status.as_u16(), request_id, &body);
            return Ok(envelope_response(&err, Some(status.as_u16())));
        }
        Err(e) if e.is_syntax() || e.is_eof() => {
            let err = ServiceError::from_body(status.as_u16(), request_id, &body);
            return Ok(envelope_response(&err, Some(status.as_u16())));
        }
        _ => {}
    }
    let mut rebuilt = http::Response::builder().status(status).version(version);
    if let Some(h) = rebuilt.headers_mut() {
        *h = headers;
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    Ok(reqwest::Response::from(
        rebuilt
            .body(body)
            .expect("status and headers come from a valid response"),
    ))
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

/// A response the generated code routes to its error branch, carrying the [`ServiceError`].
fn envelope_response(err: &ServiceError, original_status: Option<u16>) -> reqwest::Response {
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
    if let Some(id) = &err.request_id {
        if let Ok(v) = HeaderValue::from_str(id) {
            builder = builder.header(error::REQUEST_ID_HEADER, v);
        }
    }
    if let Some(s) = original_status {
        builder = builder.header(ORIGINAL_STATUS, s);
    }
    let bytes = serde_json::to_vec(&body).expect("a JSON value serializes");
    reqwest::Response::from(
        builder
            .body(bytes)
            .expect("static status and headers are valid"),
    )
}

/// Reads at most `cap` bytes of a body; `false` when there was more.
async fn read_capped(
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
