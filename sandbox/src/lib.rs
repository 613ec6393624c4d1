//! # osm-sandbox
//!
//! A local server that behaves like Huawei Cloud's service-ticket API (OSM) closely enough to run
//! the `huaweicloud-osm` quickstart, its end-to-end tests and your own integration tests, with no
//! account and no network.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use huaweicloud_osm::Client;
//! let sandbox = osm_sandbox::Sandbox::start().await?;
//! let client = Client::builder()
//!     .endpoint(sandbox.url())
//!     .credentials(sandbox.credentials().ak_sk())
//!     .build()
//!     .unwrap();
//! let regions = client.list_regions_v1().send().await.unwrap();
//! assert!(regions.total_count.unwrap_or_default() > 0);
//! # Ok(()) }
//! ```
//!
//! ## What it does
//! * **Authentication like the gateway**: SDK-HMAC-SHA256 signatures are verified over the headers
//!   the client signed (±15 minutes of the server's clock, `X-Domain-Id` of the account), IAM
//!   password logins on `POST /v3/auth/tokens` give tokens accepted as `X-Auth-Token`. Failures are
//!   HTTP 401 with an `APIGW.0301` body. Every answer has an `X-Request-Id`.
//! * **IAM account lookup** (`GET /v3/auth/domains`, signed) for clients without the account id.
//! * **Temporary AK/SK**, accepted with their `X-Security-Token` until they expire, from every
//!   source Huawei's SDKs use: an **instance metadata service** (`PUT /meta-data/latest/api/token`,
//!   `GET /openstack/latest/securitykey`), **STS** for OIDC id tokens
//!   (`POST /v5/agencies/assume-with-oidc`: any non-empty id token whose provider URN
//!   `iam::{domain_id}:identityProvider:{name}` and agency URN `iam::{domain_id}:agency:{name}`
//!   name the sandbox's account), **IAM federation** (`POST /v3.0/OS-AUTH/id-token/tokens`, then
//!   `POST /v3.0/OS-CREDENTIAL/securitytokens`: any non-empty identity provider id and id token)
//!   and a **CCE pod identity agent** (`POST /pod-identity/credentials`, any non-empty
//!   `Authorization`; [`Sandbox::pod_identity_uri`]). Empty or foreign values are refused the way
//!   IAM and STS refuse them.
//! * **Tickets with state**, v1.0 and v2 over one store: create, list (filters, paging), details,
//!   messages, `press`/`close`/`cancel`/`delete`, evaluations, labels, relations, operation logs,
//!   attachments (multipart and Base64 uploads, downloads as the file or a ZIP archive). Errors are
//!   OSM's, under HTTP 200 where OSM sends them so (`OSM.01010015` for an unknown ticket, …).
//! * **iRobot** answers from a small built-in corpus (ask, associate, recommended words, sessions).
//! * **Every other operation** of `openapi/osm.yaml` answers with its documented example.
//! * **Faults** ([`Faults`]), deterministic from a seed: server errors, 429 with `Retry-After`,
//!   dropped connections, latency, a wrong server clock. [`Sandbox::counters`] tells what really
//!   arrived.
//! * **Time** is controllable: [`Sandbox::advance_clock`] lets the urge interval or a token's
//!   validity pass without sleeping, and [`SandboxBuilder::temporary_credentials_validity`] makes
//!   temporary keys short-lived.
//! * **State that survives** when asked ([`SandboxBuilder::state_file`], `--state FILE`): saved
//!   atomically after every change, before it is acknowledged; loaded at start.
//! * **Bounded bodies**: a request body over 8 MiB is refused with HTTP 413 (`APIGW.0201`) before it
//!   is read whole.
//!
//! ## Modules
//! `server` (accept loop, faults, authentication around the router), `app` (the state the
//! handlers share: the store, issued tokens and keys, counters), `answer` (JSON and error answers,
//! bodies read within the limit), [`verify`] (SDK-HMAC-SHA256 verification as the gateway does
//! it, public for servers of yours), `auth` (who a request is: signatures, IAM tokens, account
//! lookup), `credentials` ([`SandboxCredentials`]), `temporary` (issuing temporary keys),
//! `metadata` (instance metadata), `sts` (OIDC), `federation` (IAM federated identity),
//! `pod_identity`, `variables` (the environment that points a client at those), `routes` (v1.0,
//! v2, attachments, iRobot, examples), `store` (state), `persist` (the state file), `catalogue`
//! (products, problem types, …), `corpus` (iRobot), `examples` (the spec), [`faults`], `archive`
//! (ZIP), `multipart`, `clock`, [`errors`]. Modules depend downward: `server` on the handlers,
//! the handlers on `app` and `answer`, `app` on the store and the clock.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod answer;
mod app;
mod archive;
mod auth;
pub mod catalogue;
mod clock;
pub mod corpus;
mod credentials;
pub mod errors;
pub mod examples;
pub mod faults;
mod federation;
mod metadata;
mod multipart;
mod persist;
mod pod_identity;
mod routes;
mod server;
mod store;
mod sts;
mod temporary;
mod variables;
pub mod verify;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use huaweicloud_osm::values::CaseStatus;
use tokio::sync::watch;

