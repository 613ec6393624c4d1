//! The state every handler shares ([`App`]), and what it keeps: the issued IAM tokens, metadata
//! sessions and temporary keys, the request counters; and what the server hands each routed
//! request ([`RequestId`], [`BaseUrl`]).

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use crate::clock::SandboxClock;
use crate::credentials::SandboxCredentials;
use crate::errors::OsmError;
use crate::faults::FaultState;
use crate::persist::Persistence;
use crate::store::{Store, Who};

/// Everything the handlers share.
pub(crate) struct App {
    pub(crate) credentials: SandboxCredentials,
    pub(crate) clock: SandboxClock,
    pub(crate) faults: Mutex<FaultState>,
    pub(crate) store: Mutex<Store>,
    pub(crate) tokens: Mutex<Tokens>,
    /// The instance metadata service's sessions.
    pub(crate) metadata: Mutex<Sessions>,
    /// The temporary keys issued (metadata, STS, IAM federation, pod identity).
    pub(crate) temporary: Mutex<Issued>,
    /// Longest validity of the temporary keys it issues.
    pub(crate) temporary_validity: std::time::Duration,
    /// Unscoped tokens of federated identities → their expiry (business time, ms).
    pub(crate) federation_tokens: Mutex<HashMap<String, i64>>,
    pub(crate) counters: Counters,
    pub(crate) seed: u64,
    /// Where the store is saved after every change (`--state`), if anywhere.
    pub(crate) persistence: Option<Persistence>,
}

impl App {
    /// Saves the store if it changed (with `--state`), so that what was done is acknowledged
    /// only once it is on disk.
    pub(crate) async fn save(self: &Arc<Self>) -> Result<(), OsmError> {
        if self.persistence.is_none() {
            return Ok(());
        }
        let app = self.clone();
        let saved = tokio::task::spawn_blocking(move || match &app.persistence {
            Some(p) => p.save(&app.store),
            None => Ok(()),
        })
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        saved.map_err(|e| OsmError::internal().detail(format!("the state could not be saved: {e}")))
    }

    /// [`App::save`] from blocking code (the [`crate::Sandbox`] methods that act as the service
    /// desk).
    pub(crate) fn save_blocking(&self) -> Result<(), OsmError> {
        match &self.persistence {
            Some(p) => p.save(&self.store).map_err(|e| {
                OsmError::internal().detail(format!("the state could not be saved: {e}"))
            }),
            None => Ok(()),
        }
    }
}

/// Request counters (atomics, read by [`crate::Sandbox::counters`]).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) requests: AtomicU64,
    pub(crate) faults: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) auth_failures: AtomicU64,
    pub(crate) domain_lookups: AtomicU64,
    pub(crate) metadata_sessions: AtomicU64,
    pub(crate) instance_credentials: AtomicU64,
    pub(crate) oidc_exchanges: AtomicU64,
    pub(crate) federation_tokens: AtomicU64,
    pub(crate) federation_keys: AtomicU64,
    pub(crate) pod_identity_exchanges: AtomicU64,
}

/// The id of the request being served (an extension of every routed request).
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub(crate) String);

/// The URL clients reach the sandbox at (for download links).
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl(pub(crate) String);

/// An issued IAM token.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) expires_ms: i64,
    pub(crate) who: Who,
}

/// Issued tokens by value.
pub(crate) type Tokens = HashMap<String, Token>;

/// Sessions opened so far: session token → end of the session (business time, ms).
pub(crate) type Sessions = HashMap<String, i64>;

/// Temporary keys issued so far, by access key.
#[derive(Debug, Default)]
pub(crate) struct Issued {
    keys: HashMap<String, Temporary>,
}

/// Temporary credentials.
#[derive(Debug, Clone)]
pub(crate) struct Temporary {
    pub(crate) access_key: String,
    pub(crate) secret_key: String,
    pub(crate) security_token: String,
    pub(crate) expires_ms: i64,
}

impl Issued {
    /// The temporary credentials of an access key, if the sandbox issued it.
    pub(crate) fn get(&self, access_key: &str) -> Option<&Temporary> {
        self.keys.get(access_key)
    }

    /// Keeps newly issued credentials.
    pub(crate) fn insert(&mut self, temporary: Temporary) {
        self.keys.insert(temporary.access_key.clone(), temporary);
    }
}
