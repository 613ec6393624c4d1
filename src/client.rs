//! Building a [`Client`]: endpoint or region, credentials, default headers, timeouts, proxy and
//! TLS (the private `transport` module).
//!
//! ```no_run
//! # async fn demo() -> huaweicloud_osm::Result<()> {
//! use huaweicloud_osm::{Client, Credentials, Region};
//! let client = Client::builder()
//!     .region(Region::AP_SOUTHEAST_3)
//!     .credentials(Credentials::ak_sk("AK", "SK").with_domain_id("my-account-id"))
//!     .language("en-us")
//!     .build()?;
//! let regions = client.list_regions_v1().send().await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::Client;
use crate::auth::credentials::{self, Credentials};
use crate::auth::domain::{DomainId, DomainLookup};
use crate::auth::federated::FederatedSource;
use crate::auth::iam::{DEFAULT_IAM_ENDPOINT, DEFAULT_REFRESH_MARGIN, LoginSource, TokenSource};
use crate::auth::keys::{KeySource, ProvidedKeys, SigningKeys};
use crate::auth::metadata::{METADATA_TIMEOUT, MetadataSource};
use crate::auth::oidc::OidcStsSource;
use crate::auth::pod_identity::{POD_IDENTITY_TIMEOUT, PodIdentitySource};
use crate::auth::provider::{ProvideCredentials, SharedProvider};
use crate::clock::Clock;
use crate::error::Error;
use crate::retry::RetryPolicy;
use progenitor_client::ClientInfo;

