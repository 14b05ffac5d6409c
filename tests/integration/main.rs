//! readout's integration tests: one binary that builds fixture sites under
//! `tests/fixtures/` (and the default site) and checks the output by CSS
//! selectors, and checks the error output for bad input.

#![allow(dead_code)]
// A test binary has no interface: its helpers are `pub` for the other test modules.
#![allow(unreachable_pub)]
// The 80-line rule holds for src/; a test's table of edits or of hostile requests reads best whole.
#![allow(clippy::too_many_lines)]

mod browser;
mod build;
mod common;
mod equivalence;
mod errors;
mod external;
mod honest;
mod images;
mod incremental;
mod init;
mod phone;
mod reliability;
mod search;
mod serve;
mod sharing;
mod site;
mod tools;
mod wording;
