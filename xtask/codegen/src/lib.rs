//! The generator of `huaweicloud-osm` and of its command line `osm`: what their build scripts run to
//! turn `openapi/osm.yaml` into Rust with progenitor, and what `cargo xtask validate` runs to check
//! the spec against exactly the build's settings.
//!
//! - [`areas`]: the API areas (the SDK's features `v1`, `v2`, `irobot`) and the spec cut to some;
//! - [`builders`]: keeps the type builders of the types requests send, and no others;
//! - [`directions`]: `Serialize` on what requests send, `Deserialize` on what responses carry (both
//!   everywhere with the SDK's `serde-serialize` and `serde-deserialize` features);
//! - [`generate`]: progenitor's settings, the spec's preparation and the SDK's generated code;
//! - [`limits`]: moves the spec's limits out of the generated types into one checked table;
//! - [`names`]: the Rust names progenitor gives the spec's names (heck's snake case);
//! - [`yaml`]: the spec's YAML as JSON (saphyr-parser's events, typed as serde_yaml types them);
//! - [`paging`]: finds the paged operations and emits their paginators (syntax trees);
//! - [`passes`]: rewrites progenitor's client (one error type, `&str` setters, paginators);
//! - [`schemas`]: `schemars::JsonSchema` on the generated types only with the SDK's `schemars` feature;
//! - [`mock_passes`]: gives the typed httpmock helpers OSM's errors under HTTP 200;
//! - `cli_passes` (feature `cli`): the `osm` command line from `Generator::cli`, rewritten likewise.
//!
//! Published only so the SDK and the CLI build from their packages: its interface follows theirs and
//! has no stability promise of its own.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod areas;
pub mod builders;
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod cli_passes;
pub mod directions;
pub mod generate;
pub mod limits;
pub mod mock_passes;
pub mod names;
pub mod paging;
pub mod passes;
pub mod schemas;
pub mod yaml;
