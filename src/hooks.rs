//! What happens around every generated (and hand-written) call: the `pre` and `exec` steps that
//! progenitor's hooks would run, as functions whose errors are the SDK's own [`crate::Error`]
//! values (the generated `send()` calls them, rewritten by `xtask/codegen/src/passes.rs`).
//!
//! * [`pre`] decodes the request's URL once ([`DecodedUrl`]), checks the request against the
//!   spec's limits ([`crate::operations`]: lengths, ranges, item counts of every parameter and of
//!   the JSON body, which the generated code hands over as one `serde_json::Value`, serialized
//!   once and written as the body after the check), puts the query in the canonical form the
//!   signature covers, and adds `User-Agent` and the `X-Language`, `X-Time-Zone`, `X-Site`
//!   defaults to the operations that declare them, unless the call set them.
//! * [`exec`] runs the attempts (see [`crate::retry`]: until the policy's time budget is spent),
//!   each one authenticated afresh (new `X-Sdk-Date` and signature from the decoded URL, or
//!   `X-Auth-Token`), bounded by the operation timeout; it learns the server's clock, refreshes an
//!   expired IAM token once, and returns the success answer or the error, decoded once by
//!   `crate::error::answer` (the whole error path lives in `crate::error`). Binary downloads stay
//!   streaming.
//! * [`execute`] runs hand-written operations and raw calls through the same two steps, with a way
//!   to build the request again for each attempt when its body cannot be cloned (an upload
//!   streamed from a file).

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use futures_util::future::BoxFuture;
use progenitor_client::{ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{ACCEPT, CONTENT_TYPE, DATE, HeaderName, HeaderValue, USER_AGENT};
use secrecy::ExposeSecret;
use serde::Serialize;
use tracing::Instrument;

use crate::auth::signer::DecodedUrl;
use crate::client::{Auth, State};
use crate::clock;
use crate::error::{self, RequestLine, TimeoutKind};
use crate::retry::{self, Outcome};
use crate::{Client, Error, operations};

/// A server clock further than this from ours is learned as the clock offset.
const SKEW_TOLERANCE: Duration = Duration::from_secs(120);

const X_LANGUAGE: HeaderName = HeaderName::from_static("x-language");
const X_TIME_ZONE: HeaderName = HeaderName::from_static("x-time-zone");
const X_SITE: HeaderName = HeaderName::from_static("x-site");
const X_DOMAIN_ID: HeaderName = HeaderName::from_static("x-domain-id");
const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");

/// A request ready for its attempts: checked against the spec, defaulted, its JSON body written
/// and its URL decoded once, which every attempt signs from.
pub(crate) struct Prepared {
    request: reqwest::Request,
    url: DecodedUrl,
}

/// A typed request body as JSON, made once: [`pre`] checks the spec's limits on it and writes it
/// as the request's body.
pub(crate) fn json<T: Serialize + ?Sized>(body: &T) -> crate::Result<serde_json::Value> {
    serde_json::to_value(body)
        .map_err(|e| Error::InvalidRequest(format!("the body cannot be written as JSON: {e}")))
}

/// Prepares a request before anything is sent: decodes its URL (once), checks the spec's limits
/// on its parameters and on `body` (judged on what the call set), writes `body` as the request's
/// JSON, puts the query in the canonical form the signature covers, and adds the defaults.
pub(crate) fn pre(
    client: &Client,
    mut request: reqwest::Request,
    info: &OperationInfo,
    body: Option<serde_json::Value>,
) -> crate::Result<Prepared> {
    let meta = operations::find(info.operation_id);
    let url = DecodedUrl::of(request.url());
    if let Some(meta) = meta {
        meta.check(&url, request.headers(), body.as_ref())
            .map_err(Error::InvalidRequest)?;
    }
    if let Some(body) = body {
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| Error::InvalidRequest(format!("the body cannot be written: {e}")))?;
        request
            .headers_mut()
            .entry(CONTENT_TYPE)
            .or_insert(HeaderValue::from_static("application/json"));
        *request.body_mut() = Some(bytes.into());
    }
    url.canonicalize(request.url_mut());
    apply_defaults(
        &client.inner().state,
        &mut request,
        meta.map_or(0, |m| m.headers),
    );
    Ok(Prepared { request, url })
}

