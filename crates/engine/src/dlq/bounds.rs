//! The bounds on dead letters: only `rejected` entries (bodies refused with 4xx, whose
//! senders were told) are ever removed automatically — 10,000 per source, and 7 days. The
//! others hold events whose webhooks were acknowledged and stay until retried or deleted.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use duckdb::{params, Connection};

use crate::persist::DbError;

/// At most this many `rejected` entries are kept per source; the oldest make room.
pub const MAX_REJECTED_PER_SOURCE: u64 = 10_000;
/// `rejected` entries older than this (by their last failure) are removed.
pub const RETENTION: chrono::Duration = chrono::Duration::days(7);

/// Refused bodies removed by the bounds since start, for the stats.
#[derive(Debug, Default)]
pub struct DlqCounters {
    evicted: AtomicU64,
    expired: AtomicU64,
}

impl DlqCounters {
    /// Counts refused bodies of `source` pushed out by the per-source cap, and says so.
    pub fn evicted(&self, source: Option<&str>, n: usize) {
        if n > 0 {
            self.evicted.fetch_add(n as u64, Ordering::Relaxed);
            tracing::warn!(
                source = source.unwrap_or("unknown"),
                evicted = n,
                "dead letters: the oldest refused bodies of this source made room \
                 (at most {MAX_REJECTED_PER_SOURCE} are kept per source)"
            );
        }
    }

    /// Counts refused bodies removed for their age, and says so.
    pub fn expired(&self, n: usize) {
        if n > 0 {
            self.expired.fetch_add(n as u64, Ordering::Relaxed);
            tracing::warn!(
                expired = n,
                "dead letters: refused bodies older than {} days removed",
                RETENTION.num_days()
            );
        }
    }

    pub fn evicted_total(&self) -> u64 {
        self.evicted.load(Ordering::Relaxed)
    }

    pub fn expired_total(&self) -> u64 {
        self.expired.load(Ordering::Relaxed)
    }
}

/// Drops the oldest `rejected` entries of `source` beyond [`MAX_REJECTED_PER_SOURCE`], so a
/// flood of bad bodies from one sender costs nobody else's entries; returns how many.
pub(super) fn evict_rejected(conn: &Connection, source: Option<&str>) -> Result<usize, DbError> {
    Ok(conn.execute(
        "DELETE FROM dlq_entries WHERE id IN (
             SELECT id FROM dlq_entries
             WHERE kind = 'rejected' AND source IS NOT DISTINCT FROM ?
             ORDER BY last_failed_at DESC, id DESC OFFSET ?)",
        params![source, MAX_REJECTED_PER_SOURCE as i64],
    )?)
}

/// Removes `rejected` entries whose last failure is older than the retention; returns how
/// many. Entries of acknowledged events never expire.
pub fn expire(conn: &Connection, now: DateTime<Utc>) -> Result<usize, DbError> {
    Ok(conn.execute(
        "DELETE FROM dlq_entries WHERE kind = 'rejected' AND last_failed_at < ?::TIMESTAMPTZ",
        params![(now - RETENTION).to_rfc3339()],
    )?)
}
