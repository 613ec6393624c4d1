//! progenitor's `ClientHooks`: what happens around every generated (and hand-written) call.
//!
//! * `pre` checks the request against the spec's limits ([`crate::operations`]: lengths, ranges,
//!   item counts of every parameter and of the JSON body) before anything is sent, removes
//!   progenitor's `api-version` header, and adds `User-Agent` and the `X-Language`, `X-Time-Zone`,
//!   `X-Site` defaults to the operations that declare them, unless the call set them.
//! * `exec` runs the attempts (see [`crate::retry`]: until the policy's time budget is spent),
//!   each one authenticated afresh (new `X-Sdk-Date` and signature, or `X-Auth-Token`), bounded by
//!   the operation timeout; it learns the server's clock, refreshes an expired IAM token once, and
//!   turns every error answer into the same shape through `crate::error::decode` (the whole error
//!   path lives there). Binary downloads stay streaming.
//! * [`execute`] runs hand-written operations and raw calls through the same two hooks, with a way
//!   to build the request again for each attempt when its body cannot be cloned (an upload
//!   streamed from a file).

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use futures::future::BoxFuture;
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
/// [`crate::Error`]. Used by the hand-written operations and raw calls. A request whose body
/// cannot be cloned gets one attempt, unless `rebuild` builds it again for each further attempt
/// (an upload streamed from a file, opened again).
pub(crate) async fn execute<T, F, Fut>(
    client: &Client,
    mut request: reqwest::Request,
    rebuild: Option<Rebuild>,
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
        let result = send_replayable(client, request, &info, rebuild.as_ref()).await;
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

/// Builds again the request of an operation whose body cannot be cloned because it streams from
/// a source that can be opened again (a file): each attempt after the first sends a fresh one,
/// prepared by the `pre` hook like the first.
pub(crate) type Rebuild =
    Box<dyn Fn() -> BoxFuture<'static, crate::Result<reqwest::Request>> + Send + Sync>;

/// Runs the attempts of one operation within its timeout. Used by generated and hand-written
/// operations.
pub(crate) async fn send(
    client: &Client,
    request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    send_replayable(client, request, info, None).await
}

/// [`send`], with a way to build the request again for a body that cannot be cloned.
async fn send_replayable(
    client: &Client,
    request: reqwest::Request,
    info: &OperationInfo,
    rebuild: Option<&Rebuild>,
) -> reqwest::Result<reqwest::Response> {
    let shared = client.inner();
    let span = tracing::info_span!(
        "osm.operation",
        operation = info.operation_id,
        method = %request.method(),
        attempts = tracing::field::Empty,
    );
    let attempts = attempts(client, request, info, rebuild).instrument(span.clone());
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

/// Where the request of each further attempt comes from.
enum Resend<'a> {
    /// A copy of the first: its body is in memory (every generated operation).
    Copy(Box<reqwest::Request>),
    /// Built again: its body streams from a file, opened again.
    Rebuild(&'a Rebuild),
    /// Nowhere: a body streamed from a reader can be sent once only.
    Never,
}

impl Resend<'_> {
    fn of<'a>(request: &reqwest::Request, rebuild: Option<&'a Rebuild>) -> Resend<'a> {
        match (request.try_clone(), rebuild) {
            (Some(copy), _) => Resend::Copy(Box::new(copy)),
            (None, Some(rebuild)) => Resend::Rebuild(rebuild),
            (None, None) => Resend::Never,
        }
    }

    /// The request of the next attempt, prepared like the first; `None` when there can be no
    /// other attempt (the reason is traced).
    async fn next(&self, client: &Client, info: &OperationInfo) -> Option<reqwest::Request> {
        match self {
            Resend::Copy(request) => request.try_clone(),
            Resend::Never => {
                tracing::info!("not retried: the body streams from a reader and was sent once");
                None
            }
            Resend::Rebuild(rebuild) => {
                let mut request = match rebuild().await {
                    Ok(request) => request,
                    Err(e) => {
                        tracing::warn!(error = %e, "not retried: the body cannot be opened again");
                        return None;
                    }
                };
                match client.pre::<ServiceError>(&mut request, info).await {
                    Ok(()) => Some(request),
                    Err(e) => {
                        tracing::warn!(error = %e, "not retried: the rebuilt request is refused");
                        None
                    }
                }
            }
        }
    }
}

/// One attempt, as the loop sees it.
struct Tried {
    /// What the caller gets when this attempt is the last.
    result: reqwest::Result<reqwest::Response>,
    /// What happened, for the retry rules; `None` for a local failure, never retried.
    outcome: Option<Outcome>,
    /// The operation's request was not sent: obtaining credentials failed (such exchanges are
    /// safe to repeat whatever the operation).
    unsent: bool,
    /// The answer's `Retry-After`.
    retry_after: Option<Duration>,
    /// The error answer, decoded.
    error: Option<ServiceError>,
    /// The answer had a `Date`, so the clock was learned from it.
    dated: bool,
}