/// Runs the attempts of one operation within its timeout: the success answer, or the error.
pub(crate) async fn exec(
    client: &Client,
    prepared: Prepared,
    info: &OperationInfo,
) -> crate::Result<reqwest::Response> {
    send_replayable(client, prepared, info, None).await
}

/// Runs a hand-built request exactly as a generated `send()` runs its own: [`pre`] (limits, the
/// JSON `body` if any, defaults), the attempts of [`exec`], and `decode` on the success answer.
/// Used by the hand-written operations and raw calls. A request whose body cannot be cloned gets
/// one attempt, unless `rebuild` builds it again for each further attempt (an upload streamed from
/// a file, opened again).
pub(crate) async fn execute<T, F, Fut>(
    client: &Client,
    request: reqwest::Request,
    body: Option<serde_json::Value>,
    rebuild: Option<Rebuild>,
    operation_id: &'static str,
    decode: F,
) -> crate::Result<ResponseValue<T>>
where
    F: FnOnce(reqwest::Response) -> Fut,
    Fut: Future<Output = crate::Result<ResponseValue<T>>>,
{
    let info = OperationInfo { operation_id };
    let prepared = pre(client, request, &info, body)?;
    let response = send_replayable(client, prepared, &info, rebuild.as_ref()).await?;
    decode(response).await
}

