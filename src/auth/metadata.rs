//! Temporary credentials of an ECS/CCE instance, from the instance metadata service, as Huawei's
//! SDKs take them:
//!
//! 1. `PUT {metadata}/meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds: 21600` opens a
//!    session; a 404, 405 or 503 means the service has no sessions, and the step is skipped;
//! 2. `GET {metadata}/openstack/latest/securitykey` (with `X-Metadata-Token` when there is a
//!    session) answers `{"credential":{"access","secret","securitytoken","expires_at"}}`; a 401 opens
//!    a new session once (unless the instance has no agency);
//! 3. the client uses the keys until less than the refresh margin (40 minutes) is left before
//!    `expires_at`, then fetches new ones (as it does every provider's keys: concurrent refreshes
//!    wait for one fetch).
//!
//! Nothing is sent to the metadata service unless the user asked for these credentials
//! ([`crate::Credentials::from_instance_metadata`], or `HUAWEICLOUD_SDK_INSTANCE_METADATA=true` for
//! the provider chain). Every request has a 3 second timeout and bypasses any proxy.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use tokio::sync::Mutex;

use super::exchange;
use super::provider::{
    AccessKeys, DEFAULT_KEYS_REFRESH_MARGIN, KeySettings, ProvideCredentials, ProvideFuture,
};
use crate::error::Error;

/// Environment variable replacing the metadata service URL (`http://169.254.169.254`; ours).
pub const ENV_METADATA_ENDPOINT: &str = "HUAWEICLOUD_SDK_METADATA_ENDPOINT";

/// The metadata service's address on every ECS instance.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://169.254.169.254";
/// Temporary credentials are fetched again when less than this is left before they expire.
pub const DEFAULT_METADATA_REFRESH_MARGIN: Duration = DEFAULT_KEYS_REFRESH_MARGIN;
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

/// Where and how [`crate::Credentials::from_instance_metadata`] takes temporary credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceMetadata {
    pub(crate) endpoint: Option<String>,
    pub(crate) settings: KeySettings,
}

impl InstanceMetadata {
    /// The metadata service URL: the one set, else `HUAWEICLOUD_SDK_METADATA_ENDPOINT` (read
    /// through `lookup`), else [`DEFAULT_METADATA_ENDPOINT`].
    pub(crate) fn endpoint(&self, lookup: impl Fn(&str) -> Option<String>) -> String {
        self.endpoint
            .clone()
            .or_else(|| lookup(ENV_METADATA_ENDPOINT).filter(|v| !v.trim().is_empty()))
            .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.to_string())
    }
}

/// Temporary keys from the metadata service (the client keeps and refreshes them:
/// [`super::keys`]).
pub(crate) struct MetadataSource {
    endpoint: reqwest::Url,
    http: reqwest::Client,
    session: Mutex<Session>,
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

impl fmt::Debug for MetadataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InstanceMetadata {{ {} }}", self.endpoint)
    }
}

impl ProvideCredentials for MetadataSource {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let mut session = self.session.lock().await;
            self.fetch(&mut session).await
        })
    }
}

impl MetadataSource {
    /// A source asking `endpoint` through `http` (which must bypass proxies and time out quickly).
    pub(crate) fn new(endpoint: reqwest::Url, http: reqwest::Client) -> Self {
        MetadataSource {
            endpoint,
            http,
            session: Mutex::default(),
        }
    }

    async fn fetch(&self, session: &mut Session) -> Result<AccessKeys, Error> {
        if matches!(session, Session::Unknown) {
            *session = self.open_session(false).await?;
        }
        let mut answer = self.security_key(session).await?;
        if answer.status == StatusCode::UNAUTHORIZED
            && !String::from_utf8_lossy(&answer.body).contains(NO_AGENCY)
        {
            *session = self.open_session(true).await?;
            answer = self.security_key(session).await?;
        }
        let url = self.url(SECURITY_KEY_PATH)?;
        answer.success(&format!("GET {url}"))?.keys(&format!(
            "the instance metadata answer to GET {SECURITY_KEY_PATH}"
        ))
    }

    /// Asks for a session token; without `required`, a service that has none is not an error.
    async fn open_session(&self, required: bool) -> Result<Session, Error> {
        let url = self.url(SESSION_TOKEN_PATH)?;
        let answer = exchange::send(
            self.http
                .put(url.clone())
                .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS),
        )
        .await?;
        let unsupported = matches!(answer.status.as_u16(), 404 | 405 | 503);
        if unsupported && !required {
            return Ok(Session::Unsupported);
        }
        let answer = answer.success(&format!("PUT {url}"))?;
        let mut token = std::str::from_utf8(&answer.body)
            .ok()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .and_then(|t| HeaderValue::from_str(t).ok())
            .ok_or_else(|| Error::Config(format!("PUT {url} answered no usable session token")))?;
        token.set_sensitive(true);
        Ok(Session::Open(token))
    }

    async fn security_key(&self, session: &Session) -> Result<exchange::Answer, Error> {
        let mut request = self.http.get(self.url(SECURITY_KEY_PATH)?);
        if let Session::Open(token) = session {
            request = request.header(TOKEN_HEADER, token.clone());
        }
        exchange::send(request).await
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, Error> {
        self.endpoint
            .join(path)
            .map_err(|e| Error::Config(format!("metadata endpoint `{}`: {e}", self.endpoint)))
    }
}
