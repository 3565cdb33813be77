//! The user's dead-letter limits (settings `dlq_max_entries` and `dlq_max_age_days`). They
//! can only tighten the built-in ceilings that `store.rs` keeps on every insert and sweep
//! (docs/adr/0009), so lowering them drops the oldest entries, and raising them back only
//! stops dropping.

use chrono::{DateTime, Utc};
use duckdb::{params, Connection};

use crate::persist::DbError;

/// Removes entries past the limits, oldest last failure first; returns how many went.
pub fn enforce(
    conn: &Connection,
    max_entries: u64,
    max_age: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    let too_old = conn.execute(
        "DELETE FROM dlq_entries WHERE last_failed_at < ?::TIMESTAMPTZ",
        params![(now - max_age).to_rfc3339()],
    )?;
    let too_many = conn.execute(
        "DELETE FROM dlq_entries WHERE id IN (
             SELECT id FROM dlq_entries ORDER BY last_failed_at DESC, id DESC OFFSET ?)",
        params![i64::try_from(max_entries).unwrap_or(i64::MAX)],
    )?;
    Ok(too_old + too_many)
}
