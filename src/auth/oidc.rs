//! Temporary keys for an OIDC id token (a Kubernetes service account's, a CI job's), from STS, as
//! Huawei's SDKs take them (`OidcStsCredentialProvider`):
//! `POST {sts}/v5/agencies/assume-with-oidc`, unsigned, with
//! `{"provider_urn", "agency_urn", "agency_session_name", "id_token", "duration_seconds"}` (and
//! `policy`, `policy_ids` when given), answering
//! `{"credentials":{"access_key_id","secret_access_key","security_token","expiration"}}`.
//!
//! The STS endpoint is the one set ([`OidcSts::with_sts_endpoint`]), else
//! `HUAWEICLOUD_SDK_STS_ENDPOINT`, else the one of the client's region in Huawei's table
//! ([`sts_endpoint_of_region`]), else [`DEFAULT_STS_ENDPOINT`]. An id token file is read again at
//! every exchange (Kubernetes rotates projected tokens). The account id is the one of the agency
//! URN (`iam::{account_id}:agency:{name}`) unless one is given, so no IAM lookup is needed.

use std::fmt;
use std::path::PathBuf;

use reqwest::header::{CONTENT_TYPE, HeaderValue, USER_AGENT};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::exchange;
use super::provider::{KeySettings, ProvideCredentials, ProvideFuture};
use crate::error::Error;

/// Environment variable of the identity provider's URN
/// (`iam::{account_id}:identityProvider:{name}`).
pub const ENV_OIDC_PROVIDER_URN: &str = "HUAWEICLOUD_OIDC_PROVIDER_URN";
/// Environment variable of the agency's URN (`iam::{account_id}:agency:{name}`).
pub const ENV_OIDC_AGENCY_URN: &str = "HUAWEICLOUD_OIDC_AGENCY_URN";
/// Environment variable of the id token itself (wins over [`ENV_OIDC_TOKEN_FILE`]).
pub const ENV_OIDC_ID_TOKEN: &str = "HUAWEICLOUD_OIDC_ID_TOKEN";
/// Environment variable naming the file of the id token.
pub const ENV_OIDC_TOKEN_FILE: &str = "HUAWEICLOUD_OIDC_TOKEN_FILE";
/// Environment variable of the session name (default [`DEFAULT_SESSION_NAME`]).
pub const ENV_OIDC_SESSION_NAME: &str = "HUAWEICLOUD_OIDC_SESSION_NAME";
/// Environment variable of the keys' validity in seconds (default [`DEFAULT_DURATION_SECONDS`]).
pub const ENV_OIDC_DURATION_SECONDS: &str = "HUAWEICLOUD_OIDC_DURATION_SECONDS";
/// Environment variable of a session policy (a JSON policy document).
pub const ENV_OIDC_POLICY: &str = "HUAWEICLOUD_OIDC_POLICY";
/// Environment variable of session policy ids, separated by commas.
pub const ENV_OIDC_POLICY_IDS: &str = "HUAWEICLOUD_OIDC_POLICY_IDS";
/// Environment variable of the STS endpoint.
pub const ENV_STS_ENDPOINT: &str = "HUAWEICLOUD_SDK_STS_ENDPOINT";
/// STS endpoint of a region that is not in Huawei's table.
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.cn-north-4.myhuaweicloud.com";
/// Path of the exchange.
pub const ASSUME_WITH_OIDC_PATH: &str = "/v5/agencies/assume-with-oidc";
/// Session name when none is given.
pub const DEFAULT_SESSION_NAME: &str = "oidc-sts-session";
/// Validity asked for when none is given (one hour).
pub const DEFAULT_DURATION_SECONDS: u32 = 3600;

/// The regions of Huawei's STS endpoint table (`https://sts.{region}.myhuaweicloud.com`).
const STS_REGIONS: [&str; 12] = [
    "cn-north-4",
    "cn-south-1",
    "cn-east-3",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "ap-southeast-2",
    "sa-brazil-1",
    "la-south-2",
    "af-south-1",
    "ap-southeast-4",
    "tr-west-1",
];

/// The STS endpoint of a region in Huawei's table, e.g.
/// `https://sts.ap-southeast-3.myhuaweicloud.com`.
pub fn sts_endpoint_of_region(region: &str) -> Option<String> {
    STS_REGIONS
        .contains(&region)
        .then(|| format!("https://sts.{region}.myhuaweicloud.com"))
}

