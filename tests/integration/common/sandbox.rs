//! The client the sandbox-backed tests (and the load benchmark, `benches/load.rs`) use.

use huaweicloud_osm::{Client, Credentials};

/// A client signing with the sandbox's AK/SK, answers in English.
pub fn sandbox_client(sandbox: &osm_sandbox::Sandbox) -> Client {
    let c = sandbox.credentials();
    Client::builder()
        .endpoint(sandbox.url())
        .credentials(Credentials::ak_sk(&c.access_key, &c.secret_key).with_domain_id(&c.domain_id))
        .language("en-us")
        .build()
        .expect("sandbox client builds")
}
