//! The account (domain) id sent as `X-Domain-Id` with AK/SK credentials (OSM is a global
//! service): the one given, or looked up once per client through IAM, as Huawei's SDKs do:
//! `GET {iam}/v3/auth/domains`, signed with the same keys (and security token) but without
//! `X-Domain-Id`, answering `{"domains":[{"id":..,"name":..,"enabled":..}]}`.
//!
//! The lookup runs on the first call that needs it, not when the client is built (building stays
//! offline). Concurrent first calls wait for one lookup. A failed lookup is not remembered: the
//! next call tries again (a call that was waiting for it included).

use reqwest::header::{HeaderValue, USER_AGENT};
use tokio::sync::OnceCell;

use super::exchange::Answer;
use super::keys::SigningKeys;
use super::signer::DecodedUrl;
use crate::clock::{self, Clock};
use crate::error::{Error, RequestLine};

/// What to do when the account id cannot be looked up.
pub(crate) const DOMAIN_ID_HINT: &str = "set the account (domain) id with \
    `Credentials::with_domain_id(..)`, `ClientBuilder::domain_id(..)` or HUAWEICLOUD_SDK_DOMAIN_ID";

/// The account id of AK/SK requests.
pub(crate) enum DomainId {
    /// Given by the user (or the environment).
    Known(HeaderValue),
    /// Looked up through IAM on first use.
    Lookup(Box<DomainLookup>),
}

/// A lookup of the account id through IAM, and its result once found.
pub(crate) struct DomainLookup {
    url: reqwest::Url,
    http: reqwest::Client,
    user_agent: HeaderValue,
    found: OnceCell<HeaderValue>,
}

impl DomainLookup {
    /// A lookup against the IAM endpoint `iam` (e.g. `https://iam.myhuaweicloud.com`).
    pub(crate) fn new(
        iam: &reqwest::Url,
        http: reqwest::Client,
        user_agent: HeaderValue,
    ) -> Result<Self, Error> {
        Ok(DomainLookup {
            url: super::exchange::api_url(iam, &["v3", "auth", "domains"])?,
            http,
            user_agent,
            found: OnceCell::new(),
        })
    }

    async fn look_up(&self, keys: &SigningKeys, clock: &Clock) -> Result<HeaderValue, Error> {
        let mut request = reqwest::Request::new(reqwest::Method::GET, self.url.clone());
        request
            .headers_mut()
            .insert(USER_AGENT, self.user_agent.clone());
        let url = DecodedUrl::of(request.url());
        keys.sign(&mut request, &url, &clock::sdk_date(clock.now()))
            .map_err(|e| Error::InvalidRequest(format!("cannot sign the account lookup: {e}")))?;
        let line = RequestLine::of(&request);
        let sent = |e: reqwest::Error| Error::reqwest(e, Some(line.clone()));
        let response = self.http.execute(request).await.map_err(sent)?;
        let answer = Answer::read(response).await.map_err(sent)?;
        if !answer.status.is_success() {
            return Err(answer.refusal(&format!("looking up the account id: {DOMAIN_ID_HINT}")));
        }
        let answer: serde_json::Value = serde_json::from_slice(&answer.body).map_err(|e| {
            Error::Config(format!(
                "IAM's answer to GET {} is not JSON ({e}); {DOMAIN_ID_HINT}",
                self.url
            ))
        })?;
        let domains = answer
            .get("domains")
            .and_then(|d| d.as_array())
            .ok_or_else(|| {
                Error::Config(format!(
                    "IAM's answer to GET {} has no `domains` list; {DOMAIN_ID_HINT}",
                    self.url
                ))
            })?;
        let id = match domains.as_slice() {
            [only] => only.get("id").and_then(|v| v.as_str()).unwrap_or_default(),
            [] => {
                return Err(Error::Config(format!(
                    "IAM lists no account (domain) for this access key (the IAM user may lack \
                     the iam:users:getUser permission); {DOMAIN_ID_HINT}"
                )));
            }
            several => {
                return Err(Error::Config(format!(
                    "IAM lists {} accounts (domains) for this access key, so which one to use is \
                     ambiguous; {DOMAIN_ID_HINT}",
                    several.len()
                )));
            }
        };
        let value = HeaderValue::from_str(id)
            .ok()
            .filter(|_| !id.is_empty())
            .ok_or_else(|| {
                Error::Config(format!(
                    "IAM's answer names no usable account id; {DOMAIN_ID_HINT}"
                ))
            })?;
        tracing::debug!(
            domain_id = id,
            "looked up the account (domain) id through IAM"
        );
        Ok(value)
    }
}

impl DomainId {
    /// The account id: the known one, or the result of the (first successful) lookup.
    pub(crate) async fn get(
        &self,
        keys: &SigningKeys,
        clock: &Clock,
    ) -> Result<HeaderValue, Error> {
        match self {
            DomainId::Known(id) => Ok(id.clone()),
            DomainId::Lookup(lookup) => lookup
                .found
                .get_or_try_init(|| lookup.look_up(keys, clock))
                .await
                .cloned(),
        }
    }

    /// How the id is shown in `Debug`.
    pub(crate) fn describe(&self) -> String {
        match self {
            DomainId::Known(id) => format!("{id:?}"),
            DomainId::Lookup(lookup) => match lookup.found.get() {
                Some(id) => format!("{id:?} (looked up at {})", lookup.url),
                None => format!("to be looked up at {}", lookup.url),
            },
        }
    }
}
