//! The command line of `cartographus-bench`: what to measure, with what, and where the
//! binaries, fixtures and report are (defaults: this repository and `make bench`'s build).

use std::path::PathBuf;

use clap::Parser;

use cartographus_bench::server::{self, Binaries};

#[derive(Parser)]
#[command(name = "cartographus-bench", about)]
pub struct Args {
    /// cartographus-server to measure (default: beside this binary).
    #[arg(long)]
    pub server_bin: Option<PathBuf>,
    /// nats-server for the sidecar and the baseline.
    #[arg(long, env = "NATS_SERVER_BIN")]
    pub nats_server_bin: Option<PathBuf>,
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures"))]
    pub fixtures: PathBuf,
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench-report.json"))]
    pub report: PathBuf,
    /// Where the data dirs go (default: the system temp dir); removed afterwards.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Keep the work dir (data dirs, logs, databases) for inspection.
    #[arg(long)]
    pub keep: bool,
    /// Connections (and JetStream publishes in flight) of the flat-out phases.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Open-loop rates, req/s.
    #[arg(long, value_delimiter = ',', default_values_t = [100, 500])]
    pub rates: Vec<u32>,
    /// Seconds at each open-loop rate.
    #[arg(long, default_value_t = 20.0)]
    pub rate_seconds: f64,
    /// Webhooks posted flat out at the pipeline.
    #[arg(long, default_value_t = 30_000)]
    pub flat_out: u64,
    /// Events of each raw baseline.
    #[arg(long, default_value_t = 20_000)]
    pub raw_events: u64,
    /// Events in the database of the query phase (0 skips it).
    #[arg(long, default_value_t = 1_000_000)]
    pub query_events: u64,
    /// A setting for the measured server, KEY=VALUE (repeatable), e.g. CARTOGRAPHUS_WRITER_BATCH_SIZE=250.
    /// Without it the server runs on its defaults.
    #[arg(long, value_parser = server::setting)]
    pub server_env: Vec<(String, String)>,
    /// Write each load phase's per-request `start_s,latency_ms` timeline into this dir.
    #[arg(long)]
    pub timeline_dir: Option<PathBuf>,
    /// Webhooks posted flat out at the server holding the full database (0: none).
    #[arg(long, default_value_t = 10_000)]
    pub full_flat_out: u64,
    /// Timed requests per query.
    #[arg(long, default_value_t = 200)]
    pub query_samples: usize,
    /// Rows of Tautulli history the import phase imports (0 skips the phase).
    #[arg(long, default_value_t = 100_000)]
    pub import_rows: usize,
    /// Run only the import phase (quick, and usable with a debug build).
    #[arg(long)]
    pub only_import: bool,
}

pub fn binaries(args: &Args) -> Result<Binaries, String> {
    Binaries::locate(
        args.server_bin.clone(),
        args.nats_server_bin.clone(),
        args.server_env.clone(),
    )
}
