//! The integration tests, in one binary: each module was a test binary of its own, and every
//! binary links the SDK, tokio, reqwest, httpmock and the sandbox again (26 links of the same
//! code). Shared scaffolding is in `common`. Run one area with a filter, e.g.
//! `cargo test -p huaweicloud-osm-tests --all-features --test integration paging::`.

mod common;

mod arguments;
#[cfg(feature = "httpmock")]
mod auth;
mod connectivity;
#[cfg(feature = "httpmock")]
mod contract_attachments;
#[cfg(feature = "httpmock")]
mod contract_authorizations;
#[cfg(feature = "httpmock")]
mod contract_cases;
#[cfg(feature = "httpmock")]
mod contract_config;
mod contract_coverage;
#[cfg(feature = "httpmock")]
mod contract_irobot;
#[cfg(feature = "httpmock")]
mod contract_messages_labels;
#[cfg(feature = "httpmock")]
mod contract_v1;
#[cfg(feature = "httpmock")]
mod contract_verification;
mod e2e_auth_faults;
mod e2e_credentials;
mod e2e_faults;
mod e2e_sandbox;
mod e2e_temporary_credentials;
mod environment;
mod errors;
mod hand_feel;
mod paging;
mod properties;
mod python_sdk;
mod quickstart;
mod raw;
mod reliability;
mod signing_vectors;
#[cfg(feature = "httpmock")]
mod testing_your_code;
