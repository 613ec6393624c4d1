//! The instance metadata service of an ECS instance, the part Huawei's SDKs use for temporary
//! credentials:
//!
//! * `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds` (1 to 21600) opens a
//!   session and answers its token as text;
//! * `GET /openstack/latest/securitykey` answers new temporary credentials
//!   `{"credential":{"access","secret","securitytoken","expires_at"}}`, valid for
//!   [`crate::SandboxBuilder::temporary_credentials_validity`] of business time. A session token is
//!   optional (as on instances that do not use sessions), but one that is sent must be valid.
//!
//! The gateway ([`crate::auth`]) accepts requests signed with the temporary keys when they carry
//! the security token issued with them and it has not expired.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::http::{Response, StatusCode, request::Parts};
use serde_json::json;

use crate::clock;
use crate::server::App;

pub(crate) use huaweicloud_osm::auth::metadata::{SECURITY_KEY_PATH, SESSION_TOKEN_PATH};

/// Longest session the service grants, in seconds.
const MAX_SESSION_SECONDS: i64 = 21600;

/// Sessions and temporary credentials issued so far.
#[derive(Debug, Default)]
pub(crate) struct Issued {
    /// Session token → end of the session (business time, ms).
    sessions: HashMap<String, i64>,
    /// Temporary access key → its secret, security token and expiry.
    keys: HashMap<String, Temporary>,
}

/// Temporary credentials.
#[derive(Debug, Clone)]
pub(crate) struct Temporary {
    pub(crate) secret_key: String,
    pub(crate) security_token: String,
    pub(crate) expires_ms: i64,
}

impl Issued {
    /// The temporary credentials of an access key, if the service issued it.
    pub(crate) fn temporary(&self, access_key: &str) -> Option<&Temporary> {
        self.keys.get(access_key)
    }
}

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
        .sessions
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
        let sessions = &app.metadata.lock().expect("metadata lock").sessions;
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
    let (access_key, secret_key, security_token) = {
        let mut store = app.store.lock().expect("store lock");
        (
            format!("SANDBOXTMP{}", store.new_id(10).to_uppercase()),
            store.new_id(20),
            format!("gQpjbi1ub3J0aC00sandbox{}", store.new_id(120)),
        )
    };
    let expires_ms =
        now + i64::try_from(app.temporary_validity.as_millis()).unwrap_or(i64::MAX / 2);
    app.metadata.lock().expect("metadata lock").keys.insert(
        access_key.clone(),
        Temporary {
            secret_key: secret_key.clone(),
            security_token: security_token.clone(),
            expires_ms,
        },
    );
    app.counters
        .instance_credentials
        .fetch_add(1, Ordering::Relaxed);
    let body = json!({"credential": {
        "access": access_key,
        "secret": secret_key,
        "securitytoken": security_token,
        "expires_at": clock::iam_time(expires_ms),
    }});
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("valid response")
}

fn text(status: StatusCode, body: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain")
        .body(Body::from(body.to_string()))
        .expect("valid response")
}
