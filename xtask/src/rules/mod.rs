//! The rules: progenitor's limits and the house rules. Structure rules live in
//! [`crate::metaschema`] and [`crate::refs`], example rules in [`crate::examples`], the generator
//! run in [`crate::generator`].

pub mod catalog;
pub mod house;
pub mod progenitor;
pub mod tsv;
