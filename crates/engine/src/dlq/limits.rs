//! The user's dead-letter limits (settings `dlq_max_entries` and `dlq_max_age_days`). They
//! can only tighten the built-in bounds of `bounds.rs` and follow the same rule: only
//! `rejected` entries (refused bodies, whose senders were told) are ever dropped, counted per
//! source; entries of acknowledged events stay until retried or deleted (docs/adr/0014).

use chrono::{DateTime, Utc};
use duckdb::{params, Connection};

use crate::persist::DbError;

/// What enforcing the limits removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Enforced {
    /// Refused bodies older than the age limit.
    pub expired: usize,
    /// Refused bodies beyond the per-source count limit, oldest last failure first.
    pub evicted: usize,
}

impl Enforced {
    pub fn total(&self) -> usize {
        self.expired + self.evicted
    }
}

pub fn enforce(
    conn: &Connection,
    max_entries_per_source: u64,
    max_age: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<Enforced, DbError> {
    let expired = conn.execute(
        "DELETE FROM dlq_entries WHERE kind = 'rejected' AND last_failed_at < ?::TIMESTAMPTZ",
        params![(now - max_age).to_rfc3339()],
    )?;
    let evicted = conn.execute(
        "DELETE FROM dlq_entries WHERE id IN (
             SELECT id FROM (
                 SELECT id, row_number() OVER (
                     PARTITION BY source ORDER BY last_failed_at DESC, id DESC) AS newest
                 FROM dlq_entries WHERE kind = 'rejected')
             WHERE newest > ?)",
        params![i64::try_from(max_entries_per_source).unwrap_or(i64::MAX)],
    )?;
    Ok(Enforced { expired, evicted })
}
