//! A CCE pod identity agent: `POST /pod-identity/credentials` with any non-empty `Authorization`
//! answers temporary keys ([`crate::temporary`], valid for
//! [`crate::SandboxBuilder::temporary_credentials_validity`]) in the agent's shape,
//! `{"credentials":{"accessKeyId","secretAccessKey","securityToken","expiration"}}`. Point
//! `HC_CONTAINER_CREDENTIALS_FULL_URI` at `{sandbox}/pod-identity/credentials`. A missing or empty
//! `Authorization` is refused with HTTP 401 (a body of the sandbox's own: the agent's error format
//! is not public).

use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::http::{Response, request::Parts};
use serde_json::json;

use crate::answer::json;
use crate::app::App;
use crate::auth::header;
use crate::clock;
use crate::temporary;

/// Path of the agent.
pub(crate) const PATH: &str = "/pod-identity/credentials";

/// `POST /pod-identity/credentials`.
pub(crate) fn credentials(app: &App, parts: &Parts) -> Response<Body> {
    app.counters
        .pod_identity_exchanges
        .fetch_add(1, Ordering::Relaxed);
    if header(&parts.headers, "authorization").is_none() {
        return json(
            401,
            &json!({
                "error_code": "PodIdentity.0401",
                "error_msg": "the Authorization header (the pod's token) is missing",
            }),
        );
    }
    let issued = temporary::issue(app, None);
    let c = &app.credentials;
    json(
        200,
        &json!({
            "assumedAgency": {"urn": format!("iam::{}:agency:sandbox-pod", c.domain_id), "id": ""},
            "audience": "",
            "credentials": {
                "accessKeyId": issued.access_key,
                "secretAccessKey": issued.secret_key,
                "securityToken": issued.security_token,
                "expiration": clock::iam_time(issued.expires_ms),
            },
            "podIdentityAssociationId": "",
            "subject": {"namespace": "default", "serviceAccount": "default"},
        }),
    )
}
