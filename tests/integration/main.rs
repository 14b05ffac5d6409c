//! readout's integration tests: one binary that builds fixture sites under
//! `tests/fixtures/` (and the default site) and checks the output by CSS
//! selectors, and checks the error output for bad input.

#![allow(dead_code)]

mod browser;
mod build;
mod common;
mod errors;
mod incremental;
mod reliability;
mod serve;
mod site;
mod wording;
