//! The keys AK/SK requests are signed with right now: fixed ones (permanent, or temporary with a
//! security token), or temporary ones from the instance metadata service, refreshed before they
//! expire.

use std::sync::Arc;

use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::metadata::MetadataSource;
use super::signer::{SignError, Signer};
use crate::clock::Clock;
use crate::error::Error;

/// Header carrying the security token of temporary credentials (signed with the request).
pub(crate) const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");

/// An AK/SK pair and, for temporary credentials, its security token.
pub(crate) struct SigningKeys {
    pub(crate) signer: Signer,
    pub(crate) security_token: Option<HeaderValue>,
}

impl SigningKeys {
    /// Keys from an AK/SK pair and an optional security token (which must be a valid header value).
    pub(crate) fn new(
        signer: Signer,
        security_token: Option<&SecretString>,
    ) -> Result<Self, Error> {
        let security_token = security_token
            .map(|t| {
                let mut v = HeaderValue::from_str(t.expose_secret()).map_err(|_| {
                    Error::Config("the security token is not a valid header value".into())
                })?;
                v.set_sensitive(true);
                Ok::<_, Error>(v)
            })
            .transpose()?;
        Ok(SigningKeys {
            signer,
            security_token,
        })
    }

    /// Adds `X-Security-Token` (temporary credentials) and signs the request at `sdk_date`.
    pub(crate) fn sign(
        &self,
        request: &mut reqwest::Request,
        sdk_date: &str,
    ) -> Result<(), SignError> {
        if let Some(token) = &self.security_token {
            request
                .headers_mut()
                .insert(X_SECURITY_TOKEN, token.clone());
        }
        self.signer.sign_request(request, sdk_date).map(|_| ())
    }
}

/// Where the signing keys come from.
pub(crate) enum KeySource {
    /// Keys given by the user (explicitly, or from the environment or the profile file).
    Fixed(Arc<SigningKeys>),
    /// Temporary keys from the instance metadata service.
    Metadata(Box<MetadataSource>),
}

impl KeySource {
    /// The keys to sign with now (fetching or refreshing temporary ones when needed).
    pub(crate) async fn current(&self, clock: &Clock) -> Result<Arc<SigningKeys>, Error> {
        match self {
            KeySource::Fixed(keys) => Ok(keys.clone()),
            KeySource::Metadata(source) => source.keys(clock).await,
        }
    }

    /// Forgets refreshable keys (after the service refused them); `false` when there is nothing to
    /// refresh.
    pub(crate) async fn invalidate(&self) -> bool {
        match self {
            KeySource::Fixed(_) => false,
            KeySource::Metadata(source) => {
                source.invalidate().await;
                true
            }
        }
    }

    /// How the keys are shown in `Debug`: the access key or the metadata endpoint, never a secret.
    pub(crate) fn describe(&self) -> String {
        match self {
            KeySource::Fixed(keys) => format!(
                "AkSk {{ access_key: {:?}, secret_key: \"[redacted]\", security_token: {} }}",
                keys.signer.access_key(),
                if keys.security_token.is_some() {
                    "\"[redacted]\""
                } else {
                    "None"
                }
            ),
            KeySource::Metadata(source) => format!("InstanceMetadata {{ {} }}", source.endpoint()),
        }
    }
}
