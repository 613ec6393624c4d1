//! The credential provider chain, in the order of Huawei's SDKs (3.1.219): explicit credentials
//! (given to the builder) > OIDC STS > environment variables > profile file > instance metadata >
//! CCE pod identity. A step is taken only when its variables are set; unlike Huawei's SDKs, the
//! metadata step runs only when enabled (`HUAWEICLOUD_SDK_INSTANCE_METADATA=true`): a program that
//! is not on an ECS instance never sends anything to the metadata address.
//!
//! | step | variables |
//! |---|---|
//! | OIDC STS | `HUAWEICLOUD_OIDC_PROVIDER_URN`, `HUAWEICLOUD_OIDC_AGENCY_URN`, `HUAWEICLOUD_OIDC_ID_TOKEN` or `HUAWEICLOUD_OIDC_TOKEN_FILE`; optional `HUAWEICLOUD_OIDC_SESSION_NAME`, `HUAWEICLOUD_OIDC_DURATION_SECONDS`, `HUAWEICLOUD_OIDC_POLICY`, `HUAWEICLOUD_OIDC_POLICY_IDS`, `HUAWEICLOUD_SDK_STS_ENDPOINT` |
//! | environment | `HUAWEICLOUD_SDK_IDP_ID` and `HUAWEICLOUD_SDK_ID_TOKEN_FILE` (federated identity), else `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_SECURITY_TOKEN` |
//! | profile file | `HUAWEICLOUD_SDK_CREDENTIALS_FILE` (default `~/.huaweicloud/credentials`), section `[global]` (else `[basic]`): `idp_id` and `id_token_file`, else `ak`, `sk`, `security_token`; `domain_id`, `iam_endpoint` |
//! | instance metadata | `HUAWEICLOUD_SDK_INSTANCE_METADATA=true` (ours), `HUAWEICLOUD_SDK_METADATA_ENDPOINT` (ours) |
//! | pod identity | `HC_CONTAINER_CREDENTIALS_FULL_URI`, `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE` |
//!
//! Every step takes the account id from `HUAWEICLOUD_SDK_DOMAIN_ID` (OIDC also from its agency URN;
//! the profile file from its `domain_id`) and the IAM endpoint of its lookup from
//! `HUAWEICLOUD_SDK_IAM_ENDPOINT` (the profile file from its `iam_endpoint`).

use super::credentials::{self, Credentials};
use super::federated::{ENV_ID_TOKEN_FILE, ENV_IDP_ID};
use super::oidc::{self, OidcSts};
use super::pod_identity::{self, PodIdentity};
use crate::error::Error;

/// Environment variable enabling the instance metadata step of the chain (`true`/`false`; ours:
/// Huawei's SDKs have no such switch and always try the metadata service last).
pub const ENV_INSTANCE_METADATA: &str = "HUAWEICLOUD_SDK_INSTANCE_METADATA";
pub use super::metadata::ENV_METADATA_ENDPOINT;

impl Credentials {
    /// The first credentials of the chain: OIDC STS, the environment, the profile file, the
    /// instance metadata service (only when `HUAWEICLOUD_SDK_INSTANCE_METADATA=true`), CCE pod
    /// identity. `Ok(None)` when no step has any; an error when a step is misconfigured (half-set
    /// variables, an unreadable profile, an unknown value of the switch). Nothing is sent anywhere.
    pub fn from_chain() -> Result<Option<Self>, Error> {
        Self::from_chain_with(|name| std::env::var(name).ok())
    }

    /// [`Credentials::from_chain`], reading variables (`HOME` included) through `lookup`.
    pub fn from_chain_with(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        Self::chain(&lookup, true)
    }

    /// The credentials the environment variables name: the chain without its profile file step
    /// (OIDC STS, `HUAWEICLOUD_SDK_IDP_ID`/`_ID_TOKEN_FILE` or `HUAWEICLOUD_SDK_AK`/`_SK`, instance
    /// metadata when enabled, pod identity). `Ok(None)` when they name none.
    pub fn from_env() -> Result<Option<Self>, Error> {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// [`Credentials::from_env`], reading variables through `lookup`.
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        Self::chain(&lookup, false)
    }

    fn chain(
        lookup: &dyn Fn(&str) -> Option<String>,
        profile: bool,
    ) -> Result<Option<Self>, Error> {
        // The account id and the IAM endpoint of its lookup, for the steps that do not read them.
        let account = |mut found: Credentials| {
            let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
            if let Some(id) = get(credentials::ENV_DOMAIN_ID) {
                found = found.with_domain_id(id);
            }
            if let Some(url) = get(credentials::ENV_IAM_ENDPOINT) {
                found = found.with_iam_endpoint(url);
            }
            found
        };
        if let Some(oidc) = OidcSts::from_lookup(lookup)? {
            return Ok(Some(account(oidc.into())));
        }
        let found = if profile {
            Self::from_env_or_profile_with(lookup)?
        } else {
            Self::from_lookup(lookup)?
        };
        if found.is_some() {
            return Ok(found);
        }
        if instance_metadata_enabled(lookup)? {
            return Ok(Some(account(Credentials::from_instance_metadata())));
        }
        Ok(PodIdentity::from_lookup(lookup)?.map(|pod| account(pod.into())))
    }