/// Adds `User-Agent` and the client's default `X-Site`/`X-Language`/`X-Time-Zone` to operations
/// that declare those headers (`declared`, bits of [`operations`]), leaving the values the call set.
pub(crate) fn apply_defaults(state: &State, request: &mut reqwest::Request, declared: u8) {
    let headers = request.headers_mut();
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

/// [`exec`], with a way to build the request again for a body that cannot be cloned.
async fn send_replayable(
    client: &Client,
    prepared: Prepared,
    info: &OperationInfo,
    rebuild: Option<&Rebuild>,
) -> crate::Result<reqwest::Response> {
    let shared = client.inner();
    let Prepared { request, url } = prepared;
    let line = RequestLine::of(&request);
    let span = tracing::info_span!(
        "osm.operation",
        operation = info.operation_id,
        method = %request.method(),
        attempts = tracing::field::Empty,
    );
    let attempts = attempts(client, request, &url, &line, info, rebuild).instrument(span.clone());
    match shared.config.operation_timeout {
        None => attempts.await,
        Some(limit) => match tokio::time::timeout(limit, attempts).await {
            Ok(result) => result,
            Err(_) => {
                let _enter = span.enter();
                tracing::warn!(timeout_ms = limit.as_millis() as u64, "operation timed out");
                Err(Error::Timeout {
                    kind: TimeoutKind::Operation,
                    request: Some(line.clone()),
                    source: None,
                })
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
                let request = match rebuild().await {
                    Ok(request) => request,
                    Err(e) => {
                        tracing::warn!(error = %e, "not retried: the body cannot be opened again");
                        return None;
                    }
                };
                match pre(client, request, info, None) {
                    Ok(prepared) => Some(prepared.request),
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
    result: crate::Result<reqwest::Response>,
    /// What happened, for the retry rules ([`Error::outcome`]); `None` for a local failure, never
    /// retried.
    outcome: Option<Outcome>,
    /// The operation's request was not sent: obtaining credentials failed (such exchanges are
    /// safe to repeat whatever the operation).
    unsent: bool,
    /// The answer's `Retry-After`.
    retry_after: Option<Duration>,
    /// The answer had a `Date`, so the clock was learned from it.
    dated: bool,
}

async fn attempts(
    client: &Client,
    request: reqwest::Request,
    url: &DecodedUrl,
    line: &RequestLine,
    info: &OperationInfo,
    rebuild: Option<&Rebuild>,
) -> crate::Result<reqwest::Response> {
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
        let tried = try_once(client, request, url, line, expects_json, attempt).await;

        // 401: never retried as such; once after a token refresh or a clock correction.
        let mut fixed_401 = false;
        if tried.outcome == Some(Outcome::Status(401)) && !tried.unsent {
            if !token_refreshed && state.auth.invalidate().await {
                token_refreshed = true;
                fixed_401 = true;
            } else if !clock_corrected && is_signature_expired(&tried.result) {
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
            if let Err(e @ (Error::Transport(_) | Error::Timeout { .. })) = &tried.result {
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
    url: &DecodedUrl,
    line: &RequestLine,
    expects_json: bool,
    attempt: u32,
) -> Tried {
    let state = &client.inner().state;
    if let Err(e) = authenticate(state, &mut request, url).await {
        return Tried {
            outcome: e.outcome(),
            result: Err(e),
            unsent: true,
            retry_after: None,
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
    let mut answered = None;
    let result = async {
        let response = client
            .client()
            .execute(request)
            .await
            .map_err(|e| Error::reqwest(e, Some(line.clone())))?;
        let head = answered.insert(Answer::of(&response));
        learn_clock(state, head.server_date);
        error::answer(response, line, expects_json, state.max_json_body).await
    }
    .instrument(span.clone())
    .await;
    span.record("duration_ms", sent_at.elapsed().as_millis() as u64);
    if let Some(head) = &answered {
        span.record("status", head.status);
        if let Some(id) = &head.request_id {
            span.record("request_id", id.as_str());
        }
    }
    let tried = Tried {
        outcome: match &result {
            Ok(response) => Some(Outcome::Status(response.status().as_u16())),
            Err(e) => e.outcome(),
        },
        result,
        unsent: false,
        retry_after: answered.as_ref().and_then(|a| a.retry_after),
        dated: answered.is_some_and(|a| a.server_date.is_some()),
    };
    tracing::debug!(parent: &span, outcome = ?tried.outcome, "attempt finished");
    tried
}

/// The gateway's answer to a signature outside its ±15 minute window.
fn is_signature_expired(result: &crate::Result<reqwest::Response>) -> bool {
    result
        .as_ref()
        .err()
        .and_then(Error::message)
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
/// the IAM token.
async fn authenticate(
    state: &State,
    request: &mut reqwest::Request,
    url: &DecodedUrl,
) -> crate::Result<()> {
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
            keys.sign(request, url, &date)
                .map_err(|e| Error::InvalidRequest(format!("cannot sign the request: {e}")))
        }
        Auth::Token(source) => {
            let token = source
                .token(&state.clock)
                .await
                .map_err(|e| auth_failure(e, "cannot obtain an IAM token"))?;
            let mut value = HeaderValue::from_str(token.expose_secret()).map_err(|_| {
                Error::InvalidRequest("the IAM token is not a valid header value".into())
            })?;
            value.set_sensitive(true);
            request.headers_mut().insert(X_AUTH_TOKEN, value);
            Ok(())
        }
    }
}

/// What the caller gets when credentials could not be obtained: the service's answer (IAM, the
/// metadata service) and transport failures (timeouts included) as they are, a configuration
/// problem (no account id, say) as [`Error::Config`], anything else as an invalid request, each
/// saying what was being done.
fn auth_failure(e: Error, doing: &str) -> Error {
    match e {
        e @ (Error::Service(_) | Error::Transport(_) | Error::Timeout { .. }) => e,
        Error::Config(message) => Error::Config(format!("{doing}: {message}")),
        e => Error::InvalidRequest(format!("{doing}: {e}")),
    }
}
