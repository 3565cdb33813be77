//! Dead letters grouped into "issues", the way webhook gateways show failures: one row per
//! (source, kind, error code) with its count, first and last failure and a sample, so a
//! thousand copies of one broken sender read as one problem. Retry-all and delete-all of a
//! group are the bulk retry and the purge with the group's source, kind and code as filter
//! (every entry has a source and a code since the first release that wrote them).

use chrono::{DateTime, Utc};
use duckdb::{params_from_iter, Connection};
use serde::Serialize;

use super::store::{DlqFilter, DlqKind};
use crate::persist::sessions::time;
use crate::persist::DbError;

/// At most this many groups are listed; more would not be read as "issues" anyway.
pub const MAX_GROUPS: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct DlqGroup {
    pub source: Option<String>,
    pub kind: DlqKind,
    /// The stable code of the entries' last error; None for entries from before codes.
    pub code: Option<String>,
    /// Entries in the group: what a retry-all or delete-all of it affects.
    pub count: u64,
    pub first_failed_at: DateTime<Utc>,
    pub last_failed_at: DateTime<Utc>,
    /// The newest entry, to open as an example.
    pub sample_id: String,
    pub sample_error: String,
}

/// The groups among the entries `filter` covers, the most recently failing first.
pub fn groups(conn: &Connection, filter: &DlqFilter) -> Result<Vec<DlqGroup>, DbError> {
    let (sql, values) = filter.where_clause();
    // arg_max picks the newest entry's id and error as the group's sample in the same pass.
    let query = format!(
        "SELECT source, kind, code, count(*), epoch_ms(min(first_failed_at)),
                epoch_ms(max(last_failed_at)), arg_max(id, last_failed_at),
                arg_max(error, last_failed_at)
         FROM dlq_entries WHERE {sql}
         GROUP BY source, kind, code
         ORDER BY max(last_failed_at) DESC, source, kind, code
         LIMIT {MAX_GROUPS}"
    );
    let mut statement = conn.prepare(&query)?;
    let rows = statement.query_map(params_from_iter(values), |row| {
        let kind: String = row.get(1)?;
        Ok(DlqGroup {
            source: row.get(0)?,
            kind: DlqKind::parse(&kind).unwrap_or(DlqKind::Permanent),
            code: row.get(2)?,
            count: row.get::<_, i64>(3)?.max(0) as u64,
            first_failed_at: time(row.get(4)?).unwrap_or_default(),
            last_failed_at: time(row.get(5)?).unwrap_or_default(),
            sample_id: row.get(6)?,
            sample_error: row.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