mod transport;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of a whole HTTP exchange (attachments can be large; Huawei's Go SDK uses 120 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default largest success JSON body accepted (a hostile or broken server cannot make us buffer
/// more); see [`ClientBuilder::max_response_body`].
pub(crate) const MAX_JSON_BODY: usize = 64 * 1024 * 1024;
/// User-Agent sent with every request.
pub const USER_AGENT: &str = concat!("huaweicloud-osm-rust/", env!("CARGO_PKG_VERSION"));
/// Environment variable with the OSM endpoint URL, used when the builder is given neither an
/// endpoint nor a region (ours; Huawei's SDKs take the endpoint in code).
pub const ENV_OSM_ENDPOINT: &str = "HUAWEICLOUD_SDK_OSM_ENDPOINT";
/// Environment variable with the region id (e.g. `ap-southeast-3`), used when the builder is given
/// neither an endpoint nor a region and [`ENV_OSM_ENDPOINT`] is not set (ours). Its endpoint is
/// [`Region::endpoint`], which `HUAWEICLOUD_SDK_REGION_OSM_{REGION}` overrides.
pub const ENV_REGION: &str = "HUAWEICLOUD_SDK_REGION";

/// A Huawei Cloud region hosting OSM. Any region id is accepted; the known ones are constants.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region(std::borrow::Cow<'static, str>);

impl Region {
    /// Chinese mainland site (`osm.cn-south-1.myhuaweicloud.com`).
    pub const CN_SOUTH_1: Region = Region(std::borrow::Cow::Borrowed("cn-south-1"));
    /// International site (`osm.ap-southeast-3.myhuaweicloud.com`).
    pub const AP_SOUTHEAST_3: Region = Region(std::borrow::Cow::Borrowed("ap-southeast-3"));
    /// Europe site (`osm.eu-west-101.myhuaweicloud.eu`).
    pub const EU_WEST_101: Region = Region(std::borrow::Cow::Borrowed("eu-west-101"));

    /// Any region id, e.g. `"cn-south-1"`.
    pub fn new(id: impl Into<String>) -> Self {
        Region(std::borrow::Cow::Owned(id.into()))
    }

    /// The region id.
    pub fn id(&self) -> &str {
        &self.0
    }

    /// The OSM endpoint of the region: the documented host for the known regions,
    /// `https://osm.{region}.myhuaweicloud.com` for others. `HUAWEICLOUD_SDK_REGION_OSM_{REGION}`
    /// (upper case, `-` as `_`) overrides it, as with Huawei's SDKs.
    pub fn endpoint(&self) -> Result<String, Error> {
        let id = self.id();
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(Error::Config(format!(
                "`{id}` is not a region id (letters, digits and `-` only)"
            )));
        }
        let var = format!(
            "HUAWEICLOUD_SDK_REGION_OSM_{}",
            id.to_ascii_uppercase().replace('-', "_")
        );
        if let Some(url) = std::env::var(&var)
            .ok()
            .and_then(|v| v.split(',').next().map(str::trim).map(str::to_owned))
            .filter(|v| !v.is_empty())
        {
            return Ok(url);
        }
        Ok(match id {
            "eu-west-101" => "https://osm.eu-west-101.myhuaweicloud.eu".to_string(),
            other => format!("https://osm.{other}.myhuaweicloud.com"),
        })
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Region {
    fn from(s: &str) -> Self {
        Region::new(s)
    }
}

/// Builds a [`Client`]. Every setting is optional except where to send requests (an endpoint or a
/// region, given or from the environment) and credentials (given, or from the provider chain).
#[derive(Debug, Default, Clone)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    region: Option<Region>,
    credentials: Option<Credentials>,
    domain_id: Option<String>,
    iam_endpoint: Option<String>,
    language: Option<String>,
    time_zone: Option<String>,
    site: Option<i32>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    token_refresh_margin: Option<Duration>,
    from_env: Option<bool>,
    retry: Option<RetryPolicy>,
    operation_timeout: Option<Duration>,
    max_response_body: Option<usize>,
    connectivity: transport::Connectivity,
}

impl ClientBuilder {
    /// Sends requests to this URL (e.g. `https://osm.cn-south-1.myhuaweicloud.com`, or a sandbox).
    /// Wins over [`ClientBuilder::region`]. With neither, [`ENV_OSM_ENDPOINT`], then [`ENV_REGION`]
    /// say where.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Sends requests to the OSM endpoint of a region.
    pub fn region(mut self, region: impl Into<Region>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Authenticates with these credentials (wins over the provider chain: OIDC STS, environment,
    /// profile file, instance metadata, pod identity; see [`Credentials::from_chain`]).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Authenticates with the keys of a provider of yours: the same as
    /// `.credentials(Credentials::from_provider(provider))` (the account id from
    /// [`ClientBuilder::domain_id`], `HUAWEICLOUD_SDK_DOMAIN_ID` or the IAM lookup).
    pub fn credentials_provider(self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials(Credentials::from_provider(provider))
    }

    /// The account (domain) id sent as `X-Domain-Id` with AK/SK credentials (wins over the one in
    /// the credentials and `HUAWEICLOUD_SDK_DOMAIN_ID`). Without any, the first call looks it up
    /// through IAM (`GET {iam}/v3/auth/domains`, signed with the same keys) and the client keeps it.
    pub fn domain_id(mut self, domain_id: impl Into<String>) -> Self {
        self.domain_id = Some(domain_id.into());
        self
    }

    /// IAM endpoint for password logins, the account id lookup and federated identities (wins over
    /// the credentials' own, [`Credentials::with_iam_endpoint`]; default
    /// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else `https://iam.myhuaweicloud.com`).
    pub fn iam_endpoint(mut self, url: impl Into<String>) -> Self {
        self.iam_endpoint = Some(url.into());
        self
    }

    /// Default `X-Language` (e.g. `en-us`); a call can set its own.
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Default `X-Time-Zone` (e.g. `GMT+8`); a call can set its own.
    pub fn time_zone(mut self, time_zone: impl Into<String>) -> Self {
        self.time_zone = Some(time_zone.into());
        self
    }

    /// Default `X-Site`: 0 China site, 1 International site; a call can set its own.
    pub fn site(mut self, site: i32) -> Self {
        self.site = Some(site);
        self
    }

    /// Time allowed to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one attempt: one whole HTTP exchange, body included (default 120 s).
    /// Reported as [`crate::error::TimeoutKind::Attempt`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole operation, retries and backoff included (default: none; the
    /// retry policy's budget, `max_elapsed`, bounds when retries start). Reported as
    /// [`crate::error::TimeoutKind::Operation`].
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Largest JSON response body accepted, in bytes (default 64 MiB); a larger one is an error,
    /// never an unbounded allocation.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// How failed attempts are retried (default [`RetryPolicy::default`]; see [`crate::retry`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Refresh an IAM token when less than this is left before it expires (default 1 h).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = Some(margin);
        self
    }

    /// Whether to take credentials from the provider chain ([`Credentials::from_chain`]: OIDC STS,
    /// the `HUAWEICLOUD_SDK_*` variables, the profile file `~/.huaweicloud/credentials`, the
    /// instance metadata service when enabled, CCE pod identity) when none were given (default
    /// true).
    pub fn credentials_from_env(mut self, enabled: bool) -> Self {
        self.from_env = Some(enabled);
        self
    }

    /// Sends every request through this HTTP proxy, e.g. `http://proxy.example:3128` or
    /// `http://user:password@proxy.example:3128` (sent as `Proxy-Authorization: Basic`; the password
    /// never appears in `Debug` or errors). HTTPS requests are tunnelled (`CONNECT`). Without this,
    /// the standard variables `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their
    /// lower-case forms) apply. A bad URL makes [`ClientBuilder::build`] fail.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.connectivity.proxy = transport::ProxySetting::Url(url.into().into());
        self
    }

    /// Sends requests directly, ignoring the proxy environment variables (and any
    /// [`ClientBuilder::proxy`] set before).
    pub fn no_proxy(mut self) -> Self {
        self.connectivity.proxy = transport::ProxySetting::Disabled;
        self
    }

    /// Also trusts the certificates of this PEM text (one or more `BEGIN CERTIFICATE` sections),
    /// e.g. the root of a private gateway; the platform's roots stay trusted. A PEM without a
    /// certificate makes [`ClientBuilder::build`] fail.
    pub fn add_root_certificate(mut self, pem: &[u8]) -> Self {
        self.connectivity.root_certificates.push(pem.to_vec());
        self
    }

    /// **Dangerous**: accepts any TLS certificate, expired, self-signed or for another host (the
    /// connection is still encrypted, but anyone on the network path can pretend to be the server
    /// and read the requests, signatures and tokens included). For testing against a private
    /// gateway only, as Huawei's `ignore_ssl_verification`; prefer
    /// [`ClientBuilder::add_root_certificate`]. Off by default; a warning is logged when a client is
    /// built with it.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.connectivity.accept_invalid_certs = accept;
        self
    }

    /// Builds the client. Fails, without panicking, on any bad setting. Sends nothing: the account
    /// id lookup, IAM logins and temporary keys happen on the first call that needs them.
    pub fn build(self) -> Result<Client, Error> {
        let endpoint = self.endpoint_url()?;
        let base = parse_http_url(&endpoint, "endpoint")?;
        let baseurl = base.as_str().trim_end_matches('/').to_string();

        let credentials = match self.credentials.clone() {
            Some(c) => c,
            None if self.from_env != Some(false) => {
                Credentials::from_chain()?.ok_or_else(|| {
                    Error::Config(format!(
                        "no credentials: {}",
                        Credentials::chain_description()
                    ))
                })?
            }
            None => return Err(Error::Config("no credentials given".into())),
        };

        let tls = self.connectivity.tls_config()?;
        let http = self.connectivity.http_client(
            tls.clone(),
            self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            self.timeout.unwrap_or(DEFAULT_TIMEOUT),
        )?;

        let auth = self.auth(credentials, &http, tls)?;
        let defaults = Defaults {
            language: header_value(self.language.as_deref(), "language")?,
            time_zone: header_value(self.time_zone.as_deref(), "time zone")?,
            site: match self.site {
                Some(s @ 0..=1) => Some(HeaderValue::from(s)),
                Some(s) => {
                    return Err(Error::Config(format!(
                        "site must be 0 (China) or 1 (International), not {s}"
                    )));
                }
                None => None,
            },
        };
        let shared = Shared {
            state: Arc::new(State {
                auth,
                defaults,
                user_agent: HeaderValue::from_static(USER_AGENT),
                clock: Clock::default(),
                max_json_body: self.max_response_body.unwrap_or(MAX_JSON_BODY),
            }),
            config: Arc::new(CallConfig {
                retry: self.retry.clone().unwrap_or_default(),
                operation_timeout: self.operation_timeout,
            }),
        };
        Ok(Client::new_with_client(&baseurl, http, shared))
    }

    /// Where requests go: the endpoint, else the region's endpoint, else [`ENV_OSM_ENDPOINT`], else
    /// the endpoint of the region [`ENV_REGION`] names.
    fn endpoint_url(&self) -> Result<String, Error> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        match (&self.endpoint, &self.region) {
            (Some(url), _) => Ok(url.clone()),
            (None, Some(region)) => region.endpoint(),
            (None, None) => match (env(ENV_OSM_ENDPOINT), env(ENV_REGION)) {
                (Some(url), _) => Ok(url),
                (None, Some(region)) => Region::new(region.trim()).endpoint(),
                (None, None) => Err(Error::Config(format!(
                    "no endpoint: set `.endpoint(url)` or `.region(region)`, or {ENV_OSM_ENDPOINT} \
                     or {ENV_REGION}"
                ))),
            },
        }
    }

    fn auth(
        &self,
        credentials: Credentials,
        http: &reqwest::Client,
        tls: rustls::ClientConfig,
    ) -> Result<Auth, Error> {
        let env = |name: &str| std::env::var(name).ok();
        let user_agent = HeaderValue::from_static(USER_AGENT);
        let mut settings = credentials.settings().cloned().unwrap_or_default();
        let iam = settings.iam_endpoint.take();
        let provider: SharedProvider = match credentials {
            Credentials::AkSk(c) => {
                return Ok(Auth::AkSk {
                    keys: KeySource::Fixed(Arc::new(SigningKeys::new(
                        c.signer,
                        c.security_token.as_ref(),
                    )?)),
                    domain_id: self.account_id(settings.domain_id, iam.as_deref(), http)?,
                });
            }
            Credentials::Token(t) => return Ok(Auth::Token(TokenSource::Static(t))),
            Credentials::Password(login) => {
                return Ok(Auth::Token(TokenSource::Login(Box::new(LoginSource {
                    login,
                    endpoint: self.iam_endpoint_url(None)?,
                    http: http.clone(),
                    cache: Default::default(),
                    refresh_margin: self.token_refresh_margin.unwrap_or(DEFAULT_REFRESH_MARGIN),
                }))));
            }
            Credentials::InstanceMetadata(m) => {
                let endpoint = parse_http_url(&m.endpoint(env), "metadata endpoint")?;
                let direct = self.direct_http(tls, METADATA_TIMEOUT)?;
                Arc::new(MetadataSource::new(endpoint, direct))
            }
            Credentials::OidcSts(o) => {
                let region = self
                    .region
                    .as_ref()
                    .map(|r| r.id().to_string())
                    .or_else(|| env(ENV_REGION).map(|r| r.trim().to_string()));
                let sts = parse_http_url(&o.endpoint(region.as_deref(), env), "STS endpoint")?;
                if settings.domain_id.is_none() {
                    settings.domain_id = o.agency_account().map(str::to_owned);
                }
                Arc::new(OidcStsSource::new(o, &sts, http.clone(), user_agent)?)
            }
            Credentials::Federated(f) => {
                let iam = self.iam_endpoint_url(iam.as_deref())?;
                Arc::new(FederatedSource::new(f, &iam, http.clone(), user_agent)?)
            }
            Credentials::PodIdentity(p) => {
                let url = parse_http_url(&p.uri, "pod identity URI")?;
                let direct = self.direct_http(tls, POD_IDENTITY_TIMEOUT)?;
                Arc::new(PodIdentitySource::new(url, p.token_file, direct))
            }
            Credentials::Provider(p) => p.provider,
        };
        Ok(Auth::AkSk {
            keys: KeySource::Provided(Box::new(ProvidedKeys::new(
                provider,
                settings.refresh_margin,
            ))),
            domain_id: self.account_id(settings.domain_id, iam.as_deref(), http)?,
        })
    }

    /// A client for a link-local service (the instance metadata service, the pod identity agent):
    /// never through a proxy, and quick to answer.
    fn direct_http(
        &self,
        tls: rustls::ClientConfig,
        timeout: Duration,
    ) -> Result<reqwest::Client, Error> {
        let direct = transport::Connectivity {
            proxy: transport::ProxySetting::Disabled,
            ..self.connectivity.clone()
        };
        direct.http_client(tls, timeout, timeout)
    }

    /// The account id: the builder's, else the credentials', else `HUAWEICLOUD_SDK_DOMAIN_ID`, else
    /// looked up through IAM on first use (at the builder's IAM endpoint, else `iam`, the
    /// credentials').
    fn account_id(
        &self,
        from_credentials: Option<String>,
        iam: Option<&str>,
        http: &reqwest::Client,
    ) -> Result<DomainId, Error> {
        let known = self.domain_id.clone().or(from_credentials).or_else(|| {
            std::env::var(credentials::ENV_DOMAIN_ID)
                .ok()
                .filter(|v| !v.is_empty())
        });
        Ok(match known {
            Some(id) => {
                DomainId::Known(header_value(Some(&id), "domain id")?.expect("a value was given"))
            }
            None => DomainId::Lookup(Box::new(DomainLookup::new(
                &self.iam_endpoint_url(iam)?,
                http.clone(),
                HeaderValue::from_static(USER_AGENT),
            )?)),
        })
    }

    /// The IAM endpoint: the builder's, else `from_credentials`, else
    /// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the global one.
    fn iam_endpoint_url(&self, from_credentials: Option<&str>) -> Result<reqwest::Url, Error> {
        let endpoint = self
            .iam_endpoint
            .clone()
            .or_else(|| from_credentials.map(str::to_owned))
            .or_else(|| std::env::var(credentials::ENV_IAM_ENDPOINT).ok())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_IAM_ENDPOINT.to_string());
        parse_http_url(&endpoint, "IAM endpoint")
    }
}

