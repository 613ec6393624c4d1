//! Credentials: permanent AK/SK, temporary AK/SK with a security token, temporary keys exchanged
//! for an OIDC id token (STS), a federated identity's id token (IAM) or a CCE pod identity, an ECS
//! instance's temporary credentials from the metadata service, keys from a provider of yours, an
//! IAM password login, or a ready IAM token; taken explicitly or from the environment variables and
//! profile file Huawei's SDKs read (the provider chain is in [`super::chain`]).
//!
//! `Debug` of every type here redacts secrets (SK, password, tokens, id tokens, security token).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use super::federated::{ENV_ID_TOKEN_FILE, ENV_IDP_ID, FederatedIdentity};
use super::metadata::InstanceMetadata;
use super::oidc::OidcSts;
use super::pod_identity::PodIdentity;
use super::provider::{FromProvider, KeySettings, ProvideCredentials};
use super::signer::Signer;

/// Environment variable of the access key.
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// Environment variable of the secret key.
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// Environment variable of the security token of temporary credentials.
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Environment variable of the account (domain) id.
pub const ENV_DOMAIN_ID: &str = "HUAWEICLOUD_SDK_DOMAIN_ID";
/// Environment variable of the IAM endpoint (password logins, the account id lookup, federated
/// identity).
pub const ENV_IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
/// Environment variable naming the credentials profile file (default `~/.huaweicloud/credentials`).
pub const ENV_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

/// How requests are authenticated.
#[derive(Clone)]
pub enum Credentials {
    /// AK/SK signing (SDK-HMAC-SHA256), permanent or temporary.
    AkSk(AkSkCredentials),
    /// IAM password login; the token is cached and refreshed before it expires.
    Password(PasswordLogin),
    /// A ready IAM token, sent as `X-Auth-Token` (not refreshed).
    Token(SecretString),
    /// Temporary AK/SK of the ECS instance the program runs on, from its metadata service
    /// (see [`Credentials::from_instance_metadata`]).
    InstanceMetadata(InstanceMetadata),
    /// Temporary AK/SK from STS for an OIDC id token ([`super::oidc`]).
    OidcSts(OidcSts),
    /// Temporary AK/SK from IAM for a federated identity's id token ([`super::federated`]).
    Federated(FederatedIdentity),
    /// Temporary AK/SK of a CCE pod identity ([`super::pod_identity`]).
    PodIdentity(PodIdentity),
    /// AK/SK from a provider of yours ([`Credentials::from_provider`]).
    Provider(FromProvider),
}

impl From<OidcSts> for Credentials {
    fn from(oidc: OidcSts) -> Self {
        Credentials::OidcSts(oidc)
    }
}

impl From<FederatedIdentity> for Credentials {
    fn from(identity: FederatedIdentity) -> Self {
        Credentials::Federated(identity)
    }
}

impl From<PodIdentity> for Credentials {
    fn from(pod: PodIdentity) -> Self {
        Credentials::PodIdentity(pod)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::AkSk(c) => f.debug_tuple("AkSk").field(c).finish(),
            Credentials::Password(p) => f.debug_tuple("Password").field(p).finish(),
            Credentials::Token(_) => f.write_str("Token([redacted])"),
            Credentials::InstanceMetadata(m) => f.debug_tuple("InstanceMetadata").field(m).finish(),
            Credentials::OidcSts(o) => f.debug_tuple("OidcSts").field(o).finish(),
            Credentials::Federated(i) => f.debug_tuple("Federated").field(i).finish(),
            Credentials::PodIdentity(p) => f.debug_tuple("PodIdentity").field(p).finish(),
            Credentials::Provider(p) => f.debug_tuple("Provider").field(p).finish(),
        }
    }
}

impl Credentials {
    /// Permanent AK/SK.
    pub fn ak_sk(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials::AkSk(AkSkCredentials {
            signer: Signer::new(access_key, secret_key),
            security_token: None,
            settings: KeySettings::default(),
        })
    }

    /// Temporary AK/SK with its security token (sent, and signed, as `X-Security-Token`).
    pub fn temporary(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Credentials::AkSk(AkSkCredentials {
            signer: Signer::new(access_key, secret_key),
            security_token: Some(SecretString::from(security_token.into())),
            settings: KeySettings::default(),
        })
    }

