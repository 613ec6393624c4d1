//! # huaweicloud-osm
//!
//! Rust SDK for Huawei Cloud's service-ticket API (OSM, 工单) and its iRobot Q&A API.
//!
//! ```no_run
//! use huaweicloud_osm::prelude::*;
//!
//! # async fn demo() -> Result<()> {
//! let client = Client::builder()
//!     .region(Region::AP_SOUTHEAST_3)
//!     .credentials(Credentials::ak_sk("AK", "SK").with_domain_id("account-id"))
//!     .build()?;
//! let open = client.list_cases().status(CaseStatus::PROCESSING).limit(10).send().await?;
//! for ticket in &open.incident_info_list {
//!     let status = ticket.status.unwrap_or_default();
//!     println!("{}: {status}", ticket.incident_id.as_deref().unwrap_or("?"));
//! }
//! match client.show_case_detail().case_id("CS20990101000000").send().await {
//!     Err(e) if e.is_not_found() => println!("no such ticket (request id {:?})", e.request_id()),
//!     other => drop(other?),
//! }
//! # Ok(()) }
//! ```
//!
//! ## Crate organisation
//! * The operations are generated at build time by progenitor from `openapi/osm.yaml`: one
//!   builder-style method per operation on [`Client`] (`client.list_cases().limit(10).send()`), the
//!   request and response types in [`types`]. Every `send()` returns [`Result`]; builder setters
//!   take `&str`/`String` for text, optional fields included ([`convert`]).
//! * [`prelude`]: what a program imports.
//! * [`client`]: [`ClientBuilder`], endpoints and [`Region`]s, defaults, timeouts, proxy and TLS.
//! * [`auth`]: [`Credentials`] and the provider chain (OIDC STS, environment, profile file,
//!   instance metadata, CCE pod identity), federated identity, [`auth::ProvideCredentials`] for
//!   sources of yours, the account id lookup, the SDK-HMAC-SHA256 [`auth::Signer`], IAM tokens.
//! * [`error`]: the one [`Error`] every call returns, [`ServiceError`], the classification table
//!   of every documented code ([`error::codes`], read by [`Error::kind`] and the `is_*`
//!   predicates), and (privately) the whole error path from answer to `Error`.
//! * [`values`]: the documented value sets: [`values::CaseStatus`] (open), [`values::CaseAction`]
//!   and the others you send.
//! * [`lenient`]: field types that decode both shapes where the docs contradict themselves.
//! * [`attachments`]: the hand-written operations (multipart uploads, streaming downloads), checked
//!   against the spec's limits from the same table as every operation.
//! * [`Client::raw`]: any method and path, signed, retried and decoded like an operation.
//! * [`paginate`]: `.stream()` and `.pages()` on the builders of the 14 paged operations.
//! * [`wait`] (feature `v2`): [`Client::wait_for_case_status`] and [`Client::wait_for_new_message`].
//! * [`retry`]: which failures are retried, with what backoff ([`RetryPolicy`]).
//! * [`operations`]: the table of every operation of the spec (method, path, headers, idempotency,
//!   limits), which the `pre` step checks every request against before sending.
//! * `hooks` (private): the `pre` (the URL decoded once, limits, the JSON body written once,
//!   default headers) and `exec` (signing, retries, the answer or its error) steps every generated
//!   `send()` calls, errors as values; [`clock`]: `X-Sdk-Date` time, the clock offset learned
//!   from the server, and the UTC calendar of the API's time formats; `body` (private): the one capped reader of bodies held whole.
//! * `mock` (feature `httpmock`): typed httpmock helpers for testing your own code.
//!
//! Verifying signatures is a server's job: `osm-sandbox` does it (`osm_sandbox::verify`) with this
//! crate's [`auth::Signer`].
//!
//! ## Cargo features
//! * The API areas, all three on by default; only the operations of the enabled ones are
//!   generated, with their types, paginators and mocks (a program that uses one area builds
//!   faster with `default-features = false` and that area):
//!   * `v2`: the v2 ticket API (`/v2/servicerequest/…`: tickets, messages, labels, attachments,
//!     authorizations, diagnosis, lookups…) and the one historical API of Huawei's SDK, with the
//!     v2 uploads ([`Client::upload_accessory`]) and the waiters (`wait`);
//!   * `v1`: the historical v1.0 ticket API (operations ending in `_v1`), with its uploads and
//!     downloads ([`Client::upload_accessory_v1`]);
//!   * `irobot`: the iRobot Q&A API (`/v2/irobot/…`).
//! * `schemars`: `schemars::JsonSchema` on every generated type (and the hand-written types they
//!   hold), for tools that print or check bodies against their schemas, such as the `osm` command
//!   line; off by default, the derive on every type being an eighth of the crate's compile time.
//! * `httpmock`: `mock::MockServerExt`, typed httpmock helpers generated from the spec, to test
//!   your own code against mocked answers (see the `mock` module).
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// With no API area enabled there is no operation to call the hooks and the error path.
#![cfg_attr(
    not(any(feature = "v1", feature = "v2", feature = "irobot")),
    allow(dead_code, unused_imports)
)]