async fn attempts(
    client: &Client,
    request: reqwest::Request,
    info: &OperationInfo,
    rebuild: Option<&Rebuild>,
) -> reqwest::Result<reqwest::Response> {
    let shared = client.inner();
    let state = &shared.state;
    let policy = &shared.config.retry;
    let idempotent = operations::find(info.operation_id).is_some_and(|m| m.idempotent);
    let expects_json = request
        .headers()
        .get(ACCEPT)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    // tokio's clock: a paused runtime (tests) controls the budget and the waits.
    let started = tokio::time::Instant::now();
    let resend = Resend::of(&request, rebuild);
    let mut request = request;
    let mut token_refreshed = false;
    let mut clock_corrected = false;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        tracing::Span::current().record("attempts", attempt);
        let tried = try_once(client, request, expects_json, attempt).await;

        // 401: never retried as such; once after a token refresh or a clock correction.
        let mut fixed_401 = false;
        if tried.outcome == Some(Outcome::Status(401)) && !tried.unsent {
            if !token_refreshed && state.auth.invalidate().await {
                token_refreshed = true;
                fixed_401 = true;
            } else if !clock_corrected && tried.error.as_ref().is_some_and(is_signature_expired) {
                clock_corrected = true;
                fixed_401 = tried.dated;
            }
        }
        let wait = if fixed_401 {
            Some(Duration::ZERO)
        } else {
            tried
                .outcome
                .filter(|o| retry::is_retryable(*o, idempotent || tried.unsent, policy))
                .and_then(|_| {
                    let elapsed = started.elapsed();
                    policy.next_wait(attempt, elapsed, tried.retry_after)
                })
        };
        let next = match wait {
            Some(_) => resend.next(client, info).await,
            None => None,
        };
        let (Some(wait), Some(next)) = (wait, next) else {
            if let Err(e) = &tried.result {
                tracing::warn!(attempt, error = %e, "attempt failed");
            }
            return tried.result;
        };
        tracing::info!(
            attempt,
            outcome = ?tried.outcome,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        request = next;
    }
}

/// Authenticates and sends one attempt, and reads what the retry rules need of its answer.
async fn try_once(
    client: &Client,
    mut request: reqwest::Request,
    expects_json: bool,
    attempt: u32,
) -> Tried {
    let state = &client.inner().state;
    if let Err((result, outcome)) = authenticate(state, &mut request).await {
        return Tried {
            result,
            outcome,
            unsent: true,
            retry_after: None,
            error: None,
            dated: false,
        };
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
    let tried = match result {
        Ok((answer, normalized)) => {
            span.record("status", answer.status);
            if let Some(id) = &answer.request_id {
                span.record("request_id", id.as_str());
            }
            Tried {
                result: Ok(normalized.response),
                outcome: Some(Outcome::Status(answer.status)),
                unsent: false,
                retry_after: answer.retry_after,
                error: normalized.error,
                dated: answer.server_date.is_some(),
            }
        }
        Err(e) => Tried {
            outcome: Some(transport_outcome(&e)),
            result: Err(e),
            unsent: false,
            retry_after: None,
            error: None,
            dated: false,
        },
    };
    tracing::debug!(parent: &span, outcome = ?tried.outcome, "attempt finished");
    tried
}

/// A transport failure, for the retry rules: a connection that could not be made, or a failure
/// once the request may have left.
fn transport_outcome(e: &reqwest::Error) -> Outcome {
    if e.is_connect() {
        Outcome::ConnectFailed
    } else {
        Outcome::SentThenFailed
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

/// Why an attempt could not be authenticated: what the caller gets (for instance IAM's own
/// answer, so callers see it as a [`ServiceError`], or a transport error), and the outcome of the
/// credential exchange that failed, when it is one the retry rules judge.
type AuthFailure = (reqwest::Result<reqwest::Response>, Option<Outcome>);

/// Signs the request (with the current keys and the account id, looked up on first use) or adds
/// the IAM token.
async fn authenticate(state: &State, request: &mut reqwest::Request) -> Result<(), AuthFailure> {
    match &state.auth {
        Auth::AkSk { keys, domain_id } => {
            let keys = keys
                .current(&state.clock)
                .await
                .map_err(|e| auth_failure(e, &keys.failure()))?;
            let domain_id = domain_id
                .get(&keys, &state.clock)
                .await
                .map_err(|e| auth_failure(e, "cannot determine the account (domain) id"))?;
            request.headers_mut().insert(X_DOMAIN_ID, domain_id);
            let date = clock::sdk_date(state.clock.now());
            keys.sign(request, &date).map_err(|e| {
                (
                    Ok(local_error(
                        LOCAL_INVALID_REQUEST,
                        &format!("cannot sign the request: {e}"),
                    )),
                    None,
                )
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
                Err(_) => Err((
                    Ok(local_error(
                        LOCAL_INVALID_REQUEST,
                        "the IAM token is not a valid header value",
                    )),
                    None,
                )),
            }
        }
    }
}

/// What the caller gets when credentials could not be obtained: the service's answer (IAM, the
/// metadata service) as a service error, a transport failure (timeouts included) as itself, a
/// configuration problem (no account id, say) as [`crate::Error::Config`], anything else as an
/// invalid request, each saying what was being done.
fn auth_failure(e: crate::Error, doing: &str) -> AuthFailure {
    match e {
        crate::Error::Service(e) => (Ok(envelope_response(&e)), Some(Outcome::Status(e.status))),
        crate::Error::Transport(e)
        | crate::Error::Timeout {
            source: Some(e), ..
        } => {
            let outcome = transport_outcome(&e);
            (Err(e), Some(outcome))
        }
        crate::Error::Config(message) => (
            Ok(local_error(LOCAL_CONFIG, &format!("{doing}: {message}"))),
            None,
        ),
        e => (
            Ok(local_error(LOCAL_INVALID_REQUEST, &format!("{doing}: {e}"))),
            None,
        ),
    }
}
