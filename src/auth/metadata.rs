//! Temporary credentials of an ECS/CCE instance, from the instance metadata service, as Huawei's
//! SDKs take them:
//!
//! 1. `PUT {metadata}/meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds: 21600` opens a
//!    session; a 404, 405 or 503 means the service has no sessions, and the step is skipped;
//! 2. `GET {metadata}/openstack/latest/securitykey` (with `X-Metadata-Token` when there is a
//!    session) answers `{"credential":{"access","secret","securitytoken","expires_at"}}`; a 401 opens
//!    a new session once (unless the instance has no agency);
//! 3. the keys are used until less than the refresh margin (40 minutes) is left before
//!    `expires_at`, then fetched again. Concurrent refreshes wait for one fetch.
//!
//! Nothing is sent to the metadata service unless the user asked for these credentials
//! ([`crate::Credentials::from_instance_metadata`], or `HUAWEICLOUD_SDK_INSTANCE_METADATA=true` for
//! the provider chain). Every request has a 3 second timeout and bypasses any proxy.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use secrecy::SecretString;
use tokio::sync::Mutex;

use super::domain::explain;
use super::keys::SigningKeys;
use super::signer::Signer;
use crate::clock::{self, Clock};
use crate::error::{Error, ServiceError};

/// The metadata service's address on every ECS instance.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://169.254.169.254";
/// Temporary credentials are fetched again when less than this is left before they expire.
pub const DEFAULT_METADATA_REFRESH_MARGIN: Duration = Duration::from_secs(40 * 60);
/// Connect and request timeout of every metadata request.
pub const METADATA_TIMEOUT: Duration = Duration::from_secs(3);
/// Path of the session token.
pub const SESSION_TOKEN_PATH: &str = "/meta-data/latest/api/token";
/// Path of the temporary credentials.
pub const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
/// Request header naming the session's lifetime.
const TOKEN_TTL_HEADER: &str = "x-metadata-token-ttl-seconds";
/// Request header carrying the session token.
const TOKEN_HEADER: &str = "x-metadata-token";
/// Session lifetime asked for (6 hours, as Huawei's SDKs).
const TOKEN_TTL_SECONDS: u32 = 6 * 3600;
/// What the service answers (HTTP 401) on an instance without an agency: no session helps.
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";
/// Largest answer read.
const MAX_ANSWER: usize = 64 * 1024;

/// Where and how [`crate::Credentials::from_instance_metadata`] takes temporary credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceMetadata {
    pub(crate) endpoint: Option<String>,
    pub(crate) refresh_margin: Duration,
    pub(crate) domain_id: Option<String>,
}

impl Default for InstanceMetadata {
    fn default() -> Self {
        InstanceMetadata {
            endpoint: None,
            refresh_margin: DEFAULT_METADATA_REFRESH_MARGIN,
            domain_id: None,
        }
    }
}

impl InstanceMetadata {
    /// The metadata service URL: the one set, else `HUAWEICLOUD_SDK_METADATA_ENDPOINT` (read
    /// through `lookup`), else [`DEFAULT_METADATA_ENDPOINT`].
    pub(crate) fn endpoint(&self, lookup: impl Fn(&str) -> Option<String>) -> String {
        self.endpoint
            .clone()
            .or_else(|| {
                lookup(super::chain::ENV_METADATA_ENDPOINT).filter(|v| !v.trim().is_empty())
            })
            .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.to_string())
    }
}

/// Temporary keys from the metadata service, cached until they need refreshing.
pub(crate) struct MetadataSource {
    endpoint: reqwest::Url,
    http: reqwest::Client,
    refresh_margin: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    keys: Option<Cached>,
    session: Session,
}

struct Cached {
    keys: Arc<SigningKeys>,
    expires_at: SystemTime,
}

/// The metadata session.
#[derive(Default)]
enum Session {
    /// Not asked for yet.
    #[default]
    Unknown,
    /// The service does not use sessions.
    Unsupported,
    /// The session token.
    Open(HeaderValue),
}

impl MetadataSource {
    /// A source asking `endpoint` through `http` (which must bypass proxies and time out quickly).
    pub(crate) fn new(
        endpoint: reqwest::Url,
        http: reqwest::Client,
        refresh_margin: Duration,
    ) -> Self {
        MetadataSource {
            endpoint,
            http,
            refresh_margin,
            state: Mutex::default(),
        }
    }

    /// The metadata service URL.
    pub(crate) fn endpoint(&self) -> &reqwest::Url {
        &self.endpoint
    }

    /// The keys to sign with now, fetched when there are none or they expire within the margin.
    pub(crate) async fn keys(&self, clock: &Clock) -> Result<Arc<SigningKeys>, Error> {
        let mut state = self.state.lock().await;
        if let Some(cached) = &state.keys
            && cached.expires_at > clock.now() + self.refresh_margin
        {
            return Ok(cached.keys.clone());
        }
        let fresh = self.fetch(&mut state.session).await?;
        let keys = fresh.keys.clone();
        state.keys = Some(fresh);
        Ok(keys)
    }

    /// Forgets the keys (the service refused them), so the next call fetches new ones.
    pub(crate) async fn invalidate(&self) {
        self.state.lock().await.keys = None;
    }