pub use credentials::SandboxCredentials;
pub use errors::OsmError;
pub use faults::{Fault, Faults};
pub use variables::Exchange;

use app::App;
use faults::FaultState;
use store::{Store, StoreSettings};

/// Default time before a ticket can be urged again.
pub const DEFAULT_URGE_INTERVAL: Duration = Duration::from_secs(10 * 60);
/// Default total size of the attachments that can be uploaded per (business-time) day.
pub const DEFAULT_DAILY_UPLOAD_LIMIT: u64 = 100 * 1024 * 1024;
/// Default (and longest) validity of the temporary credentials the sandbox issues.
pub const DEFAULT_TEMPORARY_CREDENTIALS_VALIDITY: Duration = Duration::from_secs(24 * 3600);

/// What the sandbox really received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Requests received (including those answered with an injected fault or dropped).
    pub requests: u64,
    /// Tickets created (v1.0 and v2).
    pub tickets_created: u64,
    /// Requests that got an injected fault.
    pub faults_injected: u64,
    /// Connections dropped by fault injection.
    pub connections_dropped: u64,
    /// Requests refused with HTTP 401.
    pub auth_failures: u64,
    /// Account lookups received (`GET /v3/auth/domains`, refused ones included).
    pub domain_lookups: u64,
    /// Metadata sessions opened (`PUT /meta-data/latest/api/token`).
    pub metadata_sessions: u64,
    /// Temporary credentials issued by the metadata service (`GET /openstack/latest/securitykey`).
    pub instance_credentials: u64,
    /// OIDC exchanges received (`POST /v5/agencies/assume-with-oidc`, refused ones included).
    pub oidc_exchanges: u64,
    /// Federated id tokens received (`POST /v3.0/OS-AUTH/id-token/tokens`, refused ones included).
    pub federation_tokens: u64,
    /// Federated keys asked for (`POST /v3.0/OS-CREDENTIAL/securitytokens`, refused ones
    /// included).
    pub federation_keys: u64,
    /// Pod identity exchanges received (`POST /pod-identity/credentials`, refused ones included).
    pub pod_identity_exchanges: u64,
}

/// A running sandbox. It stops when dropped (or with [`Sandbox::shutdown`]).
pub struct Sandbox {
    app: Arc<App>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("url", &self.url()).finish()
    }
}

impl Sandbox {
    /// Starts a sandbox with the default settings on a free loopback port.
    pub async fn start() -> std::io::Result<Sandbox> {
        Sandbox::builder().start().await
    }

    /// A builder for other credentials, seed, faults, clock or limits.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The base URL, e.g. `http://127.0.0.1:41234` (use it as the OSM and the IAM endpoint).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The credentials it accepts.
    pub fn credentials(&self) -> &SandboxCredentials {
        &self.app.credentials
    }

    /// The URL of its pod identity agent (for `HC_CONTAINER_CREDENTIALS_FULL_URI`).
    pub fn pod_identity_uri(&self) -> String {
        format!("{}{}", self.url(), pod_identity::PATH)
    }

