//! The `dlq_entries` table: adding entries, and the list / get / delete / purge functions
//! behind the DLQ view. Retry lives in `retry.rs`, the bounds on refused bodies in `bounds.rs`.

use chrono::{DateTime, Utc};
use duckdb::{params, params_from_iter, Connection, OptionalExt};
use serde::{Deserialize, Serialize};

use crate::event::Source;
use crate::persist::db::counts_per;
use crate::persist::events::{escape_like, search_text};
use crate::persist::sessions::time;
use crate::persist::DbError;
use crate::secret::generate_token;

use super::bounds::evict_rejected;
pub use super::bounds::{expire, DlqCounters, MAX_REJECTED_PER_SOURCE, RETENTION};

/// A new entry's id, and how many older refused bodies of its source made room for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inserted {
    pub id: String,
    pub evicted: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum DlqKind {
    /// Refused at the webhook: the body never became an event.
    Rejected,
    /// Became an event but cannot be stored as it is (fails validation, unknown shape).
    Permanent,
    /// Storing failed on every delivery.
    Exhausted,
}

impl DlqKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DlqKind::Rejected => "rejected",
            DlqKind::Permanent => "permanent",
            DlqKind::Exhausted => "exhausted",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::Rejected, Self::Permanent, Self::Exhausted]
            .into_iter()
            .find(|k| k.as_str() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub error: String,
}

/// A new entry, before it has an id.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub kind: DlqKind,
    /// Stable code of the last error (`invalid_json`, `store_failed`, …).
    pub code: String,
    pub source: Option<String>,
    pub subject: Option<String>,
    pub attempts: Vec<Attempt>,
    /// The raw body (rejected) or the event as JSON; secrets already removed.
    pub payload: Vec<u8>,
    /// Content type the payload is parsed as (rejected bodies); None means JSON.
    pub content_type: Option<String>,
    pub headers: serde_json::Value,
    pub event_id: Option<String>,
    pub stream_seq: Option<u64>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DlqEntry {
    pub id: String,
    pub kind: DlqKind,
    pub code: Option<String>,
    pub source: Option<String>,
    pub subject: Option<String>,
    /// The last error.
    pub error: String,
    pub attempts: Vec<Attempt>,
    pub first_failed_at: DateTime<Utc>,
    pub last_failed_at: DateTime<Utc>,
    /// The payload as text when it is UTF-8, else base64 (see `payload_encoding`).
    pub payload: String,
    pub payload_encoding: String,
    pub payload_bytes: u64,
    pub content_type: Option<String>,
    /// The request's headers (secrets removed), for refused webhooks.
    #[specta(type = specta_typescript::Unknown)]
    pub headers: serde_json::Value,
    pub event_id: Option<String>,
}

/// Adds an entry; a stream message gets one entry however often it is delivered. A
/// `rejected` entry may push the oldest refused bodies of its source out; nothing else is.
pub fn insert(conn: &Connection, entry: &NewEntry) -> Result<Inserted, DbError> {
    let id = match entry.stream_seq {
        Some(seq) => format!("m-{seq}"),
        None => generate_token().expose()[..24].to_string(),
    };
    let first = entry.attempts.first().map_or_else(Utc::now, |a| a.at);
    let last = entry.attempts.last().map_or(first, |a| a.at);
    let error = entry
        .attempts
        .last()
        .map(|a| a.error.clone())
        .unwrap_or_default();
    let attempts =
        serde_json::to_string(&entry.attempts).map_err(|e| DbError::Task(e.to_string()))?;
    conn.execute(
        "INSERT INTO dlq_entries (id, kind, source, subject, error, attempts, first_failed_at,
             last_failed_at, payload, headers, code, event_id, stream_seq, content_type)
         VALUES (?, ?, ?, ?, ?, ?, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING",
        params![
            id,
            entry.kind.as_str(),
            entry.source,
            entry.subject,
            error,
            attempts,
            first.to_rfc3339(),
            last.to_rfc3339(),
            entry.payload,
            entry.headers.to_string(),
            entry.code,
            entry.event_id,
            entry.stream_seq.map(|s| s as i64),
            entry.content_type,
        ],
    )?;
    let evicted = match entry.kind {
        DlqKind::Rejected => evict_rejected(conn, entry.source.as_deref())?,
        DlqKind::Permanent | DlqKind::Exhausted => 0,
    };
    Ok(Inserted { id, evicted })
}

