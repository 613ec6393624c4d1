//! The README's examples, compiled and run as doc tests so that they stay true (`cargo test
//! --workspace --all-features`; its mocks need the `httpmock` feature). The integration tests are
//! the `integration` test target (`integration/main.rs`).

/// The README.
#[doc = include_str!("../README.md")]
#[cfg(all(doctest, feature = "httpmock"))]
pub struct ReadmeDoctests;