    /// Replaces the fault configuration (and restarts its generator from the new seed). The clock
    /// offset of `faults` applies too.
    pub fn set_faults(&self, faults: Faults) {
        self.app.clock.set_offset(faults.clock_offset_secs);
        *self.app.faults.lock().expect("fault lock") = FaultState::new(faults);
    }

    /// Sets the offset of the server's clock from real time, in seconds.
    pub fn set_clock_offset(&self, secs: i64) {
        self.app.clock.set_offset(secs);
    }

    /// Lets time pass for the business rules (urge interval, token validity, timestamps) without
    /// moving the clock signatures are checked against.
    pub fn advance_clock(&self, by: Duration) {
        self.app.clock.advance(by);
    }

    /// What the sandbox received so far.
    pub fn counters(&self) -> Counters {
        let c = &self.app.counters;
        Counters {
            requests: c.requests.load(Ordering::Relaxed),
            tickets_created: self.app.store.lock().expect("store lock").created(),
            faults_injected: c.faults.load(Ordering::Relaxed),
            connections_dropped: c.dropped.load(Ordering::Relaxed),
            auth_failures: c.auth_failures.load(Ordering::Relaxed),
            domain_lookups: c.domain_lookups.load(Ordering::Relaxed),
            metadata_sessions: c.metadata_sessions.load(Ordering::Relaxed),
            instance_credentials: c.instance_credentials.load(Ordering::Relaxed),
            oidc_exchanges: c.oidc_exchanges.load(Ordering::Relaxed),
            federation_tokens: c.federation_tokens.load(Ordering::Relaxed),
            federation_keys: c.federation_keys.load(Ordering::Relaxed),
            pod_identity_exchanges: c.pod_identity_exchanges.load(Ordering::Relaxed),
        }
    }

    /// Ids of the tickets that exist (not deleted), newest first.
    pub fn case_ids(&self) -> Vec<String> {
        let store = self.app.store.lock().expect("store lock");
        store
            .list(&Default::default())
            .into_iter()
            .map(|c| c.id.clone())
            .collect()
    }

    /// Adds a reply from a Huawei engineer to a ticket and sets its status (e.g.
    /// `CaseStatus::PROCESSING` or `CaseStatus::PENDING_CONFIRMATION`), as the service desk would.
    pub fn reply_as_engineer(
        &self,
        case_id: &str,
        content: &str,
        status: CaseStatus,
    ) -> Result<(), OsmError> {
        let now = self.app.clock.now_ms();
        self.app
            .store
            .lock()
            .expect("store lock")
            .engineer_reply(case_id, content, status, now)?;
        self.app.save_blocking()
    }

    /// Sets a ticket's status directly.
    pub fn set_case_status(&self, case_id: &str, status: CaseStatus) -> Result<(), OsmError> {
        let now = self.app.clock.now_ms();
        self.app
            .store
            .lock()
            .expect("store lock")
            .set_status(case_id, status, now)?;
        self.app.save_blocking()
    }

    /// Stops accepting connections, closes the open ones and waits for the server to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Builds a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    credentials: SandboxCredentials,
    listen: SocketAddr,
    seed: u64,
    faults: Faults,
    urge_interval: Duration,
    daily_upload_limit: u64,
    temporary_validity: Duration,
    state_file: Option<PathBuf>,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            credentials: SandboxCredentials::default(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 1,
            faults: Faults::none(),
            urge_interval: DEFAULT_URGE_INTERVAL,
            daily_upload_limit: DEFAULT_DAILY_UPLOAD_LIMIT,
            temporary_validity: DEFAULT_TEMPORARY_CREDENTIALS_VALIDITY,
            state_file: None,
        }
    }
}

impl SandboxBuilder {
    /// The access key accepted.
    pub fn access_key(mut self, ak: impl Into<String>) -> Self {
        self.credentials.access_key = ak.into();
        self
    }

    /// The secret key of that access key.
    pub fn secret_key(mut self, sk: impl Into<String>) -> Self {
        self.credentials.secret_key = sk.into();
        self
    }

