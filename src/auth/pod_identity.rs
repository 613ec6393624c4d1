//! Temporary keys of a CCE pod identity, from the agent Kubernetes points the pod at, as Huawei's
//! Python SDK takes them (`PodIdentityCredentialProvider`):
//! `POST {HC_CONTAINER_CREDENTIALS_FULL_URI}` with
//! `Authorization: <the content of HC_CONTAINER_AUTHORIZATION_TOKEN_FILE>` and `{}`, answering
//! `{"credentials":{"accessKeyId","secretAccessKey","securityToken","expiration"}}` (or any other
//! shape Huawei's SDKs read).
//!
//! The token file is read again at every exchange (Kubernetes rotates it). The agent is local to
//! the node: requests bypass any proxy and time out after 5 seconds.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use secrecy::ExposeSecret;

use super::exchange;
use super::provider::{AccessKeys, KeySettings, ProvideCredentials, ProvideFuture};
use crate::error::Error;

/// Environment variable of the agent's URL.
pub const ENV_CONTAINER_CREDENTIALS_FULL_URI: &str = "HC_CONTAINER_CREDENTIALS_FULL_URI";
/// Environment variable naming the file of the pod's authorization token.
pub const ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE: &str = "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE";
/// Connect and request timeout of the agent (5 seconds, as Huawei's SDK).
pub const POD_IDENTITY_TIMEOUT: Duration = Duration::from_secs(5);

/// A pod's identity exchanged for temporary keys at the node's agent
/// ([`crate::Credentials::PodIdentity`]).
#[derive(Debug, Clone)]
pub struct PodIdentity {
    pub(crate) uri: String,
    pub(crate) token_file: PathBuf,
    pub(crate) settings: KeySettings,
}

impl PodIdentity {
    /// Keys from the agent at `uri`, authorized by the token in `token_file` (read at every
    /// exchange).
    pub fn new(uri: impl Into<String>, token_file: impl Into<PathBuf>) -> Self {
        PodIdentity {
            uri: uri.into(),
            token_file: token_file.into(),
            settings: KeySettings::default(),
        }
    }

    /// The pod identity of the environment (read through `lookup`): `Ok(None)` when neither
    /// variable is set, an error when only one is.
    pub(crate) fn from_lookup(
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        match (
            get(ENV_CONTAINER_CREDENTIALS_FULL_URI),
            get(ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE),
        ) {
            (None, None) => Ok(None),
            (Some(uri), Some(file)) => Ok(Some(PodIdentity::new(uri.trim(), file))),
            (Some(_), None) | (None, Some(_)) => Err(Error::Config(format!(
                "pod identity needs both {ENV_CONTAINER_CREDENTIALS_FULL_URI} and \
                 {ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE}; only one is set"
            ))),
        }
    }
}

/// The exchange with one agent.
pub(crate) struct PodIdentitySource {
    url: reqwest::Url,
    token_file: PathBuf,
    http: reqwest::Client,
}

impl PodIdentitySource {
    /// Asks `url` through `http` (which must bypass proxies and time out quickly).
    pub(crate) fn new(url: reqwest::Url, token_file: PathBuf, http: reqwest::Client) -> Self {
        PodIdentitySource {
            url,
            token_file,
            http,
        }
    }

    async fn exchange(&self) -> Result<AccessKeys, Error> {
        let token = exchange::read_token_file(&self.token_file, "pod identity token file").await?;
        let mut authorization = HeaderValue::from_str(token.expose_secret()).map_err(|_| {
            Error::Config(format!(
                "the pod identity token file {} does not hold a valid header value",
                self.token_file.display()
            ))
        })?;
        authorization.set_sensitive(true);
        let request = self
            .http
            .post(self.url.clone())
            .header(AUTHORIZATION, authorization)
            .header(CONTENT_TYPE, "application/json")
            .body("{}");
        exchange::send(request)
            .await?
            .success(&format!("POST {}", self.url))?
            .keys(&format!("the pod identity answer to POST {}", self.url))
    }
}

impl fmt::Debug for PodIdentitySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PodIdentity {{ {} }}", self.url)
    }
}

impl ProvideCredentials for PodIdentitySource {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.exchange())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_variables_or_neither() {
        let lookup = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(PodIdentity::from_lookup(&lookup(&[])).unwrap().is_none());
        let p = PodIdentity::from_lookup(&lookup(&[
            (ENV_CONTAINER_CREDENTIALS_FULL_URI, "http://127.0.0.1:1/c"),
            (ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE, "/token"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(p.uri, "http://127.0.0.1:1/c");
        for half in [
            &[(ENV_CONTAINER_CREDENTIALS_FULL_URI, "http://127.0.0.1:1/c")][..],
            &[(ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE, "/token")][..],
        ] {
            let vars: &'static [(&'static str, &'static str)] = half;
            let err = PodIdentity::from_lookup(&lookup(vars))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE),
                "{err}"
            );
        }
    }
}
