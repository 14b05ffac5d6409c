//! `readout serve`: a live-reload preview. Only this module knows about
//! HTTP, sockets and file watching; the library only takes a script to put
//! in each page.

use std::net::IpAddr;

use crate::config::BuildOptions;

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub port: u16,
    pub bind: IpAddr,
    pub open: bool,
    pub poll: bool,
    pub verbosity: u8,
}

/// Builds, serves, watches and rebuilds until Ctrl-C.
pub fn run(_options: ServeOptions) -> anyhow::Result<()> {
    anyhow::bail!("serve is not implemented yet")
}