    /// The account (domain) id expected in `X-Domain-Id`.
    pub fn domain_id(mut self, id: impl Into<String>) -> Self {
        self.credentials.domain_id = id.into();
        self
    }

    /// The account (domain) name of IAM password logins.
    pub fn domain_name(mut self, name: impl Into<String>) -> Self {
        self.credentials.domain_name = name.into();
        self
    }

    /// The IAM user of password logins.
    pub fn user(mut self, name: impl Into<String>) -> Self {
        self.credentials.user = name.into();
        self
    }

    /// The IAM user's password.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.credentials.password = password.into();
        self
    }

    /// The loopback address to listen on (default `127.0.0.1:0`, a free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Seed of generated ids and tokens (fault injection has its own, [`Faults::seed`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Faults injected from the start.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Offset of the server's clock from real time, in seconds.
    pub fn clock_offset(mut self, secs: i64) -> Self {
        self.faults.clock_offset_secs = secs;
        self
    }

    /// Time before a ticket can be urged again (default 10 minutes).
    pub fn urge_interval(mut self, interval: Duration) -> Self {
        self.urge_interval = interval;
        self
    }

    /// Total bytes of attachments accepted per day (default 100 MB).
    pub fn daily_upload_limit(mut self, bytes: u64) -> Self {
        self.daily_upload_limit = bytes;
        self
    }

    /// Validity of the temporary credentials the instance metadata service and the pod identity
    /// agent issue, and the longest STS and IAM federation grant, whatever they are asked for
    /// (default 24 hours of business time). With [`Sandbox::advance_clock`], tests let keys
    /// expire without waiting.
    pub fn temporary_credentials_validity(mut self, validity: Duration) -> Self {
        self.temporary_validity = validity;
        self
    }

    /// Keeps the state (tickets, messages, attachments, labels, …) in `file`: loaded at start
    /// when it exists, saved after every change before the change is acknowledged, each write
    /// atomic (a temporary file, `fsync`, rename), attachments' contents in `file.files/`. A
    /// sandbox killed at any moment and started again with the same file has lost nothing it
    /// acknowledged. A file that is not a sandbox state makes [`SandboxBuilder::start`] fail.
    pub fn state_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.state_file = Some(file.into());
        self
    }

    /// Binds the address and starts serving (on the current Tokio runtime). Only loopback
    /// addresses are accepted.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        if !self.listen.ip().is_loopback() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "the sandbox listens on loopback addresses only, not {}",
                    self.listen
                ),
            ));
        }
        let settings = StoreSettings {
            urge_interval: self.urge_interval,
            daily_upload_limit: self.daily_upload_limit,
        };
        let seed = self.seed;
        let fresh = move |settings| Store::new(seed, settings);
        let (persistence, store) = match &self.state_file {
            Some(file) => {
                let file = file.clone();
                let (p, store) = tokio::task::spawn_blocking(move || {
                    persist::Persistence::open(&file, settings, fresh)
                })
                .await
                .map_err(std::io::Error::other)??;
                (Some(p), store)
            }
            None => (None, fresh(settings)),
        };
        let listener = tokio::net::TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let clock = clock::SandboxClock::default();
        clock.set_offset(self.faults.clock_offset_secs);
        let app = Arc::new(App {
            credentials: self.credentials,
            clock,
            faults: Mutex::new(FaultState::new(self.faults)),
            store: Mutex::new(store),
            tokens: Mutex::new(Default::default()),
            metadata: Mutex::new(Default::default()),
            temporary: Mutex::new(Default::default()),
            temporary_validity: self.temporary_validity,
            federation_tokens: Mutex::new(Default::default()),
            counters: Default::default(),
            seed: self.seed,
            persistence,
        });
        // Parse the spec now rather than on the first request.
        let _ = examples::operations();
        let router = routes::router(app.clone());
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::run(listener, app.clone(), router, stopped));
        Ok(Sandbox {
            app,
            addr,
            stop,
            task: Some(task),
        })
    }
}