const COLUMNS: &str = "id, kind, code, source, subject, error, attempts, epoch_ms(first_failed_at),
    epoch_ms(last_failed_at), payload, content_type, headers, event_id";

fn from_row(row: &duckdb::Row<'_>) -> duckdb::Result<DlqEntry> {
    let kind: String = row.get(1)?;
    let attempts: String = row.get(6)?;
    let payload: Option<Vec<u8>> = row.get(9)?;
    let payload = payload.unwrap_or_default();
    let headers: Option<String> = row.get(11)?;
    let (text, encoding) = match String::from_utf8(payload.clone()) {
        Ok(text) => (text, "utf8"),
        Err(_) => (base64(&payload), "base64"),
    };
    Ok(DlqEntry {
        id: row.get(0)?,
        kind: DlqKind::parse(&kind).unwrap_or(DlqKind::Permanent),
        code: row.get(2)?,
        source: row.get(3)?,
        subject: row.get(4)?,
        error: row.get(5)?,
        attempts: serde_json::from_str(&attempts).unwrap_or_default(),
        first_failed_at: time(row.get(7)?).unwrap_or_default(),
        last_failed_at: time(row.get(8)?).unwrap_or_default(),
        payload_bytes: payload.len() as u64,
        payload: text,
        payload_encoding: encoding.to_string(),
        content_type: row.get(10)?,
        headers: headers
            .and_then(|h| serde_json::from_str(&h).ok())
            .unwrap_or(serde_json::Value::Null),
        event_id: row.get(12)?,
    })
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Which entries a list, purge or bulk retry covers (`GET|DELETE /api/v1/dlq`, `list_dlq`,
/// `purge_dlq`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(default, deny_unknown_fields)]
pub struct DlqFilter {
    pub source: Option<Source>,
    pub kind: Option<DlqKind>,
    /// The stable code of the last error (`invalid_json`, `store_failed`, …).
    pub code: Option<String>,
    /// Last failed from this time on, inclusive.
    pub since: Option<DateTime<Utc>>,
    /// Last failed before this time, exclusive.
    pub until: Option<DateTime<Utc>>,
    /// Case-insensitive text in the error or the payload.
    pub q: Option<String>,
}

impl DlqFilter {
    /// The SQL condition and its values.
    pub(super) fn where_clause(&self) -> (String, Vec<String>) {
        let mut clauses: Vec<&str> = Vec::new();
        let mut values = Vec::new();
        if let Some(source) = self.source {
            clauses.push("source = ?");
            values.push(source.as_str().to_string());
        }
        if let Some(kind) = self.kind {
            clauses.push("kind = ?");
            values.push(kind.as_str().to_string());
        }
        if let Some(code) = &self.code {
            clauses.push("code = ?");
            values.push(code.clone());
        }
        if let Some(since) = self.since {
            clauses.push("last_failed_at >= ?::TIMESTAMPTZ");
            values.push(since.to_rfc3339());
        }
        if let Some(until) = self.until {
            clauses.push("last_failed_at < ?::TIMESTAMPTZ");
            values.push(until.to_rfc3339());
        }
        if let Some(q) = search_text(self.q.as_deref()) {
            clauses.push(
                "(error ILIKE ? ESCAPE '\\' OR CAST(payload AS VARCHAR) ILIKE ? ESCAPE '\\')",
            );
            let pattern = format!("%{}%", escape_like(q));
            values.push(pattern.clone());
            values.push(pattern);
        }
        let sql = if clauses.is_empty() {
            "TRUE".to_string()
        } else {
            clauses.join(" AND ")
        };
        (sql, values)
    }
}

/// Newest failure first; `after` is the (last_failed_at, id) of the previous page's end.
pub fn list(
    conn: &Connection,
    filter: &DlqFilter,
    after: Option<(DateTime<Utc>, String)>,
    limit: usize,
) -> Result<Vec<DlqEntry>, DbError> {
    let (mut sql, mut values) = filter.where_clause();
    if let Some((at, id)) = after {
        sql.push_str(
            " AND (last_failed_at < ?::TIMESTAMPTZ OR (last_failed_at = ?::TIMESTAMPTZ AND id < ?))",
        );
        values.push(at.to_rfc3339());
        values.push(at.to_rfc3339());
        values.push(id);
    }
    let query = format!(
        "SELECT {COLUMNS} FROM dlq_entries WHERE {sql}
         ORDER BY last_failed_at DESC, id DESC LIMIT {limit}"
    );
    let mut statement = conn.prepare(&query)?;
    let rows = statement.query_map(params_from_iter(values), from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Ids of every entry the filter covers, oldest first (the order a bulk retry runs in).
pub fn ids(conn: &Connection, filter: &DlqFilter) -> Result<Vec<String>, DbError> {
    let (sql, values) = filter.where_clause();
    let query = format!("SELECT id FROM dlq_entries WHERE {sql} ORDER BY last_failed_at, id");
    let mut statement = conn.prepare(&query)?;
    let rows = statement.query_map(params_from_iter(values), |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<DlqEntry>, DbError> {
    let query = format!("SELECT {COLUMNS} FROM dlq_entries WHERE id = ?");
    Ok(conn.query_row(&query, params![id], from_row).optional()?)
}

/// A payload's bytes and the content type they parse as (None is JSON).
pub type Payload = (Vec<u8>, Option<String>);

/// The raw payload of entry `id`.
pub fn payload(conn: &Connection, id: &str) -> Result<Option<Payload>, DbError> {
    Ok(conn
        .query_row(
            "SELECT payload, content_type FROM dlq_entries WHERE id = ?",
            params![id],
            |row| {
                Ok((
                    row.get::<_, Option<Vec<u8>>>(0)?.unwrap_or_default(),
                    row.get(1)?,
                ))
            },
        )
        .optional()?)
}

pub fn replace_payload(
    conn: &Connection,
    id: &str,
    payload: &[u8],
    content_type: Option<&str>,
) -> Result<(), DbError> {
    conn.execute(
        "UPDATE dlq_entries SET payload = ?, content_type = ? WHERE id = ?",
        params![payload, content_type, id],
    )?;
    Ok(())
}

/// Appends a failed attempt (a retry that failed again).
pub fn record_attempt(
    conn: &Connection,
    id: &str,
    code: &str,
    attempt: &Attempt,
) -> Result<(), DbError> {
    let attempts: Option<String> = conn
        .query_row(
            "SELECT attempts FROM dlq_entries WHERE id = ?",
            params![id],
            |r| r.get(0),
        )
        .optional()?;
    let mut list: Vec<Attempt> = attempts
        .and_then(|a| serde_json::from_str(&a).ok())
        .unwrap_or_default();
    list.push(attempt.clone());
    let list = serde_json::to_string(&list).map_err(|e| DbError::Task(e.to_string()))?;
    conn.execute(
        "UPDATE dlq_entries SET attempts = ?, error = ?, code = ?, last_failed_at = ?::TIMESTAMPTZ
         WHERE id = ?",
        params![list, attempt.error, code, attempt.at.to_rfc3339(), id],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> Result<bool, DbError> {
    Ok(conn.execute("DELETE FROM dlq_entries WHERE id = ?", params![id])? == 1)
}

/// Deletes every entry the filter covers; returns how many.
pub fn purge(conn: &Connection, filter: &DlqFilter) -> Result<u64, DbError> {
    let (sql, values) = filter.where_clause();
    let deleted = conn.execute(
        &format!("DELETE FROM dlq_entries WHERE {sql}"),
        params_from_iter(values),
    )?;
    Ok(deleted as u64)
}

pub fn count(conn: &Connection) -> Result<u64, DbError> {
    let n: i64 = conn.query_row("SELECT count(*) FROM dlq_entries", [], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

/// Entries per kind, for the stats.
pub fn count_by_kind(conn: &Connection) -> Result<Vec<(String, u64)>, DbError> {
    counts_per(
        conn,
        "SELECT kind, count(*) FROM dlq_entries GROUP BY kind ORDER BY kind",
    )
}

/// Entries per source (refused bodies of an unknown source count as "unknown"), for the stats.
pub fn count_by_source(conn: &Connection) -> Result<Vec<(String, u64)>, DbError> {
    counts_per(
        conn,
        "SELECT coalesce(source, 'unknown'), count(*) FROM dlq_entries GROUP BY ALL ORDER BY 1",
    )
}
