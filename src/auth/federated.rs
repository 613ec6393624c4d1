//! Temporary keys for a federated identity's id token, from IAM, as Huawei's SDKs take them
//! (`idp_id` + `id_token_file`, `FederalAccessor`):
//!
//! 1. `POST {iam}/v3.0/OS-AUTH/id-token/tokens` with `X-Idp-Id` and
//!    `{"auth":{"id_token":{"id":<the file's content>}}}` answers an unscoped token in
//!    `X-Subject-Token`;
//! 2. `POST {iam}/v3.0/OS-CREDENTIAL/securitytokens` with
//!    `{"auth":{"identity":{"methods":["token"],"token":{"id":<token>,"duration_seconds":21600}}}}`
//!    answers `{"credential":{"access","secret","securitytoken","expires_at"}}`.
//!
//! The id token file is read again at every exchange. The IAM endpoint is the builder's, else the
//! credentials' (`iam_endpoint` of the profile file), else `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else
//! the global one.

use std::fmt;
use std::path::PathBuf;

use reqwest::header::{CONTENT_TYPE, HeaderValue, USER_AGENT};
use secrecy::ExposeSecret;
use serde_json::json;

use super::exchange;
use super::provider::{AccessKeys, KeySettings, ProvideCredentials, ProvideFuture};
use crate::error::{self, Error};

/// Environment variable of the identity provider's id (with [`ENV_ID_TOKEN_FILE`]).
pub const ENV_IDP_ID: &str = "HUAWEICLOUD_SDK_IDP_ID";
/// Environment variable naming the file of the id token (with [`ENV_IDP_ID`]).
pub const ENV_ID_TOKEN_FILE: &str = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";
/// Path of the unscoped token for an id token.
pub const ID_TOKEN_PATH: &str = "/v3.0/OS-AUTH/id-token/tokens";
/// Path of the temporary keys for a token.
pub const SECURITY_TOKENS_PATH: &str = "/v3.0/OS-CREDENTIAL/securitytokens";
/// Validity asked for (6 hours, as Huawei's SDKs).
pub const FEDERATED_DURATION_SECONDS: u32 = 6 * 3600;
/// Header naming the identity provider.
const IDP_HEADER: &str = "x-idp-id";
/// Header of IAM's answer carrying the token.
const SUBJECT_TOKEN_HEADER: &str = "x-subject-token";

/// A federated identity's id token exchanged for temporary keys through IAM
/// ([`crate::Credentials::Federated`]).
#[derive(Debug, Clone)]
pub struct FederatedIdentity {
    pub(crate) idp_id: String,
    pub(crate) id_token_file: PathBuf,
    pub(crate) settings: KeySettings,
}

impl FederatedIdentity {
    /// The id token in `id_token_file` (read at every exchange), of the identity provider `idp_id`.
    pub fn new(idp_id: impl Into<String>, id_token_file: impl Into<PathBuf>) -> Self {
        FederatedIdentity {
            idp_id: idp_id.into(),
            id_token_file: id_token_file.into(),
            settings: KeySettings::default(),
        }
    }
}

/// The exchange against one IAM endpoint.
pub(crate) struct FederatedSource {
    identity: FederatedIdentity,
    idp_header: HeaderValue,
    token_url: reqwest::Url,
    keys_url: reqwest::Url,
    http: reqwest::Client,
    user_agent: HeaderValue,
}

impl FederatedSource {
    /// Exchanges at `iam` (its base URL) through `http`.
    pub(crate) fn new(
        identity: FederatedIdentity,
        iam: &reqwest::Url,
        http: reqwest::Client,
        user_agent: HeaderValue,
    ) -> Result<Self, Error> {
        let idp_header = HeaderValue::from_str(&identity.idp_id).map_err(|_| {
            Error::Config(format!(
                "the identity provider id `{}` is not a valid header value",
                identity.idp_id
            ))
        })?;
        Ok(FederatedSource {
            idp_header,
            token_url: exchange::api_url(iam, &["v3.0", "OS-AUTH", "id-token", "tokens"])?,
            keys_url: exchange::api_url(iam, &["v3.0", "OS-CREDENTIAL", "securitytokens"])?,
            identity,
            http,
            user_agent,
        })
    }

    fn post(&self, url: &reqwest::Url, body: serde_json::Value) -> reqwest::RequestBuilder {
        self.http
            .post(url.clone())
            .header(CONTENT_TYPE, "application/json;charset=UTF-8")
            .header(USER_AGENT, self.user_agent.clone())
            .body(body.to_string())
    }

    async fn exchange(&self) -> Result<AccessKeys, Error> {
        let id_token =
            exchange::read_token_file(&self.identity.id_token_file, "federated id token file")
                .await?;
        let request = self
            .post(
                &self.token_url,
                json!({"auth": {"id_token": {"id": id_token.expose_secret()}}}),
            )
            .header(IDP_HEADER, self.idp_header.clone());
        let note = format!(
            "POST {} for the identity provider {}",
            self.token_url, self.identity.idp_id
        );
        let answer = exchange::send(request).await?.success(&note)?;
        let Some(token) =
            error::header_str(&answer.headers, SUBJECT_TOKEN_HEADER).filter(|t| !t.is_empty())
        else {
            return Err(answer.refusal(&format!("{note}: no X-Subject-Token in IAM's answer")));
        };
        let body = json!({"auth": {"identity": {
            "methods": ["token"],
            "token": {"id": token, "duration_seconds": FEDERATED_DURATION_SECONDS},
        }}});
        exchange::send(self.post(&self.keys_url, body))
            .await?
            .success(&format!("POST {}", self.keys_url))?
            .keys(&format!("IAM's answer to POST {}", self.keys_url))
    }
}

impl fmt::Debug for FederatedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Federated {{ {}, identity provider {} }}",
            self.token_url, self.identity.idp_id
        )
    }
}

impl ProvideCredentials for FederatedSource {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(self.exchange())
    }
}
