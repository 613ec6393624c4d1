//! progenitor's `ClientHooks`: what happens around every generated (and hand-written) call.
//!
//! * `pre` checks the request against the spec's limits ([`crate::operations`]: lengths, ranges,
//!   item counts of every parameter and of the JSON body) before anything is sent, removes
//!   progenitor's `api-version` header, and adds `User-Agent` and the `X-Language`, `X-Time-Zone`,
//!   `X-Site` defaults to the operations that declare them, unless the call set them.
//! * `exec` runs the attempts (see [`crate::retry`]): each one authenticated afresh (new
//!   `X-Sdk-Date` and signature, or `X-Auth-Token`), bounded by the operation timeout; it learns the
//!   server's clock, refreshes an expired IAM token once, and turns every error answer into the same
//!   shape through `crate::error::decode` (the whole error path lives there). Binary downloads stay
//!   streaming.
//! * [`execute`] runs hand-written operations and raw calls through the same two hooks.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{ACCEPT, DATE, HeaderName, HeaderValue, USER_AGENT};
use secrecy::ExposeSecret;
use tracing::Instrument;

use crate::Client;
use crate::client::{Auth, State};
use crate::clock;
use crate::error::{
    self, DecodeContext, LOCAL_CONFIG, LOCAL_INVALID_REQUEST, LOCAL_OPERATION_TIMEOUT,
    ServiceError, envelope_response, local_error,
};
use crate::operations;
use crate::retry::{self, Outcome};

/// A server clock further than this from ours is learned as the clock offset.
const SKEW_TOLERANCE: Duration = Duration::from_secs(120);

const X_LANGUAGE: HeaderName = HeaderName::from_static("x-language");
const X_TIME_ZONE: HeaderName = HeaderName::from_static("x-time-zone");
const X_SITE: HeaderName = HeaderName::from_static("x-site");
const X_DOMAIN_ID: HeaderName = HeaderName::from_static("x-domain-id");
const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");

impl ClientHooks<crate::client::Shared> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let meta = operations::find(info.operation_id);
        if let Some(meta) = meta {
            // Before the defaults are added: only what the call set is judged.
            meta.check(request)
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

/// Runs a hand-built request exactly as a generated `send()` runs its own: the `pre` hook (limits,
/// defaults), the attempts of the `exec` hook, and `decode` on the answer, with every failure as
/// [`crate::Error`]. Used by the hand-written operations and raw calls.
pub(crate) async fn execute<T, F, Fut>(
    client: &Client,
    mut request: reqwest::Request,
    operation_id: &'static str,
    decode: F,
) -> crate::Result<ResponseValue<T>>
where
    F: FnOnce(reqwest::Response) -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<ServiceError>>>,
{
    let mut context = DecodeContext::default();
    let result = async {
        let info = OperationInfo { operation_id };
        client.pre::<ServiceError>(&mut request, &info).await?;
        let result = client.exec(request, &info).await;
        client.post::<ServiceError>(&result, &info).await?;
        let response = result?;
        context.record(&response);
        if response.status().is_success() {
            decode(response).await
        } else {
            Err(progenitor_client::Error::ErrorResponse(
                ResponseValue::from_response(response).await?,
            ))
        }
    }
    .await;
    context.finish(result)
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
        let result: reqwest::Result<(Answer, error::Normalized)> = async {
            let response = client.client().execute(request).await?;
            let answer = Answer::of(&response);
            learn_clock(state, answer.server_date);
            let normalized = error::normalize(response, expects_json, state.max_json_body).await?;
            Ok((answer, normalized))
        }
        .instrument(span.clone())
        .await;
        span.record("duration_ms", sent_at.elapsed().as_millis() as u64);

        let (outcome, retry_after, error) = match &result {
            Ok((answer, normalized)) => {
                span.record("status", answer.status);
                if let Some(id) = &answer.request_id {
                    span.record("request_id", id.as_str());
                }
                (
                    Outcome::Status(answer.status),
                    answer.retry_after,
                    normalized.error.as_ref(),
                )
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
                fixed_401 = result.as_ref().is_ok_and(|(a, _)| a.server_date.is_some());
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
            return result.map(|(_, n)| n.response);
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

/// What retrying and clock learning need to know of an answer, read from its head.
struct Answer {
    status: u16,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    server_date: Option<SystemTime>,
}

impl Answer {
    fn of(response: &reqwest::Response) -> Self {
        let headers = response.headers();
        Answer {
            status: response.status().as_u16(),
            request_id: error::header_str(headers, error::REQUEST_ID_HEADER),
            retry_after: retry::retry_after(headers),
            server_date: headers
                .get(DATE)
                .and_then(|v| v.to_str().ok())
                .and_then(clock::parse_http_date),
        }
    }
}

/// Learns the server's clock from its `Date` when it is off by more than the tolerance.
fn learn_clock(state: &State, server: Option<SystemTime>) {
    let Some(server) = server else {
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
/// metadata service) as a service error, a transport failure (timeouts included) as itself, a
/// configuration problem (no account id, say) as [`crate::Error::Config`], anything else as an
/// invalid request, each saying what was being done.
fn auth_failure(e: crate::Error, doing: &str) -> reqwest::Result<reqwest::Response> {
    match e {
        crate::Error::Service(e) => Ok(envelope_response(&e)),
        crate::Error::Transport(e)
        | crate::Error::Timeout {
            source: Some(e), ..
        } => Err(e),
        crate::Error::Config(message) => {
            Ok(local_error(LOCAL_CONFIG, &format!("{doing}: {message}")))
        }
        e => Ok(local_error(LOCAL_INVALID_REQUEST, &format!("{doing}: {e}"))),
    }
}
