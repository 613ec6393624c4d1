//! What a program using the SDK imports: `use huaweicloud_osm::prelude::*;`
//!
//! The client and its set-up ([`Client`], [`Credentials`], [`Region`]), the one [`Error`] and
//! [`Result`], the generated [`types`], the value sets used every day ([`CaseStatus`],
//! [`CaseAction`]), [`Method`] for [`Client::raw`], and the traits whose methods the SDK's types
//! use ([`Download`] for saving a download).

pub use crate::attachments::Download;
pub use crate::values::{CaseAction, CaseStatus};
pub use crate::{Client, Credentials, Error, Method, Region, Result, types};
