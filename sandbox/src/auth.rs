//! Authentication as Huawei Cloud's API gateway and IAM do it.
//!
//! * AK/SK: the `SDK-HMAC-SHA256` signature is recomputed over the headers the client names in
//!   `SignedHeaders` ([`crate::verify`]), so requests signed by Huawei's
//!   official SDKs verify too. The `X-Sdk-Date` must be within ±15 minutes of the server's clock
//!   and `X-Domain-Id` must name the account. Failures are HTTP 401 `APIGW.0301`.
//! * Temporary AK/SK the sandbox issued ([`crate::temporary`]: instance metadata, OIDC STS, IAM
//!   federation, pod identity) are accepted with the `X-Security-Token` issued with them, until
//!   they expire (business time).
//! * IAM tokens: `POST /v3/auth/tokens` with a password login of the configured user answers 201
//!   with the token in `X-Subject-Token`; the token is then accepted as `X-Auth-Token` for 24 hours
//!   of business time.
//! * The account lookup: `GET /v3/auth/domains`, signed (no `X-Domain-Id` needed), answers the
//!   account as `{"domains":[{"id","name","enabled":true}]}`.

use axum::body::Body;
use axum::http::{HeaderMap, Response, StatusCode, request::Parts};
use serde_json::{Value, json};

use crate::answer::json as json_answer;
use crate::app::{App, Token};
use crate::clock;
use crate::errors::OsmError;
use crate::store::Who;
use crate::verify::{ReceivedRequest, VerifyError, constant_time_eq, needs_body, verify};

/// Largest difference between `X-Sdk-Date` and the server's clock.
pub const SIGNATURE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Validity of an IAM token.
pub const TOKEN_VALIDITY_MS: i64 = 24 * 3600 * 1000;

/// Whether authenticating the request reads its body: an AK/SK signature over the body's hash
/// does; a token, or a signature over `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (how multipart
/// uploads are signed), does not, and [`authenticate`] is then given an empty body.
pub(crate) fn reads_body(parts: &Parts) -> bool {
    header(&parts.headers, "x-auth-token").is_none() && needs_body(&header_pairs(&parts.headers))
}

/// The headers as `(name, value)` pairs (values that are not text left out).
fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect()
}

/// Who sent the request, or why it is refused.
pub(crate) fn authenticate(app: &App, parts: &Parts, body: &[u8]) -> Result<Who, OsmError> {
    caller(app, parts, body, true)
}

/// Who sent the request; with `domain_required`, AK/SK requests must name the account in
/// `X-Domain-Id` (OSM's gateway), without it they need not (IAM).
fn caller(app: &App, parts: &Parts, body: &[u8], domain_required: bool) -> Result<Who, OsmError> {
    let headers = &parts.headers;
    if let Some(token) = header(headers, "x-auth-token") {
        let tokens = app.tokens.lock().expect("token lock");
        let found = tokens
            .get(token)
            .ok_or_else(|| OsmError::unauthorized("decrypt token fail"))?;
        if found.expires_ms <= app.clock.now_ms() {
            return Err(OsmError::unauthorized(&format!(
                "token expires, expires_at: {}",
                clock::iam_time(found.expires_ms)
            )));
        }
        return Ok(found.who.clone());
    }
    if header(headers, "authorization").is_none() {
        return Err(OsmError::unauthorized("x-auth-token not found"));
    }
    let pairs = header_pairs(headers);
    let received = ReceivedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &pairs,
        body,
    };
    let creds = &app.credentials;
    let issued = app.temporary.lock().expect("temporary keys lock");
    let verified = verify(&received, |ak| {
        if ak == creds.access_key {
            Some(creds.secret_key.clone())
        } else {
            issued.get(ak).map(|t| t.secret_key.clone())
        }
    })
    .map_err(|e| match e {
        VerifyError::UnknownAccessKey(ak) => {
            OsmError::unauthorized(&format!("Get secretKey failed, ak:{ak}, err:ak not exist"))
        }
        VerifyError::Mismatch(canonical) => OsmError::unauthorized("verify aksk signature fail")
            .detail(format!("canonicalRequest:{canonical}")),
        VerifyError::MissingAuthorization => {
            OsmError::unauthorized("unsupported authorization header")
        }
        other => OsmError::unauthorized("verify aksk signature fail").detail(other.to_string()),
    })?;
    let date = clock::parse_sdk_date(&verified.sdk_date)
        .ok_or_else(|| OsmError::unauthorized("invalid x-sdk-date"))?;
    let server = app.clock.gateway_ms();
    if (date - server).abs() > SIGNATURE_WINDOW_MS {
        return Err(OsmError::unauthorized(&format!(
            "signature expired, x-sdk-date: {}, server time: {}",
            verified.sdk_date,
            clock::sdk_date(server)
        )));
    }
    if let Some(temporary) = issued.get(&verified.access_key) {
        match header(headers, "x-security-token") {
            Some(t) if constant_time_eq(t.as_bytes(), temporary.security_token.as_bytes()) => {}
            Some(_) => {
                return Err(OsmError::unauthorized(
                    "the security token does not belong to the access key",
                ));
            }
            None => {
                return Err(OsmError::unauthorized(
                    "x-security-token not found: a temporary access key needs its security token",
                ));
            }
        }
        if temporary.expires_ms <= app.clock.now_ms() {
            return Err(OsmError::unauthorized(&format!(
                "the security token expired, expires_at: {}",
                clock::iam_time(temporary.expires_ms)
            )));
        }
    }
    match header(headers, "x-domain-id") {
        Some(d) if d == creds.domain_id => {}
        Some(d) => {
            return Err(OsmError::unauthorized(&format!(
                "the domain id {d} does not match the AK's account"
            )));
        }
        None if domain_required => return Err(OsmError::unauthorized("x-domain-id not found")),
        None => {}
    }
    Ok(creds.who())
}