    /// IAM password login of `user` in account `domain_name`, domain-scoped (OSM is a global service).
    pub fn password(
        user: impl Into<String>,
        password: impl Into<String>,
        domain_name: impl Into<String>,
    ) -> Self {
        let domain_name = domain_name.into();
        Credentials::Password(PasswordLogin {
            user: user.into(),
            password: SecretString::from(password.into()),
            scope: TokenScope::DomainName(domain_name.clone()),
            domain_name,
        })
    }

    /// A ready IAM token.
    pub fn token(token: impl Into<String>) -> Self {
        Credentials::Token(SecretString::from(token.into()))
    }

    /// Temporary AK/SK and security token of the ECS (or CCE) instance the program runs on, from
    /// its metadata service, refreshed when less than 40 minutes are left before they expire, as
    /// Huawei's SDKs do. The service is `http://169.254.169.254` unless
    /// [`Credentials::with_metadata_endpoint`] or `HUAWEICLOUD_SDK_METADATA_ENDPOINT` says
    /// otherwise; nothing is sent to it before the first call. Requests are signed with the keys and
    /// carry `X-Security-Token`. The instance needs an agency (a role) for the service to have
    /// credentials.
    pub fn from_instance_metadata() -> Self {
        Credentials::InstanceMetadata(InstanceMetadata::default())
    }

    /// Keys from `provider`: asked for before the first call, again when less than the refresh
    /// margin (40 minutes, [`Credentials::with_refresh_margin`]) is left before they expire or the
    /// service refuses them, once for all the calls waiting meanwhile
    /// ([`super::provider::ProvideCredentials`]).
    pub fn from_provider(provider: impl ProvideCredentials + 'static) -> Self {
        Credentials::Provider(FromProvider::new(Arc::new(provider)))
    }

    /// The metadata service URL of [`Credentials::from_instance_metadata`] (e.g. a local stand-in in
    /// tests).
    pub fn with_metadata_endpoint(mut self, url: impl Into<String>) -> Self {
        if let Credentials::InstanceMetadata(m) = &mut self {
            m.endpoint = Some(url.into());
        }
        self
    }

    /// How long before they expire instance credentials are fetched again (default 40 minutes);
    /// the same as [`Credentials::with_refresh_margin`].
    pub fn with_metadata_refresh_margin(self, margin: Duration) -> Self {
        self.with_refresh_margin(margin)
    }

