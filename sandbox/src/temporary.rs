//! Temporary AK/SK the sandbox issues (instance metadata, OIDC STS, federated identity, pod
//! identity), which its gateway ([`crate::auth`]) then accepts with their security token until
//! they expire (business time: [`crate::Sandbox::advance_clock`] lets them expire without
//! waiting).
//!
//! A key lives as long as the exchange asked for (STS's `duration_seconds`, IAM's), at most
//! [`crate::SandboxBuilder::temporary_credentials_validity`], which the metadata service and the
//! pod identity agent, asked for no duration, give in full.

use std::time::Duration;

use crate::app::{App, Temporary};

/// Issues new temporary keys valid for `asked` (capped by the sandbox's validity), or for the
/// sandbox's validity when nothing was asked.
pub(crate) fn issue(app: &App, asked: Option<Duration>) -> Temporary {
    let validity = asked.map_or(app.temporary_validity, |d| d.min(app.temporary_validity));
    let expires_ms =
        app.clock.now_ms() + i64::try_from(validity.as_millis()).unwrap_or(i64::MAX / 2);
    let temporary = {
        let mut store = app.store.lock().expect("store lock");
        Temporary {
            access_key: format!("SANDBOXTMP{}", store.new_id(10).to_uppercase()),
            secret_key: store.new_id(20),
            security_token: format!("gQpjbi1ub3J0aC00sandbox{}", store.new_id(120)),
            expires_ms,
        }
    };
    app.temporary
        .lock()
        .expect("temporary keys lock")
        .insert(temporary.clone());
    temporary
}
