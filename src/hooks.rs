//! progenitor's `ClientHooks`: what happens around every generated (and hand-written) call.
//!
//! * `pre` removes progenitor's `api-version` header, adds `User-Agent` and the `X-Language`,
//!   `X-Time-Zone`, `X-Site` defaults to the operations that declare them, unless the call set them.
//! * `exec` runs the attempts (see [`crate::retry`]): each one authenticated afresh (new
//!   `X-Sdk-Date` and signature, or `X-Auth-Token`), bounded by the operation timeout; it learns the
//!   server's clock, refreshes an expired IAM token once, and turns every error answer into the same
//!   shape: a JSON envelope that the generated code decodes into [`ServiceError`] with status, code,
//!   message, request id and raw body, including OSM's business errors under HTTP 200. Binary
//!   downloads stay streaming.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{ACCEPT, CONTENT_TYPE, DATE, HeaderName, HeaderValue, USER_AGENT};
use secrecy::ExposeSecret;
use tracing::Instrument;

use crate::Client;
use crate::client::{Auth, State};
use crate::clock;
use crate::error::{self, ServiceError};
use crate::operations;
use crate::retry::{self, Outcome};

/// Default largest success JSON body accepted (a hostile or broken server cannot make us buffer
/// more); see [`crate::ClientBuilder::max_response_body`].
pub(crate) const MAX_JSON_BODY: usize = 64 * 1024 * 1024;
/// Largest error body read (the rest is not needed to report the error).
const MAX_ERROR_BODY: usize = 1024 * 1024;
/// A server clock further than this from ours is learned as the clock offset.
const SKEW_TOLERANCE: Duration = Duration::from_secs(120);

const X_LANGUAGE: HeaderName = HeaderName::from_static("x-language");
const X_TIME_ZONE: HeaderName = HeaderName::from_static("x-time-zone");
const X_SITE: HeaderName = HeaderName::from_static("x-site");
const X_DOMAIN_ID: HeaderName = HeaderName::from_static("x-domain-id");
const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");
/// Set on error envelopes made from a 2xx answer, with the original status.
pub(crate) const ORIGINAL_STATUS: &str = "x-sdk-original-status";
/// Set on envelopes of errors found on this side (no answer from the server): its value says which.
pub(crate) const LOCAL_ERROR: &str = "x-sdk-local-error";
/// [`LOCAL_ERROR`] value: the request could not be prepared (signing, token).
pub(crate) const LOCAL_INVALID_REQUEST: &str = "invalid-request";
/// [`LOCAL_ERROR`] value: the whole operation exceeded its timeout.
pub(crate) const LOCAL_OPERATION_TIMEOUT: &str = "operation-timeout";

impl ClientHooks<crate::client::Shared> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let meta = operations::find(info.operation_id);
        if let Some(meta) = meta {
            meta.check_params(request.url())
                .map_err(progenitor_client::Error::InvalidRequest)?;
        }
        if let Some(body) = request.body().and_then(|b| b.as_bytes()) {
            operations::check_body(info.operation_id, body)
                .map_err(progenitor_client::Error::InvalidRequest)?;
        }
        apply_defaults(&self.inner().state, request, meta.map_or(0, |m| m.headers));
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
/// that declare those headers (`declared`, bits of [`operations`]), leaving the values the call set.
pub(crate) fn apply_defaults(state: &State, request: &mut reqwest::Request, declared: u8) {
    let headers = request.headers_mut();
    headers.remove("api-version");
    headers.insert(USER_AGENT, state.user_agent.clone());
    // iRobot operations use lower-case `x-language`/`x-site`: header names are case-insensitive,
    // so one default serves both. OSM's `X-Site` is an integer and iRobot's a string; both "0"/"1".
    let defaults = [
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
    ];
    for (bit, name, value) in defaults {
        let Some(v) = value.as_ref().filter(|_| declared & bit != 0) else {
            continue;
        };
        if !headers.contains_key(&name) {
            headers.insert(name, v.clone());
        }
    }
}

/// Runs the attempts of one operation within its timeout. Used by generated and hand-written
/// operations.
pub(crate) async fn send(
    client: &Client,
    request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let shared = client.inner();
    let span = tracing::info_span!(
        "osm.operation",
        operation = info.operation_id,
        method = %request.method(),
        attempts = tracing::field::Empty,
    );
    let attempts = attempts(client, request, info).instrument(span.clone());
    match shared.config.operation_timeout {
        None => attempts.await,
        Some(limit) => match tokio::time::timeout(limit, attempts).await {
            Ok(result) => result,
            Err(_) => {
                let _enter = span.enter();
                tracing::warn!(timeout_ms = limit.as_millis() as u64, "operation timed out");
                Ok(local_error(
                    LOCAL_OPERATION_TIMEOUT,
                    &format!("the operation did not finish within {limit:?}"),
                ))
            }
        },
    }
}

