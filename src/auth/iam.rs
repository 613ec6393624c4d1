//! IAM tokens: password login (`POST {iam}/v3/auth/tokens`, HTTP 201, token in `X-Subject-Token`),
//! cached and refreshed before it expires.

use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use tokio::sync::Mutex;

use super::credentials::{PasswordLogin, TokenScope};
use super::exchange::{self, api_url};
use crate::clock::{self, Clock};
use crate::error::{self, Error, ServiceError};

/// Default IAM endpoint (global).
pub const DEFAULT_IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";
/// Header carrying the token in IAM's login response.
pub const SUBJECT_TOKEN_HEADER: &str = "x-subject-token";
/// A token is refreshed when less than this is left before it expires.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(3600);
/// Validity assumed when IAM's response does not say (IAM tokens last 24 h).
const ASSUMED_VALIDITY: Duration = Duration::from_secs(24 * 3600);

/// Where the `X-Auth-Token` comes from.
pub(crate) enum TokenSource {
    /// A token given by the user.
    Static(SecretString),
    /// A password login against an IAM endpoint.
    Login(Box<LoginSource>),
}

/// A password login and the token it last obtained.
pub(crate) struct LoginSource {
    pub(crate) login: PasswordLogin,
    pub(crate) endpoint: reqwest::Url,
    pub(crate) http: reqwest::Client,
    pub(crate) cache: Mutex<Option<CachedToken>>,
    pub(crate) refresh_margin: Duration,
}

pub(crate) struct CachedToken {
    token: SecretString,
    expires_at: SystemTime,
}

impl TokenSource {
    /// The token to send now, logging in when there is none or it expires within the margin.
    pub(crate) async fn token(&self, clock: &Clock) -> Result<SecretString, Error> {
        match self {
            TokenSource::Static(t) => Ok(t.clone()),
            TokenSource::Login(source) => {
                let LoginSource {
                    login,
                    endpoint,
                    http,
                    cache,
                    refresh_margin,
                } = source.as_ref();
                let mut guard = cache.lock().await;
                let now = clock.now();
                if let Some(c) = guard.as_ref()
                    && c.expires_at > now + *refresh_margin
                {
                    return Ok(c.token.clone());
                }
                let fresh = log_in(http, endpoint, login).await?;
                tracing::debug!(user = %login.user, "obtained IAM token");
                let token = fresh.token.clone();
                *guard = Some(fresh);
                Ok(token)
            }
        }
    }

    /// Forgets a cached token (after the service rejected it), so the next call logs in again.
    pub(crate) async fn invalidate(&self) {
        if let TokenSource::Login(source) = self {
            *source.cache.lock().await = None;
        }
    }
}

/// The login request body.
fn login_body(login: &PasswordLogin) -> serde_json::Value {
    let scope = match &login.scope {
        TokenScope::DomainName(n) => json!({"domain": {"name": n}}),
        TokenScope::DomainId(id) => json!({"domain": {"id": id}}),
        TokenScope::ProjectId(id) => json!({"project": {"id": id}}),
        TokenScope::ProjectName(n) => json!({"project": {"name": n}}),
    };
    json!({"auth": {
        "identity": {
            "methods": ["password"],
            "password": {"user": {
                "name": login.user,
                "password": login.password.expose_secret(),
                "domain": {"name": login.domain_name},
            }},
        },
        "scope": scope,
    }})
}

async fn log_in(
    http: &reqwest::Client,
    endpoint: &reqwest::Url,
    login: &PasswordLogin,
) -> Result<CachedToken, Error> {
    let mut url = api_url(endpoint, &["v3", "auth", "tokens"])?;
    url.set_query(Some("nocatalog=true"));
    let body =
        serde_json::to_vec(&login_body(login)).map_err(|e| Error::InvalidRequest(e.to_string()))?;
    let request = http
        .post(url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/json;charset=UTF-8",
        )
        .body(body);
    let answer = exchange::send(request).await?;
    let status = answer.status.as_u16();
    let request_id = error::header_str(&answer.headers, error::REQUEST_ID_HEADER)
        .or_else(|| error::header_str(&answer.headers, "x-iam-trace-id"));
    let token = error::header_str(&answer.headers, SUBJECT_TOKEN_HEADER);
    let bytes = answer.body;
    if !(200..300).contains(&status) {
        return Err(ServiceError::from_body(status, request_id, &bytes).into());
    }
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(ServiceError {
            status,
            request_id,
            error_msg: Some("IAM answered without an X-Subject-Token header".into()),
            raw_body: Some(error::raw_text(&bytes)),
            ..Default::default()
        }
        .into());
    };
    let expires_at = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| {
            v.pointer("/token/expires_at")
                .and_then(|e| e.as_str())
                .and_then(clock::parse_iso8601)
        })
        .unwrap_or_else(|| SystemTime::now() + ASSUMED_VALIDITY);
    Ok(CachedToken {
        token: SecretString::from(token),
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_body_is_domain_scoped_by_default() {
        let crate::Credentials::Password(login) =
            crate::Credentials::password("alice", "pw", "acme")
        else {
            unreachable!()
        };
        let body = login_body(&login);
        assert_eq!(body.pointer("/auth/scope/domain/name").unwrap(), "acme");
        assert_eq!(
            body.pointer("/auth/identity/password/user/name").unwrap(),
            "alice"
        );
        assert_eq!(
            body.pointer("/auth/identity/methods/0").unwrap(),
            "password"
        );
    }
}
