//! STS's `POST /v5/agencies/assume-with-oidc` (unsigned): an OIDC id token exchanged for temporary
//! keys of an agency ([`crate::temporary`]), answered as STS does:
//! `{"credentials":{"access_key_id","secret_access_key","security_token","expiration"},
//! "assumed_agency":{"urn","id"}}`.
//!
//! Accepted: any non-empty `id_token` and `agency_session_name`, a `provider_urn`
//! `iam::{domain_id}:identityProvider:{name}` and an `agency_urn` `iam::{domain_id}:agency:{name}`
//! naming the sandbox's account, `duration_seconds` from 900 to 43200 (default 3600). Refused in
//! STS's error format (`{"error_code","error_msg","request_id"}`): a foreign agency with HTTP 404
//! `STS5.1106`, as STS documents it; a foreign identity provider with HTTP 404 and anything
//! missing or malformed with HTTP 400, under codes of the sandbox's own (`STS5.1105`,
//! `STS5.0010`: STS's table of them is not public).

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Body;
use axum::http::Response;
use serde_json::{Value, json};

use crate::answer::json;
use crate::app::App;
use crate::clock;
use crate::temporary;

pub(crate) use huaweicloud_osm::auth::oidc::ASSUME_WITH_OIDC_PATH;

/// Validity STS grants: 15 minutes to 12 hours.
const DURATION_SECONDS: std::ops::RangeInclusive<u64> = 900..=43200;

/// `POST /v5/agencies/assume-with-oidc`.
pub(crate) fn assume_with_oidc(app: &App, body: &[u8]) -> Response<Body> {
    app.counters.oidc_exchanges.fetch_add(1, Ordering::Relaxed);
    match exchange(app, body) {
        Ok(answer) => json(200, &answer),
        Err((status, code, message)) => {
            let request_id = app.store.lock().expect("store lock").new_id(16);
            json(
                status,
                &json!({"error_code": code, "error_msg": message, "request_id": request_id}),
            )
        }
    }
}

/// An STS refusal: status, code, message.
type Refusal = (u16, &'static str, String);

fn invalid(message: String) -> Refusal {
    (400, "STS5.0010", message)
}

fn exchange(app: &App, body: &[u8]) -> Result<Value, Refusal> {
    let request: Value = serde_json::from_slice(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| invalid("the request body is not a JSON object".into()))?;
    let text = |name: &str| {
        request[name]
            .as_str()
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| invalid(format!("{name} is required and must not be empty")))
    };
    let provider_urn = text("provider_urn")?;
    let agency_urn = text("agency_urn")?;
    let session_name = text("agency_session_name")?;
    text("id_token")?;
    let duration = match &request["duration_seconds"] {
        Value::Null => 3600,
        v => v
            .as_u64()
            .filter(|s| DURATION_SECONDS.contains(s))
            .ok_or_else(|| invalid("duration_seconds must be 900 to 43200".into()))?,
    };
    let account = &app.credentials.domain_id;
    let named = |urn, kind, what, code| match urn_parts(urn, kind) {
        Some((a, name)) if a == account => Ok(name),
        Some(_) => Err((404, code, format!("the {what} '{urn}' cannot be found"))),
        None => Err(invalid(format!("invalid {what} URN '{urn}'"))),
    };
    named(
        provider_urn,
        "identityProvider",
        "identity provider",
        "STS5.1105",
    )?;
    let agency = named(agency_urn, "agency", "agency", "STS5.1106")?;
    let issued = temporary::issue(app, Some(Duration::from_secs(duration)));
    Ok(json!({
        "assumed_agency": {
            "urn": format!("sts::{account}:assumed-agency:{agency}/{session_name}"),
            "id": format!("{account}{agency}:{session_name}"),
        },
        "credentials": {
            "access_key_id": issued.access_key,
            "secret_access_key": issued.secret_key,
            "security_token": issued.security_token,
            "expiration": clock::iam_time(issued.expires_ms),
        },
    }))
}

/// The account and name of an IAM URN `iam::{account}:{kind}:{name}` (`None` when it is not one).
fn urn_parts<'a>(urn: &'a str, kind: &str) -> Option<(&'a str, &'a str)> {
    match urn.split(':').collect::<Vec<_>>().as_slice() {
        ["iam", "", account, k, name] if *k == kind && !account.is_empty() && !name.is_empty() => {
            Some((account, name))
        }
        _ => None,
    }
}
