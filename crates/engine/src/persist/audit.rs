//! The `dedup_audit` table: every dropped duplicate, with the event that won and the key
//! that matched, so the user can see what was dropped and put a wrongly dropped one back.

use chrono::{DateTime, Utc};
use duckdb::{params, Connection, OptionalExt};
use serde::{Deserialize, Serialize};

use super::db::DbError;
use super::dedup::DedupRule;
use super::sessions::time;
use crate::event::MediaEvent;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DedupRecord {
    pub id: String,
    pub kept_event_id: String,
    pub dropped_event_id: String,
    pub matched_key: String,
    pub rule: String,
    pub at: DateTime<Utc>,
    pub dropped: MediaEvent,
    pub restored: bool,
}

/// One record per dropped event id: redeliveries of a dropped message change nothing.
fn record_id(dropped_event_id: &str) -> String {
    format!("d-{dropped_event_id}")
}

pub fn record(
    conn: &Connection,
    dropped: &MediaEvent,
    kept_event_id: &str,
    matched_key: &str,
    rule: DedupRule,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let dropped_json = serde_json::to_string(dropped).map_err(|e| DbError::Task(e.to_string()))?;
    conn.execute(
        "INSERT INTO dedup_audit (id, kept_event_id, dropped_event_id, matched_key, rule, \"at\",
                                  dropped, restored)
         VALUES (?, ?, ?, ?, ?, ?::TIMESTAMPTZ, ?, false)
         ON CONFLICT (id) DO NOTHING",
        params![
            record_id(&dropped.event_id),
            kept_event_id,
            dropped.event_id,
            matched_key,
            rule.as_str(),
            at.to_rfc3339(),
            dropped_json,
        ],
    )?;
    Ok(())
}

const COLUMNS: &str =
    "id, kept_event_id, dropped_event_id, matched_key, rule, epoch_ms(\"at\"), dropped, restored";

fn from_row(row: &duckdb::Row<'_>) -> duckdb::Result<Option<DedupRecord>> {
    let dropped: String = row.get(6)?;
    // A record whose event no longer deserialises (an older build's shape) is skipped
    // rather than failing the whole list.
    let Ok(dropped) = serde_json::from_str(&dropped) else {
        return Ok(None);
    };
    Ok(Some(DedupRecord {
        id: row.get(0)?,
        kept_event_id: row.get(1)?,
        dropped_event_id: row.get(2)?,
        matched_key: row.get(3)?,
        rule: row.get(4)?,
        at: time(row.get(5)?).unwrap_or_default(),
        dropped,
        restored: row.get(7)?,
    }))
}

/// Which dedup records a list covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(default, deny_unknown_fields)]
pub struct DedupFilter {
    /// Only drops by this rule.
    pub rule: Option<DedupRule>,
}

/// Newest first; `after` is the (time, id) of the last record of the previous page.
pub fn list(
    conn: &Connection,
    filter: DedupFilter,
    after: Option<(DateTime<Utc>, String)>,
    limit: usize,
) -> Result<Vec<DedupRecord>, DbError> {
    let (after_at, after_id) = match &after {
        Some((at, id)) => (Some(at.to_rfc3339()), Some(id.clone())),
        None => (None, None),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM dedup_audit
         WHERE (?::VARCHAR IS NULL OR rule = ?)
           AND (?::VARCHAR IS NULL OR \"at\" < ?::TIMESTAMPTZ
                OR (\"at\" = ?::TIMESTAMPTZ AND id < ?))
         ORDER BY \"at\" DESC, id DESC LIMIT {limit}"
    );
    let rule = filter.rule.map(DedupRule::as_str);
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(
        params![rule, rule, after_at, after_at, after_at, after_id],
        from_row,
    )?;
    let mut records = Vec::new();
    for row in rows {
        records.extend(row?);
    }
    Ok(records)
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<DedupRecord>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM dedup_audit WHERE id = ?");
    Ok(conn
        .query_row(&sql, params![id], from_row)
        .optional()?
        .flatten())
}

pub fn mark_restored(conn: &Connection, id: &str) -> Result<(), DbError> {
    conn.execute(
        "UPDATE dedup_audit SET restored = true WHERE id = ?",
        params![id],
    )?;
    Ok(())
}

/// Dropped and not restored, per rule, for the stats.
pub fn count_dropped_by_rule(conn: &Connection) -> Result<Vec<(String, u64)>, DbError> {
    super::db::counts_per(
        conn,
        "SELECT rule, count(*) FROM dedup_audit WHERE NOT restored GROUP BY rule ORDER BY rule",
    )
}
