//! The command line of `cartographus-soak`: how long, how hard and how often to kill, and
//! where the binaries, fixtures and report are (defaults: this repository and `make soak`'s
//! build).

use std::path::PathBuf;

use clap::Parser;

use cartographus_bench::server;

use crate::schedule::{self, Gaps};

#[derive(Parser)]
#[command(
    name = "cartographus-soak",
    about = "Mixed webhook load for a long while, with kill -9 of the server and of its \
             nats-server sidecar every few minutes; at the end, every acknowledged event must \
             be stored exactly once."
)]
pub struct Args {
    /// cartographus-server to soak (default: beside this binary).
    #[arg(long)]
    pub server_bin: Option<PathBuf>,
    /// nats-server for the sidecar.
    #[arg(long, env = "NATS_SERVER_BIN")]
    pub nats_server_bin: Option<PathBuf>,
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures"))]
    pub fixtures: PathBuf,
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../soak-report.json"))]
    pub report: PathBuf,
    /// Where the data dir goes (default: the system temp dir); removed after a passing run,
    /// kept after a failing one.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Keep the work dir (data dir, server log, DuckDB file) even when the run passes.
    #[arg(long)]
    pub keep: bool,
    /// Minutes of load.
    #[arg(long, default_value_t = 30.0, value_parser = positive)]
    pub minutes: f64,
    /// Webhooks per second, open loop (each starts on time whatever the others do).
    #[arg(long, default_value_t = 50.0, value_parser = positive)]
    pub rate: f64,
    /// Connections the webhooks share: at most this many requests in flight.
    #[arg(long, default_value_t = 4)]
    pub connections: usize,
    /// Seconds between kills: MIN-MAX (each gap drawn from the seed) or one number. Kills
    /// alternate: the server first, then its sidecar.
    #[arg(long, default_value = "120-240", value_parser = schedule::gaps)]
    pub kill_every: Gaps,
    /// Seed of the kill schedule (default: from the clock; the report says which).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Seconds between RSS samples of the server and its sidecar.
    #[arg(long, default_value_t = 5.0, value_parser = positive)]
    pub rss_every: f64,
    /// Seconds the end may wait for the spool and the stream to drain into DuckDB.
    #[arg(long, default_value_t = 300.0, value_parser = positive)]
    pub drain_within: f64,
    /// A setting for the server, KEY=VALUE (repeatable). Without it the server runs on its
    /// defaults.
    #[arg(long, value_parser = server::setting)]
    pub server_env: Vec<(String, String)>,
}

fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("{text:?} is not a positive number")),
    }
}
