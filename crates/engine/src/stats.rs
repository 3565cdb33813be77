//! Figures about the running pipeline, for `/api/v1/stats`, the desktop and the tray:
//! what is stored, what waits in the spool, what the stream holds, how the sidecar is.
//! Counts and sizes are u64 (TypeScript numbers, exact far beyond any of them).

use serde::{Deserialize, Serialize};

use crate::bus::supervisor::SidecarState;
use crate::persist::writer::WriterStats;

/// The nats-server sidecar as the user may want to see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SidecarStatus {
    /// None while it is down (and restarting).
    pub pid: Option<u32>,
    pub uptime_s: u64,
    pub restarts: u32,
    pub rss_bytes: Option<u64>,
    /// Why it last stopped on its own, if it ever did.
    pub last_exit: Option<String>,
    /// nats-server's version, e.g. "v2.12.8".
    #[serde(default)]
    pub version: Option<String>,
}

impl SidecarStatus {
    pub fn from_state(state: &SidecarState) -> Self {
        Self {
            pid: state.pid,
            uptime_s: state.up_since.map_or(0, |since| since.elapsed().as_secs()),
            restarts: state.restarts,
            rss_bytes: state.rss_bytes(),
            last_exit: state.last_exit.clone(),
            version: state.version.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct StreamStats {
    pub messages: u64,
    pub bytes: u64,
    pub first_seq: u64,
    pub last_seq: u64,
    /// The stream's size limit in bytes; None when unlimited.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    /// How long messages are kept, in seconds; None when forever.
    #[serde(default)]
    pub max_age_s: Option<u64>,
    /// How long a message id is remembered to drop a second publish of it, in seconds.
    #[serde(default)]
    pub duplicate_window_s: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ConsumerStats {
    pub name: String,
    /// Messages in the stream not yet delivered to it.
    pub pending: u64,
    /// Delivered, not yet acked.
    pub ack_pending: u64,
    /// Delivered more than once and not yet acked.
    pub redelivered: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct SpoolStats {
    pub pending: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct Stats {
    pub events_stored: u64,
    pub dlq_size: u64,
    /// Dead letters per kind (rejected, permanent, exhausted).
    pub dlq_by_kind: std::collections::BTreeMap<String, u64>,
    /// Dead letters per source.
    #[serde(default)]
    pub dlq_by_source: std::collections::BTreeMap<String, u64>,
    /// Refused bodies pushed out by the per-source cap since start (only `rejected` entries
    /// are ever removed automatically).
    pub dlq_evicted: u64,
    /// Refused bodies removed for their age since start.
    pub dlq_expired: u64,
    /// Duplicates dropped and not restored (the dedup audit).
    pub duplicates_dropped: u64,
    /// The same, per dedup rule (`event_id`, `session`, `cross_source`, `cross_origin`).
    #[serde(default)]
    pub duplicates_by_rule: std::collections::BTreeMap<String, u64>,
    /// What the writer did since start.
    pub writer: WriterStats,
    /// Webhooks accepted per source.
    pub ingest_rate: std::collections::BTreeMap<String, crate::metrics::Rate>,
    pub latency: crate::metrics::Latencies,
    /// The stream's consumers: the writer's `persist`, and in external mode the live view's ordered one.
    pub consumers: Vec<ConsumerStats>,
    pub duckdb_file_bytes: u64,
    pub stream: Option<StreamStats>,
    /// The spool; on the direct path, what an earlier run left in it (None if nothing).
    pub spool: Option<SpoolStats>,
    pub sidecar: Option<SidecarStatus>,
    /// What the pipeline view warns about now (from the last 15 minutes), most severe first.
    #[serde(default)]
    pub alerts: Vec<crate::metrics::pipeline_alerts::PipelineAlert>,
}