fn parse_http_url(url: &str, what: &str) -> Result<reqwest::Url, Error> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::Config(format!("{what} `{url}` is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::Config(format!(
            "{what} `{url}` must be an http(s) URL with a host"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "{what} `{url}` must not have a query or fragment"
        )));
    }
    Ok(parsed)
}

fn header_value(value: Option<&str>, what: &str) -> Result<Option<HeaderValue>, Error> {
    value
        .map(|v| {
            HeaderValue::from_str(v)
                .map_err(|_| Error::Config(format!("{what} `{v}` is not a valid header value")))
        })
        .transpose()
}

/// The client's state shared by every call (the generated client's inner type): credentials,
/// defaults and clock shared by all clones, plus the per-client call settings.
#[derive(Clone)]
pub struct Shared {
    pub(crate) state: Arc<State>,
    pub(crate) config: Arc<CallConfig>,
}

/// Settings that [`Client::with_retry_policy`] and [`Client::with_operation_timeout`] change for a
/// copy of the client.
#[derive(Debug)]
pub(crate) struct CallConfig {
    pub(crate) retry: RetryPolicy,
    pub(crate) operation_timeout: Option<Duration>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.state.auth {
            Auth::AkSk { keys, domain_id } => {
                format!("{}, domain_id: {}", keys.describe(), domain_id.describe())
            }
            Auth::Token(TokenSource::Static(_)) => "Token([redacted])".into(),
            Auth::Token(TokenSource::Login(source)) => {
                format!(
                    "PasswordLogin {{ {:?}, iam: {} }}",
                    source.login, source.endpoint
                )
            }
        };
        f.debug_struct("Shared")
            .field("auth", &auth)
            .field("language", &self.state.defaults.language)
            .field("time_zone", &self.state.defaults.time_zone)
            .field("site", &self.state.defaults.site)
            .field("clock_offset_secs", &self.state.clock.offset())
            .field("retry", &self.config.retry)
            .field("operation_timeout", &self.config.operation_timeout)
            .finish()
    }
}

