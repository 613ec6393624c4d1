//! Authentication: credentials and where they come from (the provider chain, OIDC STS, federated
//! identity, CCE pod identity, the instance metadata service, providers of yours), the account id
//! lookup, the SDK-HMAC-SHA256 signer and IAM tokens.
//!
//! Modules depend downward only: `chain` → `credentials` → the sources (`oidc`, `federated`,
//! `pod_identity`, `metadata`) → `exchange` → `provider`; `keys` keeps and refreshes the keys of
//! any [`provider::ProvideCredentials`].

pub mod chain;
pub mod credentials;
pub(crate) mod domain;
pub(crate) mod exchange;
pub mod federated;
pub(crate) mod iam;
pub(crate) mod keys;
pub mod metadata;
pub mod oidc;
pub mod pod_identity;
pub mod provider;
pub mod signer;

pub use chain::{ENV_INSTANCE_METADATA, ENV_METADATA_ENDPOINT};
pub use credentials::{AkSkCredentials, Credentials, PasswordLogin, TokenScope};
pub use federated::FederatedIdentity;
pub use iam::{DEFAULT_IAM_ENDPOINT, DEFAULT_REFRESH_MARGIN};
pub use metadata::{DEFAULT_METADATA_ENDPOINT, DEFAULT_METADATA_REFRESH_MARGIN, InstanceMetadata};
pub use oidc::OidcSts;
pub use pod_identity::PodIdentity;
pub use provider::{AccessKeys, ProvideCredentials, ProvideFuture};
pub use signer::{SignableRequest, Signature, Signer};
