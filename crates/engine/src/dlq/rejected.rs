//! Webhook bodies refused at the door (unparseable, unknown shape, wrong content type) are
//! kept in `dlq_entries` with kind `rejected`: the sender got a 4xx, but nothing is lost —
//! once the mapping is fixed the body can be retried.

use chrono::{DateTime, Utc};
use duckdb::{params, Connection};
use serde_json::json;

use crate::persist::DbError;
use crate::secret::generate_token;

/// The DLQ holds at most this many entries; the oldest rejected ones make room.
pub const MAX_ENTRIES: u64 = 10_000;

/// Headers that carry credentials and are never stored.
const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "cookie",
    "x-cartographus-token",
    "x-plex-token",
    "x-emby-token",
];

#[derive(Debug, Clone)]
pub struct RejectedBody {
    pub source: String,
    pub code: String,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: DateTime<Utc>,
}

impl RejectedBody {
    /// Keeps the headers worth seeing when fixing a mapping, minus secrets.
    pub fn safe_headers<'a>(
        headers: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Vec<(String, String)> {
        headers
            .filter(|(name, _)| !SECRET_HEADERS.contains(&name.to_ascii_lowercase().as_str()))
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }
}

/// Stores the body and returns the new entry's id.
pub fn store(conn: &mut Connection, rejected: &RejectedBody) -> Result<String, DbError> {
    let id = generate_token().expose()[..24].to_string();
    let error = format!("{}: {}", rejected.code, rejected.reason);
    let attempts = json!([{ "at": rejected.at.to_rfc3339(), "error": error }]);
    let headers: serde_json::Map<String, serde_json::Value> = rejected
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO dlq_entries (id, kind, source, subject, error, attempts, first_failed_at,
                                  last_failed_at, payload, headers)
         VALUES (?, 'rejected', ?, NULL, ?, ?, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?)",
        params![
            id,
            rejected.source,
            error,
            attempts.to_string(),
            rejected.at.to_rfc3339(),
            rejected.at.to_rfc3339(),
            rejected.body,
            serde_json::Value::Object(headers).to_string(),
        ],
    )?;
    tx.execute(
        "DELETE FROM dlq_entries WHERE kind = 'rejected' AND id IN (
             SELECT id FROM dlq_entries ORDER BY last_failed_at DESC, id OFFSET ?)",
        params![MAX_ENTRIES as i64],
    )?;
    tx.commit()?;
    Ok(id)
}

pub fn count(conn: &Connection) -> Result<u64, DbError> {
    let n: i64 = conn.query_row("SELECT count(*) FROM dlq_entries", [], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}
