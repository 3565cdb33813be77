//! Records the forwarder can never publish — unreadable ones, and ones JetStream refuses
//! for good — become dead letters of kind `permanent`, so the spool keeps draining and the
//! record stays visible and retryable in the DLQ view.

use chrono::Utc;

use super::record::{Record, RecordError};
use crate::bus::publisher::PublishError;
use crate::dlq::store::{self as dlq, Attempt, DlqKind, NewEntry};
use crate::persist::{Database, DbError};

/// A record whose bytes cannot be decoded: kept as they are. A record of an older format is
/// the event JSON, so a retry from the DLQ can still store it.
pub fn unreadable(bytes: &[u8], error: &RecordError) -> NewEntry {
    let legacy: Option<serde_json::Value> = serde_json::from_slice(bytes).ok();
    let field = |name: &str| {
        legacy
            .as_ref()
            .and_then(|event| event.get(name))
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    NewEntry {
        kind: DlqKind::Permanent,
        code: error.code().to_string(),
        source: field("source"),
        subject: None,
        attempts: vec![Attempt {
            at: Utc::now(),
            error: format!("unreadable spool record: {error}"),
        }],
        payload: bytes.to_vec(),
        content_type: None,
        headers: serde_json::Value::Null,
        event_id: field("event_id"),
        stream_seq: None,
    }
}

/// A message JetStream will not take as it is (too large, no stream for its subject,
/// refused): the event JSON, its subject and id.
pub fn refused(record: &Record, error: &PublishError) -> NewEntry {
    let message = &record.message;
    NewEntry {
        kind: DlqKind::Permanent,
        code: error.code().to_string(),
        // Subjects are `playback.<source>.<media type>`.
        source: message.subject.split('.').nth(1).map(str::to_string),
        subject: Some(message.subject.clone()),
        attempts: vec![Attempt {
            at: Utc::now(),
            error: error.to_string(),
        }],
        payload: message.payload.to_vec(),
        content_type: None,
        headers: serde_json::Value::Null,
        event_id: Some(message.msg_id.clone()),
        stream_seq: None,
    }
}

/// Writes one entry in its own transaction; returns its id.
pub async fn write(db: &Database, entry: NewEntry) -> Result<String, DbError> {
    db.with_conn(move |conn| {
        let tx = conn.transaction()?;
        let inserted = dlq::insert(&tx, &entry)?;
        tx.commit()?;
        Ok(inserted.id)
    })
    .await
}