    /// How long before they expire temporary keys (instance metadata, OIDC STS, federated
    /// identity, pod identity, a provider's) are asked for again (default 40 minutes, as Huawei's
    /// SDKs).
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        if let Some(s) = self.settings_mut() {
            s.refresh_margin = margin;
        }
        self
    }

    /// Sets the account (domain) id sent as `X-Domain-Id` with AK/SK and temporary keys. Without
    /// it, the id is looked up through IAM on the first call (once per client); OIDC credentials
    /// take the account of their agency URN.
    pub fn with_domain_id(mut self, domain_id: impl Into<String>) -> Self {
        if let Some(s) = self.settings_mut() {
            s.domain_id = Some(domain_id.into());
        }
        self
    }

    /// Sets the IAM endpoint of the account id lookup (and of a federated identity's exchange),
    /// as the profile file's `iam_endpoint` does; for every kind of AK/SK. The builder's
    /// [`crate::ClientBuilder::iam_endpoint`] wins over it, and it wins over
    /// `HUAWEICLOUD_SDK_IAM_ENDPOINT`.
    pub fn with_iam_endpoint(mut self, url: impl Into<String>) -> Self {
        if let Some(s) = self.settings_mut() {
            s.iam_endpoint = Some(url.into());
        }
        self
    }

    /// Sets the scope of the token of a password login (default: the user's account, by name).
    pub fn with_token_scope(mut self, scope: TokenScope) -> Self {
        if let Credentials::Password(p) = &mut self {
            p.scope = scope;
        }
        self
    }

    /// The settings every kind of AK/SK carries (`None` for IAM tokens).
    pub(crate) fn settings(&self) -> Option<&KeySettings> {
        match self {
            Credentials::AkSk(c) => Some(&c.settings),
            Credentials::InstanceMetadata(m) => Some(&m.settings),
            Credentials::OidcSts(o) => Some(&o.settings),
            Credentials::Federated(i) => Some(&i.settings),
            Credentials::PodIdentity(p) => Some(&p.settings),
            Credentials::Provider(p) => Some(&p.settings),
            Credentials::Password(_) | Credentials::Token(_) => None,
        }
    }

    fn settings_mut(&mut self) -> Option<&mut KeySettings> {
        match self {
            Credentials::AkSk(c) => Some(&mut c.settings),
            Credentials::InstanceMetadata(m) => Some(&mut m.settings),
            Credentials::OidcSts(o) => Some(&mut o.settings),
            Credentials::Federated(i) => Some(&mut i.settings),
            Credentials::PodIdentity(p) => Some(&mut p.settings),
            Credentials::Provider(p) => Some(&mut p.settings),
            Credentials::Password(_) | Credentials::Token(_) => None,
        }
    }

    /// The environment step of the chain, reading variables through `lookup`:
    /// `HUAWEICLOUD_SDK_IDP_ID` and `_ID_TOKEN_FILE` (a federated identity, which wins), else
    /// `HUAWEICLOUD_SDK_AK`, `_SK` and `_SECURITY_TOKEN`; with `_DOMAIN_ID` and `_IAM_ENDPOINT`.
    /// `Ok(None)` when neither pair is set, an error when only half of one is.
    /// [`Credentials::from_env`] is the whole chain but the profile file.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, crate::Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let (ak, sk) = (get(ENV_AK), get(ENV_SK));
        let creds = match (get(ENV_IDP_ID), get(ENV_ID_TOKEN_FILE)) {
            (Some(idp_id), Some(file)) => FederatedIdentity::new(idp_id, file).into(),
            (Some(_), None) | (None, Some(_)) => {
                return Err(crate::Error::Config(format!(
                    "a federated identity needs both {ENV_IDP_ID} and {ENV_ID_TOKEN_FILE}; only \
                     one is set"
                )));
            }
            (None, None) => match (ak, sk) {
                (None, None) => return Ok(None),
                (Some(ak), Some(sk)) => match get(ENV_SECURITY_TOKEN) {
                    Some(token) => Credentials::temporary(ak, sk, token),
                    None => Credentials::ak_sk(ak, sk),
                },
                (Some(_), None) => {
                    return Err(crate::Error::Config(format!(
                        "{ENV_AK} is set but {ENV_SK} is not"
                    )));
                }
                (None, Some(_)) => {
                    return Err(crate::Error::Config(format!(
                        "{ENV_SK} is set but {ENV_AK} is not"
                    )));
                }
            },
        };
        let creds = match get(ENV_IAM_ENDPOINT) {
            Some(url) => creds.with_iam_endpoint(url),
            None => creds,
        };
        Ok(Some(match get(ENV_DOMAIN_ID) {
            Some(id) => creds.with_domain_id(id),
            None => creds,
        }))
    }

    /// Credentials from the environment, else from the profile file Huawei's SDKs read
    /// (`HUAWEICLOUD_SDK_CREDENTIALS_FILE`, default `~/.huaweicloud/credentials`, section `[global]`);
    /// `Ok(None)` when neither has any. [`Credentials::from_chain`] adds the instance metadata step.
    pub fn from_env_or_profile() -> Result<Option<Self>, crate::Error> {
        Self::from_env_or_profile_with(&|name| std::env::var(name).ok())
    }

    /// [`Credentials::from_env_or_profile`], reading variables (`HOME` included) through `lookup`.
    pub(crate) fn from_env_or_profile_with(
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, crate::Error> {
        if let Some(c) = Self::from_lookup(lookup)? {
            return Ok(Some(c));
        }
        let Some(path) = profile_path(lookup) else {
            return Ok(None);
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_profile(&text)
                .map_err(|e| crate::Error::Config(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(crate::Error::Config(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }

    /// Credentials from the text of a profile file in Huawei's INI format: the `[global]` section
    /// (global services such as OSM), else `[basic]`, with `idp_id` and `id_token_file` (a
    /// federated identity, which wins) or `ak`, `sk` and optional `security_token`; optional
    /// `domain_id` and `iam_endpoint`. `Ok(None)` when neither section has an AK or an `idp_id`.
    pub fn from_profile(text: &str) -> Result<Option<Self>, String> {
        let mut sections: std::collections::HashMap<
            String,
            std::collections::HashMap<String, String>,
        > = Default::default();
        let mut current = String::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                current = name.trim().to_ascii_lowercase();
                continue;
            }
            if let Some((k, v)) = line.split_once('=') {
                sections
                    .entry(current.clone())
                    .or_default()
                    .insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let Some(section) = ["global", "basic"].iter().find_map(|name| {
            sections
                .get(*name)
                .filter(|s| s.contains_key("ak") || s.contains_key("idp_id"))
        }) else {
            return Ok(None);
        };
        Self::from_lookup(|name| {
            let key = match name {
                ENV_AK => "ak",
                ENV_SK => "sk",
                ENV_SECURITY_TOKEN => "security_token",
                ENV_DOMAIN_ID => "domain_id",
                ENV_IAM_ENDPOINT => "iam_endpoint",
                ENV_IDP_ID => "idp_id",
                ENV_ID_TOKEN_FILE => "id_token_file",
                _ => return None,
            };
            section.get(key).cloned()
        })
        .map_err(|e| {
            e.to_string()
                .replace("HUAWEICLOUD_SDK_", "")
                .to_ascii_lowercase()
        })
    }

    /// The access key, for AK/SK credentials.
    pub fn access_key(&self) -> Option<&str> {
        match self {
            Credentials::AkSk(c) => Some(c.signer.access_key()),
            _ => None,
        }
    }

    /// The account (domain) id, for AK/SK and temporary keys that have one set.
    pub fn domain_id(&self) -> Option<&str> {
        self.settings()?.domain_id.as_deref()
    }
}

/// The profile file: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `$HOME/.huaweicloud/credentials`.
pub(crate) fn profile_path(lookup: &dyn Fn(&str) -> Option<String>) -> Option<std::path::PathBuf> {
    match lookup(ENV_CREDENTIALS_FILE).filter(|p| !p.is_empty()) {
        Some(p) => Some(std::path::PathBuf::from(p)),
        None => lookup("HOME").filter(|h| !h.is_empty()).map(|home| {
            std::path::Path::new(&home)
                .join(".huaweicloud")
                .join("credentials")
        }),
    }
}

/// AK/SK credentials, optionally temporary (with a security token).
#[derive(Clone)]
pub struct AkSkCredentials {
    pub(crate) signer: Signer,
    pub(crate) security_token: Option<SecretString>,
    pub(crate) settings: KeySettings,
}

impl fmt::Debug for AkSkCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AkSkCredentials")
            .field("access_key", &self.signer.access_key())
            .field("secret_key", &"[redacted]")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "[redacted]"),
            )
            .field("domain_id", &self.settings.domain_id)
            .field("iam_endpoint", &self.settings.iam_endpoint)
            .finish()
    }
}

/// An IAM password login (`POST {iam}/v3/auth/tokens`).
#[derive(Clone)]
pub struct PasswordLogin {
    pub(crate) user: String,
    pub(crate) password: SecretString,
    pub(crate) domain_name: String,
    pub(crate) scope: TokenScope,
}

impl fmt::Debug for PasswordLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordLogin")
            .field("user", &self.user)
            .field("password", &"[redacted]")
            .field("domain_name", &self.domain_name)
            .field("scope", &self.scope)
            .finish()
    }
}

