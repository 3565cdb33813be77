//! Webhook bodies refused at the door (unparseable, unknown shape, wrong content type) are
//! kept in `dlq_entries` with kind `rejected`: the sender got a 4xx, but nothing is lost —
//! once the mapping is fixed the body can be retried.

use chrono::{DateTime, Utc};
use duckdb::Connection;

use super::store::{Attempt, DlqKind, Inserted, NewEntry};
use crate::persist::DbError;

/// The only headers kept with a refused body: what it takes to read it again (its type,
/// encoding and length) and who sent it. Everything else is dropped, so a credential header
/// nobody thought of (`Proxy-Authorization`, `X-Emby-Authorization`, a custom one) is never
/// stored.
const KEPT_HEADERS: [&str; 4] = [
    "content-type",
    "content-encoding",
    "content-length",
    "user-agent",
];

#[derive(Debug, Clone)]
pub struct RejectedBody {
    pub source: String,
    pub code: String,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The content type the body is parsed as (for Plex, the multipart part's); None is JSON.
    pub content_type: Option<String>,
    pub at: DateTime<Utc>,
}

impl RejectedBody {
    /// Keeps the headers worth seeing when fixing a mapping ([`KEPT_HEADERS`]), nothing else.
    pub fn safe_headers<'a>(
        headers: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Vec<(String, String)> {
        headers
            .filter(|(name, _)| KEPT_HEADERS.iter().any(|k| k.eq_ignore_ascii_case(name)))
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }
}

/// Stores the body; returns the new entry's id and how many older bodies made room.
pub fn store(conn: &mut Connection, rejected: &RejectedBody) -> Result<Inserted, DbError> {
    let headers: serde_json::Map<String, serde_json::Value> = rejected
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let tx = conn.transaction()?;
    let inserted = super::store::insert(
        &tx,
        &NewEntry {
            kind: DlqKind::Rejected,
            code: rejected.code.clone(),
            source: Some(rejected.source.clone()),
            subject: None,
            attempts: vec![Attempt {
                at: rejected.at,
                error: format!("{}: {}", rejected.code, rejected.reason),
            }],
            payload: rejected.body.clone(),
            content_type: rejected.content_type.clone(),
            headers: serde_json::Value::Object(headers),
            event_id: None,
            stream_seq: None,
        },
    )?;
    tx.commit()?;
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_allowed_headers_are_kept() {
        let sent = [
            ("Content-Type", "application/json"),
            ("User-Agent", "Emby Server/4.8.10"),
            ("content-length", "512"),
            ("Authorization", "Bearer a"),
            ("Proxy-Authorization", "Basic dXNlcjpwYXNz"),
            ("X-Emby-Authorization", "MediaBrowser Token=\"abc\""),
            ("Cookie", "session=1"),
            ("X-Plex-Token", "p"),
            ("X-Cartographus-Token", "c"),
            ("X-Anything-Else", "v"),
        ];
        let kept = RejectedBody::safe_headers(sent.iter().copied());
        let names: Vec<&str> = kept.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Content-Type", "User-Agent", "content-length"]);
    }
}
