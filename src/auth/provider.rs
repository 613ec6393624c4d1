//! Credentials providers: where AK/SK come from when they are not fixed. A provider gives
//! permanent or temporary keys, with or without an expiry; the client keeps them, asks again before
//! they expire (or when the service refuses them) and lets concurrent calls share one request
//! ([`crate::Credentials::from_provider`]).
//!
//! The built-in temporary credentials (OIDC STS, federated identity, CCE pod identity, instance
//! metadata) are providers too: the client refreshes them all the same way. Implement
//! [`ProvideCredentials`] for your own source (a vault, a secrets manager), as with aws-config's
//! trait of the same name:
//!
//! ```
//! use huaweicloud_osm::auth::provider::{AccessKeys, ProvideCredentials, ProvideFuture};
//! use std::time::{Duration, SystemTime};
//!
//! #[derive(Debug)]
//! struct Vault;
//!
//! impl ProvideCredentials for Vault {
//!     fn provide_credentials(&self) -> ProvideFuture<'_> {
//!         Box::pin(async move {
//!             // Ask the vault here; map its errors with `Error::Io(std::io::Error::other(e))`.
//!             Ok(AccessKeys::temporary("AK", "SK", "security-token")
//!                 .with_expiry(SystemTime::now() + Duration::from_secs(3600)))
//!         })
//!     }
//! }
//!
//! let credentials =
//!     huaweicloud_osm::Credentials::from_provider(Vault).with_domain_id("account-id");
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use secrecy::SecretString;

use crate::error::Error;

/// Temporary credentials are asked for again when less than this is left before they expire (40
/// minutes, as Huawei's SDKs).
pub const DEFAULT_KEYS_REFRESH_MARGIN: Duration = Duration::from_secs(40 * 60);

/// What [`ProvideCredentials::provide_credentials`] returns.
pub type ProvideFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessKeys, Error>> + Send + 'a>>;

/// A source of AK/SK. The client calls it before its first request, again when less than the
/// refresh margin is left before the keys expire, and again after the service refused them; calls
/// made meanwhile wait for that one answer. Errors are returned to the calls that needed the keys
/// (nothing is cached on failure: the next call asks again).
pub trait ProvideCredentials: fmt::Debug + Send + Sync {
    /// The keys to sign with.
    fn provide_credentials(&self) -> ProvideFuture<'_>;
}

/// A shared provider, as the client keeps it.
pub type SharedProvider = Arc<dyn ProvideCredentials>;

/// An AK/SK pair, permanent or temporary (with a security token), and when it expires if it does.
/// `Debug` shows the access key and the expiry only.
#[derive(Clone)]
pub struct AccessKeys {
    pub(crate) access_key: String,
    pub(crate) secret_key: SecretString,
    pub(crate) security_token: Option<SecretString>,
    pub(crate) expires_at: Option<SystemTime>,
}

impl AccessKeys {
    /// Permanent keys (they never expire unless [`AccessKeys::with_expiry`] says otherwise).
    pub fn permanent(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        AccessKeys {
            access_key: access_key.into(),
            secret_key: SecretString::from(secret_key.into()),
            security_token: None,
            expires_at: None,
        }
    }

    /// Temporary keys with their security token (sent, and signed, as `X-Security-Token`).
    pub fn temporary(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        AccessKeys {
            security_token: Some(SecretString::from(security_token.into())),
            ..AccessKeys::permanent(access_key, secret_key)
        }
    }

    /// When the keys expire: the client asks for new ones before then.
    pub fn with_expiry(mut self, expires_at: SystemTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// The access key (AK; not a secret).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// Whether the keys are temporary (have a security token).
    pub fn is_temporary(&self) -> bool {
        self.security_token.is_some()
    }

    /// When the keys expire, if they do.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }
}

impl fmt::Debug for AccessKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKeys")
            .field("access_key", &self.access_key)
            .field("secret_key", &"[redacted]")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What every kind of AK/SK credentials carries besides where its keys come from: the account id,
/// the IAM endpoint of its lookup, and how early temporary keys are asked for again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeySettings {
    pub(crate) domain_id: Option<String>,
    pub(crate) iam_endpoint: Option<String>,
    pub(crate) refresh_margin: Duration,
}

impl Default for KeySettings {
    fn default() -> Self {
        KeySettings {
            domain_id: None,
            iam_endpoint: None,
            refresh_margin: DEFAULT_KEYS_REFRESH_MARGIN,
        }
    }
}

/// Credentials from a provider of yours ([`crate::Credentials::from_provider`]).
#[derive(Debug, Clone)]
pub struct FromProvider {
    pub(crate) provider: SharedProvider,
    pub(crate) settings: KeySettings,
}

impl FromProvider {
    /// Credentials asked of `provider`.
    pub(crate) fn new(provider: SharedProvider) -> Self {
        FromProvider {
            provider,
            settings: KeySettings::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_secret() {
        let keys = AccessKeys::temporary("AK", "s3cr3t", "t0k3n").with_expiry(SystemTime::now());
        let shown = format!("{keys:?}");
        assert!(
            shown.contains("AK") && shown.contains("expires_at"),
            "{shown}"
        );
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("t0k3n"),
            "{shown}"
        );
        assert!(keys.is_temporary());
        assert!(!AccessKeys::permanent("AK", "SK").is_temporary());
    }
}