async fn attempts(
    client: &Client,
    request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let shared = client.inner();
    let state = &shared.state;
    let policy = &shared.config.retry;
    let idempotent = operations::find(info.operation_id).is_some_and(|m| m.idempotent);
    let expects_json = request
        .headers()
        .get(ACCEPT)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let started = Instant::now();
    // A streaming body cannot be sent twice: such requests get one attempt.
    let template = request.try_clone();
    let mut next = Some(request);
    let mut token_refreshed = false;
    let mut clock_corrected = false;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        tracing::Span::current().record("attempts", attempt);
        let Some(mut request) = next.take() else {
            unreachable!("a request is prepared before every attempt");
        };
        if let Err(failure) = authenticate(state, &mut request).await {
            return failure;
        }
        let span = tracing::info_span!(
            "osm.attempt",
            attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let sent_at = Instant::now();
        let result = async {
            let result = client.client().execute(request).await;
            match result {
                Ok(response) => {
                    learn_clock(state, response.headers());
                    normalize(response, expects_json, state.max_json_body).await
                }
                Err(e) => Err(e),
            }
        }
        .instrument(span.clone())
        .await;
        span.record("duration_ms", sent_at.elapsed().as_millis() as u64);

        let (outcome, retry_after, error) = match &result {
            Ok(n) => {
                span.record("status", n.status);
                if let Some(id) = &n.request_id {
                    span.record("request_id", id.as_str());
                }
                (Outcome::Status(n.status), n.retry_after, n.error.as_ref())
            }
            Err(e) if e.is_connect() => (Outcome::ConnectFailed, None, None),
            Err(_) => (Outcome::SentThenFailed, None, None),
        };
        tracing::debug!(parent: &span, ?outcome, "attempt finished");

        // 401: never retried as such; once after a token refresh or a clock correction.
        let mut fixed_401 = false;
        if outcome == Outcome::Status(401) {
            if !token_refreshed && state.auth.invalidate().await {
                token_refreshed = true;
                fixed_401 = true;
            } else if !clock_corrected && error.is_some_and(is_signature_expired) {
                clock_corrected = true;
                fixed_401 = result.as_ref().ok().and_then(|n| n.server_date).is_some();
            }
        }
        let retry = fixed_401
            || (attempt < policy.max_attempts && retry::is_retryable(outcome, idempotent, policy));
        let wait = if fixed_401 {
            Duration::ZERO
        } else {
            policy.backoff(attempt, retry_after)
        };
        let in_budget = started.elapsed() + wait <= policy.max_elapsed;
        let again = match (&template, retry && in_budget) {
            (Some(t), true) => t.try_clone(),
            _ => None,
        };
        let Some(again) = again else {
            if let Err(e) = &result {
                tracing::warn!(attempt, error = %e, "attempt failed");
            }
            return result.map(|n| n.response);
        };
        tracing::info!(
            attempt,
            ?outcome,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        next = Some(again);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// The gateway's answer to a signature outside its ±15 minute window.
fn is_signature_expired(err: &ServiceError) -> bool {
    err.message()
        .is_some_and(|m| m.to_ascii_lowercase().contains("signature expired"))
}

/// Learns the server's clock from a `Date` header when it is off by more than the tolerance.
fn learn_clock(state: &State, headers: &reqwest::header::HeaderMap) {
    let Some(server) = headers
        .get(DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(clock::parse_http_date)
    else {
        return;
    };
    let local = state.clock.now();
    let skew = match server.duration_since(local) {
        Ok(ahead) => ahead.as_secs() as i64,
        Err(behind) => -(behind.duration().as_secs() as i64),
    };
    if skew.unsigned_abs() > SKEW_TOLERANCE.as_secs() {
        let offset = state.clock.offset() + skew;
        tracing::warn!(
            offset_secs = offset,
            "the server's clock differs from ours; signing with its time"
        );
        state.clock.set_offset(offset);
    }
}

/// Signs the request (with the current keys and the account id, looked up on first use) or adds
/// the IAM token. A failure becomes an error response (for instance IAM's own answer, so callers
/// see it as a [`ServiceError`]) or a transport error.
async fn authenticate(
    state: &State,
    request: &mut reqwest::Request,
) -> Result<(), reqwest::Result<reqwest::Response>> {
    match &state.auth {
        Auth::AkSk { keys, domain_id } => {
            let keys = keys.current(&state.clock).await.map_err(|e| {
                auth_failure(
                    e,
                    "cannot obtain credentials from the instance metadata service",
                )
            })?;
            let domain_id = domain_id
                .get(&keys, &state.clock)
                .await
                .map_err(|e| auth_failure(e, "cannot determine the account (domain) id"))?;
            request.headers_mut().insert(X_DOMAIN_ID, domain_id);
            let date = clock::sdk_date(state.clock.now());
            keys.sign(request, &date).map_err(|e| {
                Ok(local_error(
                    LOCAL_INVALID_REQUEST,
                    &format!("cannot sign the request: {e}"),
                ))
            })
        }
        Auth::Token(source) => {
            let token = source
                .token(&state.clock)
                .await
                .map_err(|e| auth_failure(e, "cannot obtain an IAM token"))?;
            match HeaderValue::from_str(token.expose_secret()) {
                Ok(mut v) => {
                    v.set_sensitive(true);
                    request.headers_mut().insert(X_AUTH_TOKEN, v);
                    Ok(())
                }
                Err(_) => Err(Ok(local_error(
                    LOCAL_INVALID_REQUEST,
                    "the IAM token is not a valid header value",
                ))),
            }
        }
    }
}

/// What the caller gets when credentials could not be obtained: the service's answer (IAM, the
/// metadata service) as a service error, a transport failure (timeouts included) as itself,
/// anything else as a local error saying what was being done.
fn auth_failure(e: crate::Error, doing: &str) -> reqwest::Result<reqwest::Response> {
    match e {
        crate::Error::Service(e) => Ok(envelope_response(&e, None)),
        crate::Error::Transport(e)
        | crate::Error::Timeout {
            source: Some(e), ..
        } => Err(e),
        crate::Error::Config(message) => Ok(local_error(
            LOCAL_INVALID_REQUEST,
            &format!("{doing}: {message}"),
        )),
        e => Ok(local_error(LOCAL_INVALID_REQUEST, &format!("{doing}: {e}"))),
    }
}

/// An error found on this side, with no answer from the server.
fn local_error(kind: &'static str, message: &str) -> reqwest::Response {
    let err = ServiceError {
        error_msg: Some(message.into()),
        ..Default::default()
    };
    let mut response = envelope_response(&err, None);
    response
        .headers_mut()
        .insert(LOCAL_ERROR, HeaderValue::from_static(kind));
    response
}

/// A response after normalization, with what retrying needs to know.
struct Normalized {
    response: reqwest::Response,
    /// The status the server answered.
    status: u16,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    server_date: Option<SystemTime>,
    /// The decoded error, when the answer was one.
    error: Option<ServiceError>,
}

/// Turns error answers into envelopes; passes success bodies (checked) and downloads through.
async fn normalize(
    response: reqwest::Response,
    expects_json: bool,
    max_json_body: usize,
) -> reqwest::Result<Normalized> {
    let status = response.status();
    let headers = response.headers();
    let request_id = error::header_str(headers, error::REQUEST_ID_HEADER);
    let retry_after = retry::retry_after(headers);
    let server_date = headers
        .get(DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(clock::parse_http_date);
    let done = |response, error| Normalized {
        response,
        status: status.as_u16(),
        request_id: request_id.clone(),
        retry_after,
        server_date,
        error,
    };
    if !status.is_success() {
        let (body, _) = read_capped(response, MAX_ERROR_BODY).await?;
        let err = ServiceError::from_body(status.as_u16(), request_id.clone(), &body);
        return Ok(done(envelope_response(&err, None), Some(err)));
    }
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"));
    if !is_json && !expects_json {
        return Ok(done(response, None)); // a download: stream it
    }
    let version = response.version();
    let headers = response.headers().clone();
    let (body, complete) = read_capped(response, max_json_body).await?;
    if !complete {
        let err = ServiceError {
            status: status.as_u16(),
            request_id: request_id.clone(),
            error_msg: Some(format!("the response body exceeds {max_json_body} bytes")),
            raw_body: Some(error::raw_text(&body)),
            ..Default::default()
        };
        return Ok(done(
            envelope_response(&err, Some(status.as_u16())),
            Some(err),
        ));
    }
    let body = if body.iter().all(u8::is_ascii_whitespace) && expects_json {
        // OSM answers some v1.0 operations with an empty 200: that is a success without data.
        Bytes::from_static(b"{}")
    } else {
        body
    };
    // Only a body that names `error_code` can be an error; the scan is far cheaper than a second
    // parse. A body that is not JSON at all is reported by the typed decode (with status and
    // request id, see `error::decode_context`).
    let names_error_code = memchr::memmem::find(&body, b"\"error_code\"").is_some();
    let is_error = names_error_code
        && match serde_json::from_slice::<Probe>(&body) {
            Ok(probe) => probe.is_error(),
            Err(e) => e.is_syntax() || e.is_eof(),
        };
    if is_error {
        let err = ServiceError::from_body(status.as_u16(), request_id.clone(), &body);
        return Ok(done(
            envelope_response(&err, Some(status.as_u16())),
            Some(err),
        ));
    }
    error::decode_context::set(&body, status.as_u16(), request_id.clone());
    let mut rebuilt = http::Response::builder().status(status).version(version);
    if let Some(h) = rebuilt.headers_mut() {
        *h = headers;
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    let rebuilt = rebuilt
        .body(body)
        .expect("status and headers come from a valid response");
    Ok(done(reqwest::Response::from(rebuilt), None))
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
    if let Some(id) = &err.request_id
        && let Ok(v) = HeaderValue::from_str(id)
    {
        builder = builder.header(error::REQUEST_ID_HEADER, v);
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