/// The id token exchanged: given, or read from a file at every exchange.
#[derive(Clone)]
pub(crate) enum IdToken {
    Value(SecretString),
    File(PathBuf),
}

/// An OIDC id token exchanged for temporary keys through STS
/// ([`crate::Credentials::OidcSts`]). `Debug` never shows the id token.
#[derive(Clone)]
pub struct OidcSts {
    pub(crate) provider_urn: String,
    pub(crate) agency_urn: String,
    pub(crate) id_token: IdToken,
    pub(crate) session_name: String,
    pub(crate) duration_seconds: u32,
    pub(crate) policy: Option<String>,
    pub(crate) policy_ids: Vec<String>,
    pub(crate) sts_endpoint: Option<String>,
    pub(crate) settings: KeySettings,
}

impl OidcSts {
    /// Exchanges `id_token` for keys of the agency `agency_urn` trusting the identity provider
    /// `provider_urn`.
    pub fn new(
        provider_urn: impl Into<String>,
        agency_urn: impl Into<String>,
        id_token: impl Into<String>,
    ) -> Self {
        OidcSts::with(
            provider_urn.into(),
            agency_urn.into(),
            IdToken::Value(SecretString::from(id_token.into())),
        )
    }

    /// Like [`OidcSts::new`], the id token read from `file` at every exchange.
    pub fn with_token_file(
        provider_urn: impl Into<String>,
        agency_urn: impl Into<String>,
        file: impl Into<PathBuf>,
    ) -> Self {
        OidcSts::with(
            provider_urn.into(),
            agency_urn.into(),
            IdToken::File(file.into()),
        )
    }

    fn with(provider_urn: String, agency_urn: String, id_token: IdToken) -> Self {
        OidcSts {
            provider_urn,
            agency_urn,
            id_token,
            session_name: DEFAULT_SESSION_NAME.into(),
            duration_seconds: DEFAULT_DURATION_SECONDS,
            policy: None,
            policy_ids: Vec::new(),
            sts_endpoint: None,
            settings: KeySettings::default(),
        }
    }

