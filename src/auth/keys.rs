//! The keys AK/SK requests are signed with right now: fixed ones (permanent, or temporary with a
//! security token), or the keys of a provider ([`super::provider`]: OIDC STS, federated identity,
//! pod identity, instance metadata, or yours), kept until they need refreshing.
//!
//! Refreshing is single-flight: calls that find the keys missing or about to expire queue on one
//! lock; the first asks the provider, and the calls that were waiting meanwhile use its answer
//! (even when it expires within the margin), so any number of concurrent calls make one exchange.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use super::provider::{AccessKeys, SharedProvider};
use super::signer::{DecodedUrl, SignError, Signer};
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

    /// The signing keys of a provider's answer.
    fn of(keys: &AccessKeys) -> Result<Self, Error> {
        SigningKeys::new(
            Signer::new(&keys.access_key, keys.secret_key.expose_secret()),
            keys.security_token.as_ref(),
        )
    }

    /// Adds `X-Security-Token` (temporary credentials) and signs the request, whose URL is `url`
    /// decoded, at `sdk_date`.
    pub(crate) fn sign(
        &self,
        request: &mut reqwest::Request,
        url: &DecodedUrl,
        sdk_date: &str,
    ) -> Result<(), SignError> {
        if let Some(token) = &self.security_token {
            request
                .headers_mut()
                .insert(X_SECURITY_TOKEN, token.clone());
        }
        self.signer.sign_decoded(request, url, sdk_date).map(|_| ())
    }
}

/// Where the signing keys come from.
pub(crate) enum KeySource {
    /// Keys given by the user (explicitly, or from the environment or the profile file).
    Fixed(Arc<SigningKeys>),
    /// Keys of a provider, refreshed before they expire.
    Provided(Box<ProvidedKeys>),
}

impl KeySource {
    /// The keys to sign with now (asking the provider when needed).
    pub(crate) async fn current(&self, clock: &Clock) -> Result<Arc<SigningKeys>, Error> {
        match self {
            KeySource::Fixed(keys) => Ok(keys.clone()),
            KeySource::Provided(provided) => provided.keys(clock).await,
        }
    }

    /// Forgets a provider's keys (after the service refused them); `false` when there is nothing
    /// to ask for again.
    pub(crate) async fn invalidate(&self) -> bool {
        match self {
            KeySource::Fixed(_) => false,
            KeySource::Provided(provided) => {
                *provided.cached.lock().await = None;
                true
            }
        }
    }

    /// What failed when the keys could not be obtained, for errors.
    pub(crate) fn failure(&self) -> String {
        match self {
            KeySource::Fixed(_) => "cannot use the credentials".into(),
            KeySource::Provided(provided) => {
                format!("cannot obtain credentials from {:?}", provided.provider)
            }
        }
    }

    /// How the keys are shown in `Debug`: the access key or the provider, never a secret.
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
            KeySource::Provided(provided) => format!("{:?}", provided.provider),
        }
    }
}

/// A provider's keys, kept until less than the margin is left before they expire.
pub(crate) struct ProvidedKeys {
    provider: SharedProvider,
    margin: Duration,
    cached: Mutex<Option<Cached>>,
}

struct Cached {
    keys: Arc<SigningKeys>,
    expires_at: Option<SystemTime>,
    /// When the provider answered.
    obtained: Instant,
}

impl ProvidedKeys {
    /// The keys of `provider`, asked for again when less than `margin` is left before they expire.
    pub(crate) fn new(provider: SharedProvider, margin: Duration) -> Self {
        ProvidedKeys {
            provider,
            margin,
            cached: Mutex::default(),
        }
    }

    /// The keys to sign with now. A call that waited while another asked the provider takes that
    /// answer unless it has already expired.
    async fn keys(&self, clock: &Clock) -> Result<Arc<SigningKeys>, Error> {
        let asked = Instant::now();
        let mut cached = self.cached.lock().await;
        let now = clock.now();
        if let Some(c) = cached.as_ref() {
            let margin = if c.obtained >= asked {
                Duration::ZERO
            } else {
                self.margin
            };
            if c.expires_at.is_none_or(|t| t > now + margin) {
                return Ok(c.keys.clone());
            }
        }
        let answer = self.provider.provide_credentials().await?;
        tracing::debug!(
            access_key = answer.access_key(),
            provider = ?self.provider,
            "obtained credentials"
        );
        let keys = Arc::new(SigningKeys::of(&answer)?);
        *cached = Some(Cached {
            keys: keys.clone(),
            expires_at: answer.expires_at,
            obtained: Instant::now(),
        });
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::provider::{ProvideCredentials, ProvideFuture};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts its answers; each expires `validity` from now.
    #[derive(Debug)]
    struct Counting {
        calls: AtomicUsize,
        validity: Duration,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials(&self) -> ProvideFuture<'_> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst);
                // Let the other calls queue up behind this one.
                tokio::task::yield_now().await;
                Ok(AccessKeys::temporary(format!("AK{n}"), "sk", "token")
                    .with_expiry(SystemTime::now() + self.validity))
            })
        }
    }

    fn source(validity: Duration, margin: Duration) -> (Arc<Counting>, KeySource) {
        let provider = Arc::new(Counting {
            calls: AtomicUsize::new(0),
            validity,
        });
        let keys = KeySource::Provided(Box::new(ProvidedKeys::new(provider.clone(), margin)));
        (provider, keys)
    }

    #[tokio::test]
    async fn concurrent_calls_share_one_answer_even_inside_the_margin() {
        // Valid 10 minutes, margin 40: every later call asks again, but concurrent ones share.
        let (provider, keys) = source(Duration::from_secs(600), Duration::from_secs(2400));
        let clock = Clock::default();
        let all = futures_util::future::join_all((0..50).map(|_| keys.current(&clock))).await;
        assert!(
            all.iter()
                .all(|k| k.as_ref().unwrap().signer.access_key() == "AK0")
        );
        assert_eq!(provider.calls.load(Ordering::SeqCst), 1);
        keys.current(&clock).await.unwrap();
        assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn keys_are_kept_outside_the_margin_and_dropped_when_refused() {
        let (provider, keys) = source(Duration::from_secs(3600), Duration::from_secs(2400));
        let clock = Clock::default();
        for _ in 0..3 {
            assert_eq!(
                keys.current(&clock).await.unwrap().signer.access_key(),
                "AK0"
            );
        }
        assert_eq!(provider.calls.load(Ordering::SeqCst), 1);
        assert!(keys.invalidate().await);
        assert_eq!(
            keys.current(&clock).await.unwrap().signer.access_key(),
            "AK1"
        );
        // The client's clock (its offset learned from the server) decides what is about to expire.
        clock.set_offset(3600 - 2400 + 1);
        assert_eq!(
            keys.current(&clock).await.unwrap().signer.access_key(),
            "AK2"
        );
        assert!(
            !KeySource::Fixed(Arc::new(
                SigningKeys::of(&AccessKeys::permanent("A", "S")).unwrap()
            ))
            .invalidate()
            .await
        );
    }
}
