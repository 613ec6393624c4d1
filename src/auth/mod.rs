//! Authentication: credentials and where they come from (the provider chain, the instance metadata
//! service), the account id lookup, the SDK-HMAC-SHA256 signer and IAM tokens.

pub mod chain;
pub mod credentials;
pub(crate) mod domain;
pub(crate) mod iam;
pub(crate) mod keys;
pub mod metadata;
pub mod signer;
#[cfg(feature = "server")]
pub(crate) mod verify;

pub use chain::{ENV_INSTANCE_METADATA, ENV_METADATA_ENDPOINT};
pub use credentials::{AkSkCredentials, Credentials, PasswordLogin, TokenScope};
pub use iam::{DEFAULT_IAM_ENDPOINT, DEFAULT_REFRESH_MARGIN};
pub use metadata::{DEFAULT_METADATA_ENDPOINT, DEFAULT_METADATA_REFRESH_MARGIN, InstanceMetadata};
pub use signer::{SignableRequest, Signature, Signer};
