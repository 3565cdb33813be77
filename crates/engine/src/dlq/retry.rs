//! Retrying a dead letter: turn its payload (edited or not) back into an event and store it
//! through the same path as the writer, deleting the entry in the same transaction — so a
//! retry that succeeds lands exactly once and leaves the DLQ, and one that fails leaves the
//! entry with one more attempt.

use chrono::{DateTime, Utc};
use duckdb::Connection;
use serde::Serialize;

use super::store::{self, Attempt, DlqKind};
use crate::error::codes;
use crate::event::{MediaEvent, Source};
use crate::persist::store::{store_in, Outcome};
use crate::persist::validate::validate;
use crate::persist::DbError;
use crate::sources::{self, Incoming, Parsed};

#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    #[error("no dead letter {0}")]
    NotFound(String),
    /// The payload still cannot become an event; the entry stays, with this attempt added.
    #[error("{message}")]
    StillFailing { code: String, message: String },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl RetryError {
    pub fn code(&self) -> &str {
        match self {
            RetryError::NotFound(_) => codes::NOT_FOUND,
            RetryError::StillFailing { code, .. } => code,
            RetryError::Db(_) => codes::STORE_FAILED,
        }
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RetriedAs {
    Stored,
    /// It was a duplicate of a stored event (recorded in the dedup audit).
    Duplicate,
    /// The body is a valid notification that is not about playback.
    Ignored,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Retried {
    pub id: String,
    pub event_id: Option<String>,
    pub result: RetriedAs,
    /// The event as stored, for the live view.
    #[serde(skip)]
    pub event: Option<MediaEvent>,
}

/// Retries entry `id`, first replacing its payload with `replacement` when given.
pub fn retry(
    conn: &mut Connection,
    id: &str,
    replacement: Option<&[u8]>,
    now: DateTime<Utc>,
) -> Result<Retried, RetryError> {
    let tx = conn.transaction().map_err(DbError::from)?;
    let entry = store::get(&tx, id)?.ok_or_else(|| RetryError::NotFound(id.to_string()))?;
    let (mut payload, mut content_type) =
        store::payload(&tx, id)?.ok_or_else(|| RetryError::NotFound(id.to_string()))?;
    if let Some(edited) = replacement {
        payload = edited.to_vec();
        // An edit is of the payload itself, never of a multipart envelope.
        if content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("multipart/"))
        {
            content_type = None;
        }
        store::replace_payload(&tx, id, &payload, content_type.as_deref())?;
    }
    let decoded = decode(
        entry.kind,
        entry.source.as_deref(),
        &payload,
        content_type.as_deref(),
        now,
    );
    let event = match decoded {
        Ok(Some(event)) => event,
        Ok(None) => {
            store::delete(&tx, id)?;
            tx.commit().map_err(DbError::from)?;
            return Ok(Retried {
                id: id.to_string(),
                event_id: None,
                result: RetriedAs::Ignored,
                event: None,
            });
        }
        Err((code, message)) => {
            let attempt = Attempt {
                at: now,
                error: format!("retry: {message}"),
            };
            store::record_attempt(&tx, id, &code, &attempt)?;
            tx.commit().map_err(DbError::from)?;
            return Err(RetryError::StillFailing { code, message });
        }
    };
    let outcome = store_in(&tx, &[(event.clone(), None)], now)?;
    store::delete(&tx, id)?;
    tx.commit().map_err(DbError::from)?;
    let result = match outcome.first() {
        Some(Outcome::Stored { .. }) => RetriedAs::Stored,
        _ => RetriedAs::Duplicate,
    };
    Ok(Retried {
        id: id.to_string(),
        event_id: Some(event.event_id.clone()),
        result,
        event: Some(event),
    })
}

/// The entry's payload as an event: a refused body is parsed again (the mapping may have
/// been fixed since), a stored event is read back and validated.
fn decode(
    kind: DlqKind,
    source: Option<&str>,
    payload: &[u8],
    content_type: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<MediaEvent>, (String, String)> {
    let event = match kind {
        DlqKind::Rejected => {
            let source = source.and_then(Source::parse).ok_or_else(|| {
                (
                    "unknown_source".to_string(),
                    format!("unknown source {source:?}"),
                )
            })?;
            let incoming = Incoming {
                source,
                content_type,
                body: payload,
                received_at: now,
            };
            match sources::parse(&incoming) {
                Ok(Parsed::Playback(event)) => event,
                Ok(Parsed::Ignored { .. } | Parsed::Test { .. }) => return Ok(None),
                Err(e) => return Err((e.code().to_string(), e.to_string())),
            }
        }
        DlqKind::Permanent | DlqKind::Exhausted => serde_json::from_slice::<MediaEvent>(payload)
            .map_err(|e| {
                (
                    codes::INVALID_EVENT.to_string(),
                    format!("not a stored event: {e}"),
                )
            })?,
    };
    validate(&event, now).map_err(|e| (codes::INVALID_EVENT.to_string(), e.to_string()))?;
    Ok(Some(event))
}
