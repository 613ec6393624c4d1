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
//! * [`error`]: the one [`Error`] every call returns, [`ServiceError`], the documented
//!   [`error::codes`], and (privately) the whole error path from answer to `Error`.
//! * [`values`]: the documented value sets: [`values::CaseStatus`] (open), [`values::CaseAction`]
//!   and the others you send.
//! * [`lenient`]: field types that decode both shapes where the docs contradict themselves.
//! * [`attachments`]: the hand-written operations (multipart uploads, streaming downloads).
//! * [`Client::raw`]: any method and path, signed, retried and decoded like an operation.
//! * [`paginate`]: `.stream()` and `.pages()` on the builders of the 14 paged operations.
//! * [`wait`]: [`Client::wait_for_case_status`] and [`Client::wait_for_new_message`].
//! * [`retry`]: which failures are retried, with what backoff ([`RetryPolicy`]).
//! * [`operations`]: the table of every operation of the spec (method, path, headers, idempotency,
//!   limits), which the `pre` hook checks every request against before sending.
//! * `hooks` (private): limits, default headers, signing, retries and error decoding around every
//!   call; `clock` (private): `X-Sdk-Date` time and the clock offset learned from the server.
//! * `server` (feature `server`): signature verification and the `X-Sdk-Date` calendar.
//!
//! ## Cargo features
//! * `httpmock`: `mock::MockServerExt`, typed httpmock helpers generated from the spec.
//! * `server`: server-side helpers for servers such as osm-sandbox: signature verification and the
//!   calendar (`huaweicloud_osm::server`); clients never need it.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod attachments;
pub mod auth;
pub mod client;
mod clock;
pub mod convert;
pub mod error;
mod hooks;
pub mod lenient;
pub mod operations;
pub mod paginate;
pub mod prelude;
mod raw;
pub mod retry;
#[cfg(feature = "server")]
pub mod server;
pub mod values;
pub mod wait;

pub use auth::{Credentials, TokenScope};
pub use client::{ClientBuilder, Region};
pub use error::{Error, Result, ServiceError, TimeoutKind};
pub use generated::{Client, builder, types};
pub use progenitor_client::{ByteStream, ResponseValue};
pub use raw::{Method, RawRequest};
pub use retry::RetryPolicy;

#[allow(missing_docs, clippy::all, unused_imports)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}

/// Typed httpmock helpers generated from the spec: `MockServerExt` with one method per operation.
// Left out of this crate's own unit-test build (`cfg(test)`), which never uses it: 13 k generated
// lines less to compile a second time. Integration tests and users get it with the feature.
#[cfg(all(feature = "httpmock", not(test)))]
#[allow(missing_docs, unused, clippy::all)]
pub mod mock {
    include!(concat!(env!("OUT_DIR"), "/httpmock.rs"));
}

/// The README's examples, compiled as doc tests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
