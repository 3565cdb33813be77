//! What `cartographus-bench` (`make bench`) and `cartographus-soak` (`make soak`) share: the
//! real-format webhook generator and the load it drives, the server under test with its
//! sidecar, what /proc says about both, and the report helpers.

pub mod cpu;
pub mod import;
pub mod live;
pub mod load;
pub mod pipeline;
pub mod process;
pub mod queries;
pub mod raw_duckdb;
pub mod raw_http;
pub mod raw_nats;
pub mod report;
pub mod server;
pub mod summary;
pub mod target;
pub mod throughput;
pub mod webhooks;

/// This repository (fixtures, the sidecar binary, the default report paths).
pub const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