    async fn fetch(&self, session: &mut Session) -> Result<Cached, Error> {
        if matches!(session, Session::Unknown) {
            *session = self.open_session(false).await?;
        }
        let (mut status, mut body) = self.security_key(session).await?;
        if status == StatusCode::UNAUTHORIZED && !String::from_utf8_lossy(&body).contains(NO_AGENCY)
        {
            *session = self.open_session(true).await?;
            (status, body) = self.security_key(session).await?;
        }
        if !status.is_success() {
            let err = ServiceError::from_body(status.as_u16(), None, &body);
            return Err(explain(err, &format!("GET {}", self.url(SECURITY_KEY_PATH)?)).into());
        }
        let cached = parse_security_key(&body)?;
        tracing::debug!(
            access_key = cached.keys.signer.access_key(),
            "obtained temporary credentials from the instance metadata service"
        );
        Ok(cached)
    }

    /// Asks for a session token; without `required`, a service that has none is not an error.
    async fn open_session(&self, required: bool) -> Result<Session, Error> {
        let url = self.url(SESSION_TOKEN_PATH)?;
        let response = self
            .http
            .put(url.clone())
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS)
            .send()
            .await
            .map_err(Error::from)?;
        let status = response.status();
        let (body, _) = crate::error::read_capped(response, MAX_ANSWER)
            .await
            .map_err(Error::from)?;
        let unsupported = matches!(status.as_u16(), 404 | 405 | 503);
        if unsupported && !required {
            return Ok(Session::Unsupported);
        }
        if !status.is_success() {
            let err = ServiceError::from_body(status.as_u16(), None, &body);
            return Err(explain(err, &format!("PUT {url}")).into());
        }
        let token = std::str::from_utf8(&body)
            .ok()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .and_then(|t| HeaderValue::from_str(t).ok())
            .ok_or_else(|| Error::Config(format!("PUT {url} answered no usable session token")))?;
        let mut token = token;
        token.set_sensitive(true);
        Ok(Session::Open(token))
    }

    async fn security_key(&self, session: &Session) -> Result<(StatusCode, bytes::Bytes), Error> {
        let mut request = self.http.get(self.url(SECURITY_KEY_PATH)?);
        if let Session::Open(token) = session {
            request = request.header(TOKEN_HEADER, token.clone());
        }
        let response = request.send().await.map_err(Error::from)?;
        let status = response.status();
        let (body, _) = crate::error::read_capped(response, MAX_ANSWER)
            .await
            .map_err(Error::from)?;
        Ok((status, body))
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, Error> {
        self.endpoint
            .join(path)
            .map_err(|e| Error::Config(format!("metadata endpoint `{}`: {e}", self.endpoint)))
    }
}

/// The keys of a `securitykey` answer. Errors never quote the answer (it holds secrets).
fn parse_security_key(body: &[u8]) -> Result<Cached, Error> {
    let malformed = |what: &str| {
        Error::Config(format!(
            "the instance metadata answer to GET {SECURITY_KEY_PATH} {what} (expected \
             {{\"credential\":{{\"access\",\"secret\",\"securitytoken\",\"expires_at\"}}}})"
        ))
    };
    let answer: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| malformed("is not JSON"))?;
    let credential = answer
        .get("credential")
        .or_else(|| answer.get("credentials"))
        .ok_or_else(|| malformed("has no `credential`"))?;
    let field = |name: &str| {
        credential
            .get(name)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| malformed(&format!("has no `{name}`")))
    };
    let (access, secret, token) = (field("access")?, field("secret")?, field("securitytoken")?);
    let expires_at = clock::parse_iso8601(field("expires_at")?)
        .ok_or_else(|| malformed("has an `expires_at` that is not a time"))?;
    let keys = SigningKeys::new(
        Signer::new(access, secret),
        Some(&SecretString::from(token.to_string())),
    )?;
    Ok(Cached {
        keys: Arc::new(keys),
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_answers_are_errors_that_quote_no_secret() {
        let answers = [
            &b"not json s3cr3t"[..],
            br#"{"credential":{"access":"AK","secret":"s3cr3t","securitytoken":"t0k3n"}}"#,
            br#"{"credential":{"access":"AK","secret":"s3cr3t","securitytoken":"t0k3n","expires_at":"soon"}}"#,
            br#"{"credential":{"access":"AK","secret":7,"securitytoken":"t0k3n","expires_at":"2030-01-01T00:00:00.000000Z"}}"#,
            br#"{"nothing":1}"#,
        ];
        for body in answers {
            let err = match parse_security_key(body) {
                Err(e) => e.to_string(),
                Ok(_) => panic!("{} parsed", String::from_utf8_lossy(body)),
            };
            assert!(!err.contains("s3cr3t") && !err.contains("t0k3n"), "{err}");
        }
    }

    #[test]
    fn a_complete_answer_gives_keys_and_expiry() {
        let cached = parse_security_key(
            br#"{"credential":{"access":"AK1","secret":"s","securitytoken":"t","expires_at":"2030-01-02T03:04:05.000000Z"}}"#,
        )
        .unwrap();
        assert_eq!(cached.keys.signer.access_key(), "AK1");
        assert!(cached.keys.security_token.is_some());
        assert_eq!(
            cached.expires_at,
            clock::parse_iso8601("2030-01-02T03:04:05Z").unwrap()
        );
    }
}
