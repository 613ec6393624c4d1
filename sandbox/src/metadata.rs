//! The instance metadata service of an ECS instance, the part Huawei's SDKs use for temporary
//! credentials:
//!
//! * `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds` (1 to 21600) opens a
//!   session and answers its token as text;
//! * `GET /openstack/latest/securitykey` answers new temporary credentials
//!   `{"credential":{"access","secret","securitytoken","expires_at"}}` ([`crate::temporary`]),
//!   valid for [`crate::SandboxBuilder::temporary_credentials_validity`] of business time. A
//!   session token is optional (as on instances that do not use sessions), but one that is sent
//!   must be valid.

use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::http::{Response, StatusCode, request::Parts};

use crate::answer::json;
use crate::app::App;
use crate::clock;
use crate::temporary;

pub(crate) use huaweicloud_osm::auth::metadata::{SECURITY_KEY_PATH, SESSION_TOKEN_PATH};

/// Longest session the service grants, in seconds.
const MAX_SESSION_SECONDS: i64 = 21600;

/// `PUT /meta-data/latest/api/token`.
pub(crate) fn open_session(app: &App, parts: &Parts) -> Response<Body> {
    let ttl = parts
        .headers
        .get("x-metadata-token-ttl-seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|s| (1..=MAX_SESSION_SECONDS).contains(s));
    let Some(ttl) = ttl else {
        return text(
            StatusCode::BAD_REQUEST,
            "X-Metadata-Token-Ttl-Seconds must be 1 to 21600",
        );
    };
    let token = app.store.lock().expect("store lock").new_id(32);
    let ends = app.clock.now_ms() + ttl * 1000;
    app.metadata
        .lock()
        .expect("metadata lock")
        .insert(token.clone(), ends);
    app.counters
        .metadata_sessions
        .fetch_add(1, Ordering::Relaxed);
    text(StatusCode::OK, &token)
}

/// `GET /openstack/latest/securitykey`.
pub(crate) fn security_key(app: &App, parts: &Parts) -> Response<Body> {
    let now = app.clock.now_ms();
    if let Some(token) = parts.headers.get("x-metadata-token") {
        let sessions = app.metadata.lock().expect("metadata lock");
        let valid = token
            .to_str()
            .ok()
            .and_then(|t| sessions.get(t))
            .is_some_and(|ends| *ends > now);
        if !valid {
            return text(
                StatusCode::UNAUTHORIZED,
                "invalid or expired metadata token",
            );
        }
    }
    let issued = temporary::issue(app, None);
    app.counters
        .instance_credentials
        .fetch_add(1, Ordering::Relaxed);
    json(
        200,
        &serde_json::json!({"credential": {
            "access": issued.access_key,
            "secret": issued.secret_key,
            "securitytoken": issued.security_token,
            "expires_at": clock::iam_time(issued.expires_ms),
        }}),
    )
}

fn text(status: StatusCode, body: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain")
        .body(Body::from(body.to_string()))
        .expect("valid response")
}
