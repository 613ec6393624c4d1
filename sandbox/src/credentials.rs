//! The credentials a sandbox accepts, and the SDK credentials that sign as its account.

use crate::store::Who;

/// The credentials a sandbox accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxCredentials {
    /// Access key (AK).
    pub access_key: String,
    /// Secret key (SK).
    pub secret_key: String,
    /// Account (domain) id, expected in `X-Domain-Id`.
    pub domain_id: String,
    /// Account (domain) name, for IAM password logins.
    pub domain_name: String,
    /// IAM user name, for password logins.
    pub user: String,
    /// IAM user's password.
    pub password: String,
    /// IAM user id (shown as the creator of tickets).
    pub user_id: String,
}

impl SandboxCredentials {
    /// The SDK credentials that sign as this sandbox's account: its AK/SK, with its account id (so
    /// no IAM lookup is needed).
    pub fn ak_sk(&self) -> huaweicloud_osm::Credentials {
        huaweicloud_osm::Credentials::ak_sk(&self.access_key, &self.secret_key)
            .with_domain_id(&self.domain_id)
    }

    /// An OIDC identity provider URN of this account its STS accepts
    /// (`iam::{domain_id}:identityProvider:sandbox-oidc`).
    pub fn oidc_provider_urn(&self) -> String {
        format!("iam::{}:identityProvider:sandbox-oidc", self.domain_id)
    }

    /// An agency URN of this account its STS accepts (`iam::{domain_id}:agency:sandbox-agency`).
    pub fn oidc_agency_urn(&self) -> String {
        format!("iam::{}:agency:sandbox-agency", self.domain_id)
    }
}

impl Default for SandboxCredentials {
    fn default() -> Self {
        SandboxCredentials {
            access_key: "SANDBOXACCESSKEY0001".into(),
            secret_key: "sandbox-secret-key-0123456789abcdefghij".into(),
            domain_id: "0a1b2c3d4e5f60718293a4b5c6d7e8f9".into(),
            domain_name: "sandbox-account".into(),
            user: "sandbox-user".into(),
            password: "Sandbox-Passw0rd".into(),
            user_id: "8c2f5e1d0a9b4c7e9f3d2b1a0e6c5d4f".into(),
        }
    }
}

impl SandboxCredentials {
    /// The user requests are made as.
    pub(crate) fn who(&self) -> Who {
        Who {
            id: self.user_id.clone(),
            name: self.user.clone(),
        }
    }
}