/// What an IAM token is scoped to. Domain scope gives a token for global services such as OSM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenScope {
    /// The account, by name.
    DomainName(String),
    /// The account, by id.
    DomainId(String),
    /// A project, by id (as in the OSM docs' generic sample).
    ProjectId(String),
    /// A project, by name (a region id such as `cn-south-1`).
    ProjectName(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// The IAM endpoint credentials name.
    fn iam_endpoint(c: &Credentials) -> Option<&str> {
        c.settings()?.iam_endpoint.as_deref()
    }

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn reads_the_huawei_sdk_variables() {
        let c = Credentials::from_lookup(lookup(&[
            (ENV_AK, "AK1"),
            (ENV_SK, "SK1"),
            (ENV_DOMAIN_ID, "dom"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(c.access_key(), Some("AK1"));
        assert_eq!(c.domain_id(), Some("dom"));
        let Credentials::AkSk(ak) = &c else {
            panic!("AK/SK expected")
        };
        assert!(ak.security_token.is_none());

        let c = Credentials::from_lookup(lookup(&[
            (ENV_AK, "AK1"),
            (ENV_SK, "SK1"),
            (ENV_SECURITY_TOKEN, "tok"),
        ]))
        .unwrap()
        .unwrap();
        let Credentials::AkSk(ak) = &c else {
            panic!("AK/SK expected")
        };
        assert!(ak.security_token.is_some());
    }

    #[test]
    fn half_set_variables_are_a_clear_error() {
        let err = Credentials::from_lookup(lookup(&[(ENV_AK, "AK1")])).unwrap_err();
        assert!(err.to_string().contains(ENV_SK), "{err}");
        assert!(Credentials::from_lookup(lookup(&[])).unwrap().is_none());
    }

    #[test]
    fn reads_the_huawei_profile_format() {
        let text =
            "; comment\n[basic]\nak = B\nsk = b\n\n[global]\nak = G\nsk = g\ndomain_id = dom\n";
        let c = Credentials::from_profile(text).unwrap().unwrap();
        assert_eq!((c.access_key(), c.domain_id()), (Some("G"), Some("dom")));
        let c = Credentials::from_profile("[basic]\nak=B\nsk=b\nsecurity_token=t\n")
            .unwrap()
            .unwrap();
        let Credentials::AkSk(ak) = &c else {
            panic!("AK/SK expected")
        };
        assert!(ak.security_token.is_some());
        assert!(
            Credentials::from_profile("[global]\nak=G\n")
                .unwrap_err()
                .contains("sk")
        );
        assert!(Credentials::from_profile("").unwrap().is_none());
    }

    #[test]
    fn debug_redacts_every_secret() {
        let all = [
            Credentials::temporary("AK", "the-sk", "the-sec-token").with_domain_id("d"),
            Credentials::password("u", "the-password", "acct"),
            Credentials::token("the-token"),
            OidcSts::new("p", "a", "the-token").into(),
        ];
        for c in all {
            let s = format!("{c:?}");
            for secret in ["the-sk", "the-sec-token", "the-password", "the-token"] {
                assert!(!s.contains(secret), "{s}");
            }
        }
    }

    #[test]
    fn a_federated_identity_wins_over_ak_sk_in_the_environment_and_the_profile() {
        let c = Credentials::from_lookup(lookup(&[
            (ENV_AK, "AK1"),
            (ENV_SK, "SK1"),
            (ENV_IDP_ID, "idp"),
            (ENV_ID_TOKEN_FILE, "/run/token"),
            (ENV_IAM_ENDPOINT, "http://127.0.0.1:1"),
            (ENV_DOMAIN_ID, "dom"),
        ]))
        .unwrap()
        .unwrap();
        let Credentials::Federated(f) = &c else {
            panic!("federated expected: {c:?}")
        };
        assert_eq!(
            (f.idp_id.as_str(), f.id_token_file.to_str()),
            ("idp", Some("/run/token"))
        );
        assert_eq!(iam_endpoint(&c), Some("http://127.0.0.1:1"));
        assert_eq!(c.domain_id(), Some("dom"));
        let err = Credentials::from_lookup(lookup(&[(ENV_IDP_ID, "idp")])).unwrap_err();
        assert!(err.to_string().contains(ENV_ID_TOKEN_FILE), "{err}");

        let text =
            "[global]\nidp_id = idp\nid_token_file = /run/token\niam_endpoint = http://iam\n";
        let c = Credentials::from_profile(text).unwrap().unwrap();
        assert!(matches!(c, Credentials::Federated(_)), "{c:?}");
        assert_eq!(iam_endpoint(&c), Some("http://iam"));
        let c = Credentials::from_profile("[basic]\nak=B\nsk=b\niam_endpoint=http://iam\n")
            .unwrap()
            .unwrap();
        assert_eq!(iam_endpoint(&c), Some("http://iam"));
        let err = Credentials::from_profile("[global]\nidp_id = idp\n").unwrap_err();
        assert!(err.contains("id_token_file"), "{err}");
    }
}