/// `GET /v3/auth/domains`: the accounts the caller may act in (the sandbox's one).
pub(crate) fn list_domains(
    app: &App,
    parts: &Parts,
    body: &[u8],
) -> Result<Response<Body>, OsmError> {
    app.counters
        .domain_lookups
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    caller(app, parts, body, false)?;
    let creds = &app.credentials;
    let body = json!({
        "domains": [{
            "id": creds.domain_id,
            "name": creds.domain_name,
            "enabled": true,
            "description": "",
            "links": {"self": format!("/v3/domains/{}", creds.domain_id)},
        }],
        "links": {"self": "/v3/auth/domains"},
    });
    Ok(json_answer(200, &body))
}

pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// `POST /v3/auth/tokens`: a password login of the configured user.
pub(crate) fn issue_token(app: &App, body: &[u8]) -> Response<Body> {
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return iam_error(400, "The request body is invalid.", "Bad Request");
    };
    let identity = &request["auth"]["identity"];
    let methods_ok = identity["methods"]
        .as_array()
        .is_some_and(|m| m.iter().any(|x| x == "password"));
    let user = &identity["password"]["user"];
    if !methods_ok || !user.is_object() {
        return iam_error(400, "The request body is invalid.", "Bad Request");
    }
    let creds = &app.credentials;
    let domain = &user["domain"];
    let domain_ok = domain["name"].as_str() == Some(creds.domain_name.as_str())
        || domain["id"].as_str() == Some(creds.domain_id.as_str());
    let user_ok = user["name"].as_str() == Some(creds.user.as_str())
        || user["id"].as_str() == Some(creds.user_id.as_str());
    let password_ok = user["password"]
        .as_str()
        .is_some_and(|p| constant_time_eq(p.as_bytes(), creds.password.as_bytes()));
    if !(domain_ok && user_ok && password_ok) {
        return iam_error(401, "The username or password is wrong.", "Unauthorized");
    }
    let now = app.clock.now_ms();
    let expires = now + TOKEN_VALIDITY_MS;
    let token = format!(
        "MIIsandbox{}",
        app.store.lock().expect("store lock").new_id(96)
    );
    app.tokens.lock().expect("token lock").insert(
        token.clone(),
        Token {
            expires_ms: expires,
            who: creds.who(),
        },
    );
    let scope = &request["auth"]["scope"];
    let mut body = json!({"token": {
        "expires_at": clock::iam_time(expires),
        "issued_at": clock::iam_time(now),
        "methods": ["password"],
        "roles": [{"id": "0", "name": "op_service"}],
        "user": {
            "id": creds.user_id,
            "name": creds.user,
            "domain": {"id": creds.domain_id, "name": creds.domain_name},
            "password_expires_at": "",
        },
    }});
    if scope.get("project").is_some() {
        body["token"]["project"] = json!({
            "id": scope["project"]["id"].as_str().unwrap_or("0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"),
            "name": scope["project"]["name"].as_str().unwrap_or("cn-south-1"),
            "domain": {"id": creds.domain_id, "name": creds.domain_name},
        });
    } else {
        body["token"]["domain"] = json!({"id": creds.domain_id, "name": creds.domain_name});
    }
    Response::builder()
        .status(StatusCode::CREATED)
        .header("content-type", "application/json;charset=UTF-8")
        .header("x-subject-token", token)
        .body(Body::from(body.to_string()))
        .expect("valid response")
}

/// An IAM error answer (`{"error":{"code","message","title"}}`).
pub(crate) fn iam_error(status: u16, message: &str, title: &str) -> Response<Body> {
    json_answer(
        status,
        &json!({"error": {"code": status, "message": message, "title": title}}),
    )
}
