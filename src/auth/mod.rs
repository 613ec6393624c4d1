//! Authentication: credentials, the SDK-HMAC-SHA256 signer and IAM tokens.

pub mod credentials;
pub(crate) mod iam;
pub mod signer;
#[cfg(feature = "server")]
pub(crate) mod verify;

pub use credentials::{AkSkCredentials, Credentials, PasswordLogin, TokenScope};
pub use iam::{DEFAULT_IAM_ENDPOINT, DEFAULT_REFRESH_MARGIN};
pub use signer::{SignableRequest, Signature, Signer};
