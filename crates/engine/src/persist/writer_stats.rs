//! The writer's counters (what it stored, dropped, retried, dead-lettered, and the CPU it
//! spent), shared with the stats, the Pipeline view and replay.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::store::Outcome;

/// What the writer has done since start, for the stats.
#[derive(Debug, Default)]
pub struct WriterCounters {
    pub stored: AtomicU64,
    pub duplicates: AtomicU64,
    pub redelivered: AtomicU64,
    pub naks: AtomicU64,
    pub dead_lettered: AtomicU64,
    pub batches: AtomicU64,
    /// CPU time the writer's thread spent storing batches, in microseconds.
    pub store_cpu_us: AtomicU64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
pub struct WriterStats {
    pub stored: u64,
    pub duplicates: u64,
    pub redelivered: u64,
    pub naks: u64,
    pub dead_lettered: u64,
    pub batches: u64,
    /// CPU time spent storing batches (dedup, sessions, inserts, commit), in microseconds:
    /// divided by `stored`, the writer's cost per event.
    pub store_cpu_us: u64,
}

impl WriterCounters {
    pub fn snapshot(&self) -> WriterStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        WriterStats {
            stored: get(&self.stored),
            duplicates: get(&self.duplicates),
            redelivered: get(&self.redelivered),
            naks: get(&self.naks),
            dead_lettered: get(&self.dead_lettered),
            batches: get(&self.batches),
            store_cpu_us: get(&self.store_cpu_us),
        }
    }

    /// Counts what a stored batch did.
    pub fn count(&self, outcomes: &[Outcome]) {
        for outcome in outcomes {
            let counter = match outcome {
                Outcome::Stored { .. } => &self.stored,
                Outcome::Redelivered => &self.redelivered,
                Outcome::Duplicate { .. } => &self.duplicates,
            };
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }
}
