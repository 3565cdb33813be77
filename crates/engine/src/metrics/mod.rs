//! Live figures the engine records as events flow: ingest rates per source and latency
//! histograms (webhook ack, webhook to live view, webhook to DuckDB). Read by the stats and
//! rendered for Prometheus at `/metrics`; sampled into a 15-minute history that the
//! pipeline view draws and its alerts are read from.

pub mod histogram;
pub mod history;
pub mod pipeline_alerts;
pub mod prometheus;
pub mod rates;

use serde::{Deserialize, Serialize};

pub use histogram::{Histogram, LatencySummary};
pub use rates::{IngestRates, Rate};

#[derive(Default)]
pub struct Metrics {
    /// From the webhook request's arrival to its 2xx.
    pub ack: Histogram,
    /// From the webhook's arrival (`received_at`) to the live view.
    pub to_live: Histogram,
    /// From the webhook's arrival to the DuckDB commit holding it.
    pub to_stored: Histogram,
    /// One writer batch: from the start of its store transaction to its commit.
    pub batch_commit: Histogram,
    pub ingest: IngestRates,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct Latencies {
    pub webhook_ack: LatencySummary,
    pub webhook_to_live: LatencySummary,
    pub webhook_to_stored: LatencySummary,
    /// The writer's batch commits (JetStream path).
    #[serde(default)]
    pub writer_commit: LatencySummary,
}

impl Metrics {
    pub fn latencies(&self) -> Latencies {
        Latencies {
            webhook_ack: self.ack.summary(),
            webhook_to_live: self.to_live.summary(),
            webhook_to_stored: self.to_stored.summary(),
            writer_commit: self.batch_commit.summary(),
        }
    }
}

/// Milliseconds since `then`, by the wall clock (never negative).
pub fn ms_since(then: chrono::DateTime<chrono::Utc>) -> f64 {
    (chrono::Utc::now() - then)
        .num_microseconds()
        .unwrap_or(0)
        .max(0) as f64
        / 1000.0
}
