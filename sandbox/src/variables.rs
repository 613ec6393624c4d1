//! The environment variables, with Huawei's names, that make a client (this SDK, the `osm` tool,
//! Huawei's own SDKs) take temporary keys from a sandbox's exchanges.

use std::path::Path;

use huaweicloud_osm::auth::{credentials, federated, oidc, pod_identity};

use crate::Sandbox;

/// One of the sandbox's exchanges of a token for temporary keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exchange {
    /// STS's `assume-with-oidc`, for an OIDC id token.
    OidcSts,
    /// IAM's federated identity calls, for an identity provider's id token.
    Federated,
    /// The CCE pod identity agent, for a pod's service account token.
    PodIdentity,
}

impl Exchange {
    /// All three.
    pub const ALL: [Exchange; 3] = [
        Exchange::OidcSts,
        Exchange::Federated,
        Exchange::PodIdentity,
    ];
}

impl Sandbox {
    /// Writes a token for `exchange` in `dir` and returns the variables that name it and this
    /// sandbox's exchange, and nothing else (not the OSM endpoint):
    ///
    /// * OIDC: `HUAWEICLOUD_OIDC_PROVIDER_URN`, `HUAWEICLOUD_OIDC_AGENCY_URN` (of this account),
    ///   `HUAWEICLOUD_OIDC_TOKEN_FILE`, `HUAWEICLOUD_SDK_STS_ENDPOINT`;
    /// * federated: `HUAWEICLOUD_SDK_IDP_ID`, `HUAWEICLOUD_SDK_ID_TOKEN_FILE`,
    ///   `HUAWEICLOUD_SDK_IAM_ENDPOINT` (also where the account id is looked up);
    /// * pod identity: `HC_CONTAINER_CREDENTIALS_FULL_URI`,
    ///   `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE`, and `HUAWEICLOUD_SDK_IAM_ENDPOINT` for the account
    ///   id lookup (a pod names no account).
    pub fn credential_variables(
        &self,
        exchange: Exchange,
        dir: &Path,
    ) -> std::io::Result<Vec<(&'static str, String)>> {
        let file = dir.join(format!("{exchange:?}-token").to_lowercase());
        std::fs::write(&file, format!("sandbox-{exchange:?}-token\n"))?;
        let file = file.to_string_lossy().into_owned();
        let c = self.credentials();
        Ok(match exchange {
            Exchange::OidcSts => vec![
                (oidc::ENV_OIDC_PROVIDER_URN, c.oidc_provider_urn()),
                (oidc::ENV_OIDC_AGENCY_URN, c.oidc_agency_urn()),
                (oidc::ENV_OIDC_TOKEN_FILE, file),
                (oidc::ENV_STS_ENDPOINT, self.url()),
            ],
            Exchange::Federated => vec![
                (federated::ENV_IDP_ID, "sandbox-idp".to_string()),
                (federated::ENV_ID_TOKEN_FILE, file),
                (credentials::ENV_IAM_ENDPOINT, self.url()),
            ],
            Exchange::PodIdentity => vec![
                (
                    pod_identity::ENV_CONTAINER_CREDENTIALS_FULL_URI,
                    self.pod_identity_uri(),
                ),
                (pod_identity::ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE, file),
                (credentials::ENV_IAM_ENDPOINT, self.url()),
            ],
        })
    }
}
