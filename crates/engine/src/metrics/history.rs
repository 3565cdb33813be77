//! The last 15 minutes of the pipeline, one sample every 5 seconds, kept in the engine so a
//! freshly opened window draws its charts at once instead of starting empty. A sample holds
//! rates (from counters, over its interval) and levels (what waits where).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::stats::Stats;

pub const SAMPLE_EVERY: Duration = Duration::from_secs(5);
/// 15 minutes of samples.
pub const KEPT: usize = 180;

/// The writer's consumer: what it has not stored yet is what "stuck" is measured on.
const WRITER_CONSUMER: &str = "persist";

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct StatsSample {
    pub at: DateTime<Utc>,
    /// Webhooks accepted per second over the interval, per source.
    pub ingest_per_s: BTreeMap<String, f64>,
    /// Events the writer stored per second over the interval.
    pub stored_per_s: f64,
    /// The writer's count since start, from which `stored_per_s` is derived.
    pub stored_total: u64,
    pub spool_pending: u64,
    /// In the stream, not yet delivered to the writer.
    pub writer_pending: u64,
    /// Delivered to the writer, not yet acknowledged.
    pub writer_ack_pending: u64,
    pub dlq_size: u64,
    pub stream_messages: Option<u64>,
    pub duckdb_file_bytes: u64,
    /// None on the direct path and with an external server.
    pub sidecar_restarts: Option<u32>,
    pub sidecar_rss_bytes: Option<u64>,
}

impl StatsSample {
    /// Whether events arrived or were stored during the interval.
    pub fn is_busy(&self) -> bool {
        self.stored_per_s > 0.0 || self.ingest_per_s.values().any(|rate| *rate > 0.0)
    }

    /// A sample of `stats` at `at`; rates against `previous` (none for the first sample).
    pub fn of(
        stats: &Stats,
        at: DateTime<Utc>,
        ingest_per_s: BTreeMap<String, f64>,
        previous: Option<&StatsSample>,
    ) -> Self {
        let stored_total = stats.writer.stored;
        let stored_per_s = previous.map_or(0.0, |previous| {
            let seconds = (at - previous.at).num_milliseconds() as f64 / 1000.0;
            let stored = stored_total.saturating_sub(previous.stored_total) as f64;
            if seconds > 0.0 {
                stored / seconds
            } else {
                0.0
            }
        });
        let writer = stats.consumers.iter().find(|c| c.name == WRITER_CONSUMER);
        Self {
            at,
            ingest_per_s,
            stored_per_s,
            stored_total,
            spool_pending: stats.spool.as_ref().map_or(0, |s| s.pending),
            writer_pending: writer.map_or(0, |c| c.pending),
            writer_ack_pending: writer.map_or(0, |c| c.ack_pending),
            dlq_size: stats.dlq_size,
            stream_messages: stats.stream.as_ref().map(|s| s.messages),
            duckdb_file_bytes: stats.duckdb_file_bytes,
            sidecar_restarts: stats.sidecar.as_ref().map(|s| s.restarts),
            sidecar_rss_bytes: stats.sidecar.as_ref().and_then(|s| s.rss_bytes),
        }
    }
}

/// The ring of samples.
#[derive(Default)]
pub struct StatsHistory {
    samples: Mutex<VecDeque<StatsSample>>,
}

impl StatsHistory {
    pub fn push(&self, sample: StatsSample) {
        let mut samples = self
            .samples
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        samples.push_back(sample);
        while samples.len() > KEPT {
            samples.pop_front();
        }
    }

    /// Oldest first.
    pub fn samples(&self) -> Vec<StatsSample> {
        self.samples
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    pub fn last(&self) -> Option<StatsSample> {
        self.samples
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .back()
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::writer::WriterStats;
    use crate::stats::{ConsumerStats, SpoolStats};

    pub(crate) fn stats(stored: u64) -> Stats {
        Stats {
            events_stored: stored,
            dlq_size: 2,
            dlq_by_kind: BTreeMap::new(),
            dlq_by_source: BTreeMap::new(),
            duplicates_by_rule: BTreeMap::new(),
            dlq_evicted: 0,
            dlq_expired: 0,
            duplicates_dropped: 0,
            writer: WriterStats {
                stored,
                ..WriterStats::default()
            },
            ingest_rate: BTreeMap::new(),
            latency: crate::metrics::Metrics::default().latencies(),
            consumers: vec![ConsumerStats {
                name: "persist".to_string(),
                pending: 7,
                ack_pending: 3,
                redelivered: 0,
            }],
            duckdb_file_bytes: 4096,
            stream: None,
            spool: Some(SpoolStats {
                pending: 5,
                bytes: 500,
            }),
            sidecar: None,
            alerts: Vec::new(),
        }
    }

    #[test]
    fn a_sample_takes_its_rate_from_the_previous_one_and_its_levels_from_the_stats() {
        let t0 = Utc::now();
        let first = StatsSample::of(&stats(100), t0, BTreeMap::new(), None);
        assert_eq!(first.stored_per_s, 0.0, "no rate without an interval");
        let second = StatsSample::of(
            &stats(150),
            t0 + chrono::Duration::seconds(5),
            BTreeMap::from([("plex".to_string(), 4.0)]),
            Some(&first),
        );
        assert_eq!(second.stored_per_s, 10.0);
        assert_eq!(second.writer_pending, 7);
        assert_eq!(second.writer_ack_pending, 3);
        assert_eq!(second.spool_pending, 5);
        assert_eq!(second.ingest_per_s["plex"], 4.0);
    }

    #[test]
    fn the_ring_keeps_the_last_fifteen_minutes() {
        let history = StatsHistory::default();
        let t0 = Utc::now();
        for n in 0..KEPT + 20 {
            let at = t0 + chrono::Duration::seconds(5 * n as i64);
            history.push(StatsSample::of(&stats(n as u64), at, BTreeMap::new(), None));
        }
        let samples = history.samples();
        assert_eq!(samples.len(), KEPT);
        assert_eq!(samples[0].stored_total, 20, "the oldest went first");
        assert_eq!(history.last().unwrap().stored_total, (KEPT + 19) as u64);
    }
}
