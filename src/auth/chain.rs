//! The credential provider chain, in the order of Huawei's SDKs: explicit credentials (given to
//! the builder) > environment variables > profile file > instance metadata. Unlike Huawei's SDKs,
//! the metadata step runs only when enabled (`HUAWEICLOUD_SDK_INSTANCE_METADATA=true`): a program
//! that is not on an ECS instance never sends anything to the metadata address.
//!
//! | step | variables |
//! |---|---|
//! | environment | `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_SECURITY_TOKEN`, `HUAWEICLOUD_SDK_DOMAIN_ID` |
//! | profile file | `HUAWEICLOUD_SDK_CREDENTIALS_FILE` (default `~/.huaweicloud/credentials`), section `[global]` (else `[basic]`) |
//! | instance metadata | `HUAWEICLOUD_SDK_INSTANCE_METADATA=true` (ours), `HUAWEICLOUD_SDK_METADATA_ENDPOINT` (ours) |

use super::credentials::{self, Credentials};
use crate::error::Error;

/// Environment variable enabling the instance metadata step of the chain (`true`/`false`; ours:
/// Huawei's SDKs have no such switch and always try the metadata service last).
pub const ENV_INSTANCE_METADATA: &str = "HUAWEICLOUD_SDK_INSTANCE_METADATA";
/// Environment variable replacing the metadata service URL (`http://169.254.169.254`; ours).
pub const ENV_METADATA_ENDPOINT: &str = "HUAWEICLOUD_SDK_METADATA_ENDPOINT";

impl Credentials {
    /// The first credentials of the chain: the environment, then the profile file, then (only
    /// when `HUAWEICLOUD_SDK_INSTANCE_METADATA=true`) the instance metadata service. `Ok(None)` when
    /// no step has any; an error when a step is misconfigured (half-set variables, an unreadable
    /// profile, an unknown value of the switch). Nothing is sent anywhere.
    pub fn from_chain() -> Result<Option<Self>, Error> {
        Self::from_chain_with(|name| std::env::var(name).ok())
    }

    /// [`Credentials::from_chain`], reading variables (`HOME` included) through `lookup`.
    pub fn from_chain_with(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        if let Some(found) = Self::from_env_or_profile_with(&lookup)? {
            return Ok(Some(found));
        }
        if !instance_metadata_enabled(&lookup)? {
            return Ok(None);
        }
        let found = Credentials::from_instance_metadata();
        Ok(Some(
            match lookup(credentials::ENV_DOMAIN_ID).filter(|v| !v.trim().is_empty()) {
                Some(id) => found.with_domain_id(id),
                None => found,
            },
        ))
    }

    /// What the chain looks at, for error messages.
    pub(crate) fn chain_description() -> String {
        format!(
            "pass `.credentials(..)`, set {} and {}, write a [global] section (ak, sk) in \
             ~/.huaweicloud/credentials (or the file {} names), or, on an ECS instance, set {}=true",
            credentials::ENV_AK,
            credentials::ENV_SK,
            credentials::ENV_CREDENTIALS_FILE,
            ENV_INSTANCE_METADATA
        )
    }
}

/// Whether the chain's instance metadata step is enabled.
fn instance_metadata_enabled(lookup: &dyn Fn(&str) -> Option<String>) -> Result<bool, Error> {
    let Some(value) = lookup(ENV_INSTANCE_METADATA) else {
        return Ok(false);
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" | "" => Ok(false),
        _ => Err(Error::Config(format!(
            "{ENV_INSTANCE_METADATA} must be `true` or `false`, not `{value}`"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn chain(vars: &[(&str, &str)]) -> Result<Option<Credentials>, Error> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Credentials::from_chain_with(move |k| map.get(k).cloned())
    }

    #[test]
    fn environment_wins_over_profile_and_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let profile = dir.path().join("credentials");
        std::fs::write(&profile, "[global]\nak = FILE\nsk = f\n").unwrap();
        let profile = profile.to_str().unwrap();
        let c = chain(&[
            (credentials::ENV_AK, "ENV"),
            (credentials::ENV_SK, "e"),
            (credentials::ENV_CREDENTIALS_FILE, profile),
            (ENV_INSTANCE_METADATA, "true"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(c.access_key(), Some("ENV"));

        let c = chain(&[
            (credentials::ENV_CREDENTIALS_FILE, profile),
            (ENV_INSTANCE_METADATA, "true"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(c.access_key(), Some("FILE"));
    }

    #[test]
    fn instance_metadata_only_when_enabled() {
        let home = tempfile::tempdir().unwrap(); // no .huaweicloud/credentials in it
        let home = home.path().to_str().unwrap();
        assert!(chain(&[("HOME", home)]).unwrap().is_none());
        assert!(
            chain(&[("HOME", home), (ENV_INSTANCE_METADATA, "false")])
                .unwrap()
                .is_none()
        );
        let c = chain(&[
            ("HOME", home),
            (ENV_INSTANCE_METADATA, "TRUE"),
            (credentials::ENV_DOMAIN_ID, "dom"),
        ])
        .unwrap()
        .unwrap();
        assert!(matches!(c, Credentials::InstanceMetadata(_)), "{c:?}");
        assert_eq!(c.domain_id(), Some("dom"));
        let err = chain(&[("HOME", home), (ENV_INSTANCE_METADATA, "maybe")]).unwrap_err();
        assert!(err.to_string().contains(ENV_INSTANCE_METADATA), "{err}");
    }
}