pub(crate) struct State {
    pub(crate) auth: Auth,
    pub(crate) defaults: Defaults,
    pub(crate) user_agent: HeaderValue,
    pub(crate) clock: Clock,
    pub(crate) max_json_body: usize,
}

pub(crate) enum Auth {
    /// AK/SK signing, with the account id in `X-Domain-Id`.
    AkSk {
        keys: KeySource,
        domain_id: DomainId,
    },
    /// An IAM token in `X-Auth-Token`.
    Token(TokenSource),
}

impl Auth {
    /// Forgets credentials that can be obtained again (an IAM token, instance credentials) after
    /// the service refused them; `false` when there is nothing to obtain again.
    pub(crate) async fn invalidate(&self) -> bool {
        match self {
            Auth::AkSk { keys, .. } => keys.invalidate().await,
            Auth::Token(source) => {
                source.invalidate().await;
                true
            }
        }
    }
}

pub(crate) struct Defaults {
    pub(crate) language: Option<HeaderValue>,
    pub(crate) time_zone: Option<HeaderValue>,
    pub(crate) site: Option<HeaderValue>,
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured by the environment alone, as `aws_config::load_from_env()`: where
    /// ([`ENV_OSM_ENDPOINT`], or [`ENV_REGION`] with `HUAWEICLOUD_SDK_REGION_OSM_{REGION}`), the
    /// credentials of the provider chain ([`Credentials::from_chain`]), the IAM endpoint
    /// (`HUAWEICLOUD_SDK_IAM_ENDPOINT`) and the proxy (`HTTPS_PROXY`, …). Same as
    /// `Client::builder().build()`.
    pub fn from_env() -> Result<Client, Error> {
        Client::builder().build()
    }