pub mod attachments;
pub mod auth;
mod body;
pub mod client;
pub mod clock;
pub mod convert;
pub mod error;
mod hooks;
pub mod lenient;
pub mod operations;
pub mod paginate;
pub mod prelude;
mod raw;
pub mod retry;
#[cfg(test)]
mod test_support;
pub mod values;
#[cfg(feature = "v2")]
#[cfg_attr(docsrs, doc(cfg(feature = "v2")))]
pub mod wait;

pub use auth::{Credentials, TokenScope};
pub use client::{ClientBuilder, Region};
pub use error::{Error, Result, ServiceError, TimeoutKind};
pub use generated::{Client, builder, types};
pub use progenitor_client::{ByteStream, ResponseValue};
pub use raw::{Method, RawRequest};
pub use retry::RetryPolicy;

/// The version of the OpenAPI description this crate was generated from (`info.version` of
/// `openapi/osm.yaml`); the README's "Versions" section says which Huawei documentation and SDK
/// release it tracks.
pub const SPEC_VERSION: &str = env!("HUAWEICLOUD_OSM_SPEC_VERSION");

/// The OpenAPI description this crate was generated from, as YAML: every operation with its
/// parameters, limits and examples, for tools that describe or serve the API (the `osm` command
/// line and `osm-sandbox` read it as [`OPENAPI_JSON`]).
pub const OPENAPI_YAML: &str = include_str!("../openapi/osm.yaml");

/// [`OPENAPI_YAML`] as JSON (compact, the same value, every API area whatever the features), for
/// tools that read the description at run time without a YAML parser: `osm-sandbox` and
/// `osm mcp` parse it with `serde_json`. Written by the build script; a program that does not use
/// it does not carry it.
pub const OPENAPI_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/spec.json"));

#[allow(missing_docs, clippy::all, unused_imports)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}

/// Typed httpmock helpers generated from the spec, to test your own code against the answers you
/// choose: one method per operation on [`httpmock::MockServer`] (`MockServerExt`), each taking a
/// closure that gets the operation's `When` (its path, query and header parameters as typed
/// setters: `when.case_id("CS…")`) and `Then` (the answer: `then.ok(&response)`,
/// `then.osm_error(code, message)` for a business error under HTTP 200 as OSM sends most of
/// them, `then.client_error(status, &ServiceError::new(code, message))` /
/// `then.server_error(…)` for 4xx/5xx). Both wrap httpmock's own `When`/`Then`
/// (`into_inner()`) for anything the typed setters do not cover.
///
/// ```
/// use httpmock::MockServer;
/// use huaweicloud_osm::mock::MockServerExt;
/// use huaweicloud_osm::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = MockServer::start_async().await;
/// let status = server.show_case_status(|when, then| {
///     when.case_id("CS20991231000001");
///     then.ok(&types::ShowCaseStatusResponse { status: Some(CaseStatus::PROCESSING) });
/// });
/// let closed = server.update_cases(|when, then| {
///     when.case_id("CS20991231000001");
///     then.osm_error("OSM.01010015", "This case does not exist.");
/// });
/// let client = Client::builder()
///     .endpoint(server.base_url())
///     .credentials(Credentials::ak_sk("AK", "SK").with_domain_id("account"))
///     .build()
///     .unwrap();
///
/// let answer = client.show_case_status().case_id("CS20991231000001").send().await.unwrap();
/// assert_eq!(answer.status, Some(CaseStatus::PROCESSING));
/// let err = client
///     .update_cases()
///     .case_id("CS20991231000001")
///     .action_id(CaseAction::Close)
///     .body(types::WorkOrderOperateV2Req::builder())
///     .send()
///     .await
///     .unwrap_err();
/// assert!(err.is_not_found());
/// status.assert();
/// closed.assert();
/// # }
/// ```
///
/// For whole flows (a ticket that is created, then listed, then closed), the `osm-sandbox` crate
/// runs a local OSM with state, signature checks and scripted faults; the README's "Testing your
/// own code" shows both.
// Left out of this crate's own unit-test build (`cfg(test)`), which never uses it: 13 k generated
// lines less to compile a second time. Integration tests and users get it with the feature.
#[cfg(all(feature = "httpmock", not(test)))]
#[cfg_attr(docsrs, doc(cfg(feature = "httpmock")))]
#[allow(missing_docs, unused, clippy::all)]
pub mod mock {
    include!(concat!(env!("OUT_DIR"), "/httpmock.rs"));
}
