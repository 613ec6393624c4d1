//! IAM's two calls of a federated identity (unsigned), as Huawei's SDKs make them:
//!
//! * `POST /v3.0/OS-AUTH/id-token/tokens` with `X-Idp-Id` and `{"auth":{"id_token":{"id"}}}`
//!   answers 201 with an unscoped token in `X-Subject-Token` (valid 24 hours of business time);
//!   any non-empty identity provider id and id token are accepted;
//! * `POST /v3.0/OS-CREDENTIAL/securitytokens` with
//!   `{"auth":{"identity":{"methods":["token"],"token":{"id","duration_seconds"}}}}` answers 201
//!   with `{"credential":{"access","secret","securitytoken","expires_at"}}` ([`crate::temporary`])
//!   for a token the first call issued and that has not expired; `duration_seconds` is 900 to
//!   86400 (default 900).
//!
//! Refusals are IAM's (`{"error":{"code","message","title"}}`): HTTP 400 for a missing or empty
//! value, 401 for an unknown or expired token.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Response, request::Parts};
use serde_json::{Value, json};

use crate::answer::json;
use crate::app::App;
use crate::auth::{TOKEN_VALIDITY_MS, header, iam_error};
use crate::clock;
use crate::temporary;

pub(crate) use huaweicloud_osm::auth::federated::{ID_TOKEN_PATH, SECURITY_TOKENS_PATH};

/// Validity IAM grants temporary keys: 15 minutes to 24 hours.
const DURATION_SECONDS: std::ops::RangeInclusive<u64> = 900..=86400;

fn bad_request(what: &str) -> Response<Body> {
    iam_error(
        400,
        &format!("The request is invalid: {what}."),
        "Bad Request",
    )
}

/// `POST /v3.0/OS-AUTH/id-token/tokens`.
pub(crate) fn unscoped_token(app: &App, parts: &Parts, body: &[u8]) -> Response<Body> {
    app.counters
        .federation_tokens
        .fetch_add(1, Ordering::Relaxed);
    let Some(idp) = header(&parts.headers, "x-idp-id") else {
        return bad_request("X-Idp-Id is required");
    };
    let request: Value = serde_json::from_slice(body).unwrap_or_default();
    if request["auth"]["id_token"]["id"]
        .as_str()
        .is_none_or(|t| t.trim().is_empty())
    {
        return bad_request("auth.id_token.id is required");
    }
    let now = app.clock.now_ms();
    let expires_ms = now + TOKEN_VALIDITY_MS;
    let token = format!(
        "MIIfederated{}",
        app.store.lock().expect("store lock").new_id(96)
    );
    app.federation_tokens
        .lock()
        .expect("federation lock")
        .insert(token.clone(), expires_ms);
    let c = &app.credentials;
    let mut response = json(
        201,
        &json!({"token": {
            "expires_at": clock::iam_time(expires_ms),
            "issued_at": clock::iam_time(now),
            "methods": ["mapped"],
            "user": {
                "domain": {"id": c.domain_id, "name": c.domain_name},
                "id": c.user_id,
                "name": "FederationUser",
                "OS-FEDERATION": {
                    "identity_provider": {"id": idp},
                    "protocol": {"id": "oidc"},
                    "groups": [],
                },
            },
        }}),
    );
    response.headers_mut().insert(
        "x-subject-token",
        HeaderValue::from_str(&token).expect("the token is a header value"),
    );
    response
}

/// `POST /v3.0/OS-CREDENTIAL/securitytokens`.
pub(crate) fn temporary_keys(app: &App, body: &[u8]) -> Response<Body> {
    app.counters.federation_keys.fetch_add(1, Ordering::Relaxed);
    let request: Value = serde_json::from_slice(body).unwrap_or_default();
    let identity = &request["auth"]["identity"];
    let by_token = identity["methods"]
        .as_array()
        .is_some_and(|m| m.iter().any(|x| x == "token"));
    let Some(token) = identity["token"]["id"]
        .as_str()
        .filter(|t| by_token && !t.is_empty())
    else {
        return bad_request("auth.identity must name the method token and its id");
    };
    let duration = match &identity["token"]["duration_seconds"] {
        Value::Null => 900,
        v => match v.as_u64().filter(|s| DURATION_SECONDS.contains(s)) {
            Some(s) => s,
            None => return bad_request("duration_seconds must be 900 to 86400"),
        },
    };
    let known = app
        .federation_tokens
        .lock()
        .expect("federation lock")
        .get(token)
        .is_some_and(|expires| *expires > app.clock.now_ms());
    if !known {
        return iam_error(
            401,
            "The request you have made requires authentication.",
            "Unauthorized",
        );
    }
    let issued = temporary::issue(app, Some(Duration::from_secs(duration)));
    json(
        201,
        &json!({"credential": {
            "access": issued.access_key,
            "secret": issued.secret_key,
            "securitytoken": issued.security_token,
            "expires_at": clock::iam_time(issued.expires_ms),
        }}),
    )
}
