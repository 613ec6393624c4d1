//! The client the sandbox-backed tests (and the load benchmark, `benches/load.rs`) use.

use huaweicloud_osm::Client;

/// A client signing with the sandbox's AK/SK, answers in English.
pub fn sandbox_client(sandbox: &osm_sandbox::Sandbox) -> Client {
    Client::builder()
        .endpoint(sandbox.url())
        .credentials(sandbox.credentials().ak_sk())
        .language("en-us")
        .build()
        .expect("sandbox client builds")
}