    /// The account (domain) id AK/SK requests carry: the configured one, or the one looked up
    /// through IAM (on the first call, once per client; this method can do it up front). `None`
    /// with IAM token authentication, which sends no account id.
    ///
    /// Fails with [`Error::Config`] when IAM lists no account or several, with the IAM error when
    /// it refuses the lookup, or with the failure to obtain instance credentials.
    pub async fn resolve_domain_id(&self) -> Result<Option<String>, Error> {
        let state = &self.inner().state;
        let Auth::AkSk { keys, domain_id } = &state.auth else {
            return Ok(None);
        };
        let keys = keys.current(&state.clock).await?;
        let id = domain_id.get(&keys, &state.clock).await?;
        Ok(Some(String::from_utf8_lossy(id.as_bytes()).into_owned()))
    }

    /// Seconds added to the local clock when signing (learned from the server; 0 at first).
    pub fn clock_offset(&self) -> i64 {
        self.inner().state.clock.offset()
    }

    /// Sets the seconds added to the local clock when signing, for a machine whose clock is known to
    /// be off (the gateway rejects signatures more than 15 minutes away from its time).
    pub fn set_clock_offset(&self, secs: i64) {
        self.inner().state.clock.set_offset(secs);
    }

    /// A copy of this client (same connections, credentials, token cache and clock) that retries
    /// with `policy`: for one call, `client.with_retry_policy(p).create_cases()...send().await`.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        self.with_config(CallConfig {
            retry: policy,
            operation_timeout: self.inner().config.operation_timeout,
        })
    }

    /// A copy of this client whose operations must finish within `timeout`, retries included.
    pub fn with_operation_timeout(&self, timeout: Duration) -> Client {
        self.with_config(CallConfig {
            retry: self.inner().config.retry.clone(),
            operation_timeout: Some(timeout),
        })
    }

    fn with_config(&self, config: CallConfig) -> Client {
        let shared = Shared {
            state: self.inner().state.clone(),
            config: Arc::new(config),
        };
        Client::new_with_client(self.baseurl(), self.client().clone(), shared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::ak_sk("AK", "SK").with_domain_id("d")
    }

    #[test]
    fn known_regions_map_to_documented_hosts() {
        assert_eq!(
            Region::CN_SOUTH_1.endpoint().unwrap(),
            "https://osm.cn-south-1.myhuaweicloud.com"
        );
        assert_eq!(
            Region::AP_SOUTHEAST_3.endpoint().unwrap(),
            "https://osm.ap-southeast-3.myhuaweicloud.com"
        );
        assert_eq!(
            Region::EU_WEST_101.endpoint().unwrap(),
            "https://osm.eu-west-101.myhuaweicloud.eu"
        );
        assert_eq!(
            Region::new("la-north-2").endpoint().unwrap(),
            "https://osm.la-north-2.myhuaweicloud.com"
        );
        assert!(Region::new("bad/region").endpoint().is_err());
    }

    #[test]
    fn bad_configuration_is_an_error_not_a_panic() {
        let cases = [
            Client::builder().credentials(creds()),
            Client::builder().endpoint("not a url").credentials(creds()),
            Client::builder().endpoint("ftp://x").credentials(creds()),
            Client::builder()
                .endpoint("http://x?q=1")
                .credentials(creds()),
            Client::builder()
                .endpoint("http://x")
                .credentials(creds())
                .site(7),
            Client::builder()
                .endpoint("http://x")
                .credentials(creds())
                .language("a\nb"),
            // No account id: it will be looked up, which needs a usable IAM endpoint.
            Client::builder()
                .endpoint("http://x")
                .credentials(Credentials::ak_sk("AK", "SK"))
                .iam_endpoint("iam without scheme"),
            Client::builder().endpoint("http://x").credentials(
                Credentials::from_instance_metadata().with_metadata_endpoint("nowhere"),
            ),
            Client::builder()
                .endpoint("http://x")
                .credentials(creds())
                .proxy("proxy without scheme"),
            Client::builder()
                .endpoint("https://x")
                .credentials(creds())
                .add_root_certificate(b"no certificate here"),
            Client::builder()
                .endpoint("http://x")
                .credentials_from_env(false),
        ];
        for b in cases {
            let err = b.clone().build().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{b:?}: {err}");
        }
    }

    #[test]
    fn ak_sk_without_an_account_id_builds_offline() {
        let c = Client::builder()
            .endpoint("http://127.0.0.1:1")
            .iam_endpoint("http://127.0.0.1:2")
            .credentials(Credentials::ak_sk("AK", "SK"))
            .credentials_from_env(false)
            .build()
            .unwrap();
        let s = format!("{c:?}");
        assert!(
            s.contains("to be looked up at http://127.0.0.1:2/v3/auth/domains"),
            "{s}"
        );
    }

    #[test]
    fn debug_of_a_client_shows_no_secret() {
        let c = Client::builder()
            .endpoint("http://127.0.0.1:1")
            .credentials(
                Credentials::temporary("AK", "s3cr3t-sk", "s3cr3t-token").with_domain_id("d"),
            )
            .build()
            .unwrap();
        let s = format!("{c:?}");
        assert!(s.contains("AK"));
        assert!(!s.contains("s3cr3t"), "{s}");
    }
}