    /// What the chain looks at, for error messages.
    pub(crate) fn chain_description() -> String {
        format!(
            "pass `.credentials(..)`; or set {} and {} with {} or {} (OIDC); or {} and {}; or {} \
             and {} (federated identity); or write a [global] section (ak, sk) in \
             ~/.huaweicloud/credentials (or the file {} names); or, on an ECS instance, set {}=true; \
             or, in a CCE pod, set {} and {}",
            oidc::ENV_OIDC_PROVIDER_URN,
            oidc::ENV_OIDC_AGENCY_URN,
            oidc::ENV_OIDC_ID_TOKEN,
            oidc::ENV_OIDC_TOKEN_FILE,
            credentials::ENV_AK,
            credentials::ENV_SK,
            ENV_IDP_ID,
            ENV_ID_TOKEN_FILE,
            credentials::ENV_CREDENTIALS_FILE,
            ENV_INSTANCE_METADATA,
            pod_identity::ENV_CONTAINER_CREDENTIALS_FULL_URI,
            pod_identity::ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
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
        let dir = crate::test_support::tempdir().unwrap();
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
        let home = crate::test_support::tempdir().unwrap(); // no .huaweicloud/credentials in it
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

    #[test]
    fn oidc_comes_first_and_pod_identity_last() {
        let home = crate::test_support::tempdir().unwrap(); // no .huaweicloud/credentials in it
        let home = home.path().to_str().unwrap();
        let oidc = [
            (oidc::ENV_OIDC_PROVIDER_URN, "iam::acct:identityProvider:p"),
            (oidc::ENV_OIDC_AGENCY_URN, "iam::acct:agency:a"),
            (oidc::ENV_OIDC_TOKEN_FILE, "/run/oidc"),
        ];
        let pod = [
            (
                pod_identity::ENV_CONTAINER_CREDENTIALS_FULL_URI,
                "http://127.0.0.1:1/c",
            ),
            (
                pod_identity::ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
                "/run/pod",
            ),
        ];
        let ak_sk = [(credentials::ENV_AK, "AK"), (credentials::ENV_SK, "SK")];
        let everything: Vec<_> = [("HOME", home), (ENV_INSTANCE_METADATA, "true")]
            .into_iter()
            .chain(oidc)
            .chain(pod)
            .chain(ak_sk)
            .collect();
        let c = chain(&everything).unwrap().unwrap();
        assert!(matches!(c, Credentials::OidcSts(_)), "{c:?}");
        assert_eq!(
            c.domain_id(),
            None,
            "the agency URN's account is taken when building"
        );

        let c = chain(
            &everything[..2]
                .iter()
                .copied()
                .chain(pod)
                .chain(ak_sk)
                .collect::<Vec<_>>(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.access_key(), Some("AK"));
        let c = chain(
            &everything[..2]
                .iter()
                .copied()
                .chain(pod)
                .collect::<Vec<_>>(),
        )
        .unwrap()
        .unwrap();
        assert!(matches!(c, Credentials::InstanceMetadata(_)), "{c:?}");
        let with_account: Vec<_> = [
            ("HOME", home),
            (credentials::ENV_DOMAIN_ID, "dom"),
            (credentials::ENV_IAM_ENDPOINT, "http://127.0.0.1:2"),
        ]
        .into_iter()
        .chain(pod)
        .collect();
        let c = chain(&with_account).unwrap().unwrap();
        assert!(matches!(c, Credentials::PodIdentity(_)), "{c:?}");
        assert_eq!(c.domain_id(), Some("dom"));
        assert_eq!(
            c.settings().unwrap().iam_endpoint.as_deref(),
            Some("http://127.0.0.1:2")
        );
    }

    #[test]
    fn from_env_is_the_chain_without_the_profile_file() {
        let dir = crate::test_support::tempdir().unwrap();
        let profile = dir.path().join("credentials");
        std::fs::write(&profile, "[global]\nak = FILE\nsk = f\n").unwrap();
        let profile = profile.to_str().unwrap();
        let lookup = |vars: Vec<(&'static str, String)>| {
            move |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
        };
        let file = vec![(credentials::ENV_CREDENTIALS_FILE, profile.to_string())];
        assert!(
            Credentials::from_env_with(lookup(file.clone()))
                .unwrap()
                .is_none()
        );
        let c = Credentials::from_chain_with(lookup(file.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(c.access_key(), Some("FILE"));
        let mut with_pod = file;
        with_pod.push((
            pod_identity::ENV_CONTAINER_CREDENTIALS_FULL_URI,
            "http://x".into(),
        ));
        with_pod.push((
            pod_identity::ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
            "/t".into(),
        ));
        let c = Credentials::from_env_with(lookup(with_pod))
            .unwrap()
            .unwrap();
        assert!(matches!(c, Credentials::PodIdentity(_)), "{c:?}");
    }
}
