//! The project's tasks: `cargo xtask validate [SPEC]` checks an OpenAPI spec against OpenAPI 3.0,
//! progenitor's limits and the house rules, reporting every finding with file:line, JSON pointer,
//! rule name and a hint; `cargo xtask codegen` writes the generated client where it can be read;
//! `cargo xtask bench` runs the benchmarks and prints the table of BENCHMARKS.md.
//!
//! Modules, in the order a validation runs:
//! - [`spec`] reads the YAML (as `build.rs` does) and [`locate`] maps JSON pointers to lines;
//! - [`metaschema`] (`meta-schema`) and [`refs`] (`unresolved-ref`) check the structure;
//! - [`rules::progenitor`] and [`rules::house`] hold the named rules, listed in [`rules::catalog`];
//! - [`examples`] validates examples against their schemas;
//! - [`generator`] runs progenitor through [`generate`] (the build scripts' own generator,
//!   `huaweicloud-osm-codegen`, with [`limits`], which moves the spec's limits into the operation
//!   table, and [`passes`], which rewrites progenitor's output), panics included;
//! - [`cli_passes`] (the same crate) generates the `osm` command-line tool from the same spec and settings;
//! - [`validate`] ties them together, [`findings`] prints the result, [`readable_client`] writes the code;
//! - [`bench`](mod@bench) runs `benches/` and reads criterion's results into one table.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The generator, run by the build scripts of the SDK and the CLI (`huaweicloud-osm-codegen`).
pub use huaweicloud_osm_codegen::{cli_passes, generate, limits, names, paging, passes};

pub mod bench;
pub mod build_cost;
pub mod cli;
pub mod examples;
pub mod findings;
pub mod generator;
pub mod locate;
pub mod metaschema;
pub mod model;
pub mod readable_client;
pub mod refs;
pub mod rules;
pub mod spec;
pub mod text;
pub mod validate;