    /// The session name (default [`DEFAULT_SESSION_NAME`]).
    pub fn with_session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = name.into();
        self
    }

    /// The validity asked for, in seconds (default 3600; STS takes 900 to 43200).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = seconds;
        self
    }

    /// A session policy (a JSON policy document) limiting the keys further.
    pub fn with_policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// Session policies, by id, limiting the keys further.
    pub fn with_policy_ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.policy_ids = ids.into_iter().map(Into::into).collect();
        self
    }

    /// The STS endpoint (wins over `HUAWEICLOUD_SDK_STS_ENDPOINT` and the region's).
    pub fn with_sts_endpoint(mut self, url: impl Into<String>) -> Self {
        self.sts_endpoint = Some(url.into());
        self
    }

    /// The account of the agency URN `iam::{account_id}:agency:{name}`, if it is one.
    pub(crate) fn agency_account(&self) -> Option<&str> {
        match self.agency_urn.split(':').collect::<Vec<_>>().as_slice() {
            ["iam", "", account, "agency", name] if !account.is_empty() && !name.is_empty() => {
                Some(account)
            }
            _ => None,
        }
    }

    /// The STS endpoint: the one set, else [`ENV_STS_ENDPOINT`] (through `lookup`), else the
    /// region's, else [`DEFAULT_STS_ENDPOINT`].
    pub(crate) fn endpoint(
        &self,
        region: Option<&str>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> String {
        self.sts_endpoint
            .clone()
            .or_else(|| lookup(ENV_STS_ENDPOINT).filter(|v| !v.trim().is_empty()))
            .or_else(|| region.and_then(sts_endpoint_of_region))
            .unwrap_or_else(|| DEFAULT_STS_ENDPOINT.to_string())
    }

    /// The OIDC settings of the environment (read through `lookup`): `Ok(None)` when none of the
    /// provider URN, agency URN, id token and id token file is set, an error when some are but
    /// not all that are needed, or a value is not usable.
    pub(crate) fn from_lookup(
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let (provider, agency, token, file) = (
            get(ENV_OIDC_PROVIDER_URN),
            get(ENV_OIDC_AGENCY_URN),
            get(ENV_OIDC_ID_TOKEN),
            get(ENV_OIDC_TOKEN_FILE),
        );
        if provider.is_none() && agency.is_none() && token.is_none() && file.is_none() {
            return Ok(None);
        }
        let missing = |what: &str| {
            Error::Config(format!(
                "{what} is not set: OIDC credentials need {ENV_OIDC_PROVIDER_URN}, \
                 {ENV_OIDC_AGENCY_URN}, and {ENV_OIDC_ID_TOKEN} or {ENV_OIDC_TOKEN_FILE}"
            ))
        };
        let provider = provider.ok_or_else(|| missing(ENV_OIDC_PROVIDER_URN))?;
        let agency = agency.ok_or_else(|| missing(ENV_OIDC_AGENCY_URN))?;
        let id_token = match (token, file) {
            (Some(token), _) => IdToken::Value(SecretString::from(token)),
            (None, Some(file)) => IdToken::File(file.into()),
            (None, None) => {
                return Err(missing(&format!(
                    "neither {ENV_OIDC_ID_TOKEN} nor {ENV_OIDC_TOKEN_FILE}"
                )));
            }
        };
        let mut oidc = OidcSts::with(provider.trim().into(), agency.trim().into(), id_token);
        if let Some(name) = get(ENV_OIDC_SESSION_NAME) {
            oidc.session_name = name;
        }
        if let Some(seconds) = get(ENV_OIDC_DURATION_SECONDS) {
            oidc.duration_seconds = seconds.trim().parse().map_err(|_| {
                Error::Config(format!(
                    "{ENV_OIDC_DURATION_SECONDS} must be a number of seconds, not `{seconds}`"
                ))
            })?;
        }
        oidc.policy = get(ENV_OIDC_POLICY);
        if let Some(ids) = get(ENV_OIDC_POLICY_IDS) {
            oidc.policy_ids = ids
                .split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect();
        }
        oidc.sts_endpoint = get(ENV_STS_ENDPOINT);
        Ok(Some(oidc))
    }
}

impl fmt::Debug for OidcSts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id_token = match &self.id_token {
            IdToken::Value(_) => "[redacted]".to_string(),
            IdToken::File(file) => format!("file {}", file.display()),
        };
        f.debug_struct("OidcSts")
            .field("provider_urn", &self.provider_urn)
            .field("agency_urn", &self.agency_urn)
            .field("id_token", &id_token)
            .field("session_name", &self.session_name)
            .field("duration_seconds", &self.duration_seconds)
            .field("policy", &self.policy.as_ref().map(|_| "[set]"))
            .field("policy_ids", &self.policy_ids)
            .field("sts_endpoint", &self.sts_endpoint)
            .field("settings", &self.settings)
            .finish()
    }
}

/// The exchange against one STS endpoint.
pub(crate) struct OidcStsSource {
    oidc: OidcSts,
    url: reqwest::Url,
    http: reqwest::Client,
    user_agent: HeaderValue,
}

impl OidcStsSource {
    /// Exchanges at `sts` (its base URL) through `http`.
    pub(crate) fn new(
        oidc: OidcSts,
        sts: &reqwest::Url,
        http: reqwest::Client,
        user_agent: HeaderValue,
    ) -> Result<Self, Error> {
        let url = exchange::api_url(sts, &["v5", "agencies", "assume-with-oidc"])?;
        Ok(OidcStsSource {
            oidc,
            url,
            http,
            user_agent,
        })
    }

    async fn exchange(&self) -> Result<super::provider::AccessKeys, Error> {
        let o = &self.oidc;
        let id_token = match &o.id_token {
            IdToken::Value(token) => token.clone(),
            IdToken::File(file) => exchange::read_token_file(file, "OIDC id token file").await?,
        };
        let mut body = json!({
            "provider_urn": o.provider_urn,
            "agency_urn": o.agency_urn,
            "agency_session_name": o.session_name,
            "id_token": id_token.expose_secret(),
            "duration_seconds": o.duration_seconds,
        });
        if let Some(policy) = &o.policy {
            body["policy"] = json!(policy);
        }
        if !o.policy_ids.is_empty() {
            body["policy_ids"] = json!(o.policy_ids);
        }
        let request = self
            .http
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json;charset=UTF-8")
            .header(USER_AGENT, self.user_agent.clone())
            .body(body.to_string());
        let note = format!("POST {} for the agency {}", self.url, o.agency_urn);
        exchange::send(request)
            .await?
            .success(&note)?
            .keys(&format!("STS's answer to POST {}", self.url))
    }
}

