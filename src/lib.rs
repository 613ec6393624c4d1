//! # huaweicloud-osm
//!
//! Rust SDK for Huawei Cloud's service-ticket API (OSM, 工单) and its iRobot Q&A API.
//!
//! ```no_run
//! # async fn demo() -> huaweicloud_osm::Result<()> {
//! use huaweicloud_osm::{Client, Credentials};
//! let client = Client::builder()
//!     .endpoint("https://osm.ap-southeast-3.myhuaweicloud.com")
//!     .credentials(Credentials::ak_sk("AK", "SK").with_domain_id("account-id"))
//!     .build()?;
//! let types = client.list_business_types_v1().send().await?;
//! println!("{} problem types", types.total_count.unwrap_or_default());
//! # Ok(()) }
//! ```
//!
//! ## Crate organisation
//! * The operations are generated at build time by progenitor from `openapi/osm.yaml`: one
//!   builder-style method per operation on [`Client`] (`client.list_cases().limit(10).send()`), the
//!   request and response types in [`types`].
//! * [`client`]: [`ClientBuilder`], endpoints and [`Region`]s, defaults, timeouts.
//! * [`auth`]: [`Credentials`], the SDK-HMAC-SHA256 [`auth::Signer`], IAM tokens.
//! * `hooks` (private): signing, default headers and error decoding around every call.
//! * `clock` (private): `X-Sdk-Date` time, IAM timestamps, the clock offset learned from the server.
//! * [`error`]: the one [`Error`] type, [`ServiceError`] and the documented [`error::codes`].
//! * [`attachments`]: the hand-written operations (multipart uploads, streaming downloads).
//! * [`retry`]: which failures are retried, with what backoff ([`RetryPolicy`]).
//! * [`operations`]: the table of every operation of the spec (method, path, headers, idempotency).
//! * `server` (feature `server`): signature verification and the `X-Sdk-Date` calendar.
//!
//! Generated calls return `Result<ResponseValue<T>, progenitor_client::Error<ServiceError>>`;
//! `?` converts that error into [`Error`], which every hand-written call returns directly.
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
pub mod error;
mod hooks;
pub mod operations;
pub mod retry;
#[cfg(feature = "server")]
pub mod server;

pub use auth::{Credentials, TokenScope};
pub use client::{ClientBuilder, Region};
pub use error::{Error, Result, ServiceError, TimeoutKind};
pub use generated::{Client, builder, types};
pub use progenitor_client::{ByteStream, ResponseValue};
pub use retry::RetryPolicy;

#[allow(missing_docs, clippy::all, unused_imports)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}

/// Typed httpmock helpers generated from the spec: `MockServerExt` with one method per operation.
#[cfg(feature = "httpmock")]
#[allow(missing_docs, unused, clippy::all)]
pub mod mock {
    include!(concat!(env!("OUT_DIR"), "/httpmock.rs"));
}

/// The README's examples, compiled as doc tests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