impl fmt::Debug for OidcStsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "OidcSts {{ {}, agency {} }}",
            self.url, self.oidc.agency_urn
        )
    }
}

impl ProvideCredentials for OidcStsSource {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.exchange())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<Option<OidcSts>, Error> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        OidcSts::from_lookup(&move |k| map.get(k).cloned())
    }

    const URNS: [(&str, &str); 2] = [
        (ENV_OIDC_PROVIDER_URN, "iam::acct:identityProvider:gh"),
        (ENV_OIDC_AGENCY_URN, "iam::acct:agency:deploy"),
    ];

    #[test]
    fn reads_huaweis_variables() {
        assert!(from(&[]).unwrap().is_none());
        assert!(from(&[(ENV_OIDC_SESSION_NAME, "s")]).unwrap().is_none());
        let mut vars = URNS.to_vec();
        vars.extend([
            (ENV_OIDC_ID_TOKEN, "the-id-token"),
            (ENV_OIDC_TOKEN_FILE, "/ignored"),
            (ENV_OIDC_DURATION_SECONDS, " 900 "),
            (ENV_OIDC_POLICY_IDS, "a, b,,c"),
            (ENV_STS_ENDPOINT, "http://127.0.0.1:1"),
        ]);
        let o = from(&vars).unwrap().unwrap();
        assert!(matches!(o.id_token, IdToken::Value(_)));
        assert_eq!(o.duration_seconds, 900);
        assert_eq!(o.policy_ids, ["a", "b", "c"]);
        assert_eq!(o.session_name, DEFAULT_SESSION_NAME);
        assert_eq!(o.agency_account(), Some("acct"));
        assert_eq!(
            o.endpoint(Some("cn-south-1"), |_| None),
            "http://127.0.0.1:1"
        );
        let shown = format!("{o:?}");
        assert!(!shown.contains("the-id-token"), "{shown}");
    }

    #[test]
    fn half_set_or_bad_variables_are_clear_errors() {
        let err = from(&[URNS[0]]).unwrap_err().to_string();
        assert!(err.contains(ENV_OIDC_AGENCY_URN), "{err}");
        let err = from(&URNS).unwrap_err().to_string();
        assert!(err.contains(ENV_OIDC_TOKEN_FILE), "{err}");
        let err = from(&[(ENV_OIDC_TOKEN_FILE, "/t")])
            .unwrap_err()
            .to_string();
        assert!(err.contains(ENV_OIDC_PROVIDER_URN), "{err}");
        let mut vars = URNS.to_vec();
        vars.extend([(ENV_OIDC_ID_TOKEN, "t"), (ENV_OIDC_DURATION_SECONDS, "1h")]);
        let err = from(&vars).unwrap_err().to_string();
        assert!(err.contains(ENV_OIDC_DURATION_SECONDS), "{err}");
    }

    #[test]
    fn sts_endpoint_comes_from_the_setting_the_environment_the_region_or_the_default() {
        let o = OidcSts::new("p", "a", "t");
        assert_eq!(o.agency_account(), None);
        assert_eq!(
            o.endpoint(Some("ap-southeast-3"), |_| None),
            "https://sts.ap-southeast-3.myhuaweicloud.com"
        );
        assert_eq!(
            o.endpoint(Some("eu-west-101"), |_| None),
            DEFAULT_STS_ENDPOINT
        );
        assert_eq!(o.endpoint(None, |_| None), DEFAULT_STS_ENDPOINT);
        let env = |name: &str| (name == ENV_STS_ENDPOINT).then(|| "http://env".to_string());
        assert_eq!(o.endpoint(Some("cn-south-1"), env), "http://env");
        let o = o.with_sts_endpoint("http://set");
        assert_eq!(o.endpoint(Some("cn-south-1"), env), "http://set");
    }
}
