//! Storing a batch of events in one transaction: dedup against what is stored, insert the
//! kept events, audit the dropped ones, and move their sessions on. The JetStream writer,
//! the direct path, DLQ retries and replay all store through here, so they cannot differ.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use duckdb::Connection;

use super::db::DbError;
use super::dedup::{Decision, DedupRule};
use super::dedup_index::DedupIndex;
use super::{audit, events, sessions};
use crate::event::{EventType, MediaEvent};
use crate::session::{playback_key, Session};

/// What became of one event.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stored {
        session_id: String,
    },
    /// This very message was stored before (a redelivery); nothing changed.
    Redelivered,
    Duplicate {
        kept_event_id: String,
        rule: DedupRule,
    },
}

impl Outcome {
    pub fn is_duplicate(&self) -> bool {
        !matches!(self, Outcome::Stored { .. })
    }
}

/// One event to store, with the stream message it came from (None on the direct path).
pub type Item = (MediaEvent, Option<u64>);

/// Sessions touched by a batch, written once each at the end.
#[derive(Default)]
struct SessionSet {
    /// The latest session of each playback key: open, or stopped only recently (a late
    /// scrobble or a second source's stop still belongs to it).
    latest: HashMap<String, Session>,
    /// Sessions replaced in `latest` by a newer playback of the same key.
    retired: Vec<Session>,
    touched: HashSet<String>,
    /// Ids of sessions that are not in the table yet.
    new: HashSet<String>,
}

/// How long after its stop a session still takes late events of its playback.
const LATE_EVENT_SPAN: chrono::Duration = chrono::Duration::minutes(10);

impl SessionSet {
    fn load(conn: &Connection, kept: &[&MediaEvent]) -> Result<Self, DbError> {
        let mut keys: Vec<String> = kept.iter().map(|e| playback_key(e)).collect();
        keys.sort();
        keys.dedup();
        let since = kept.iter().map(|e| e.occurred_at).min().unwrap_or_default() - LATE_EVENT_SPAN;
        let mut set = Self::default();
        // Oldest first, so the newest session of each key ends up in `latest`.
        for session in sessions::load_recent(conn, &keys, since)? {
            set.latest.insert(session.playback_key.clone(), session);
        }
        Ok(set)
    }

    /// Moves the event's session on and returns its id.
    fn apply(&mut self, event: &MediaEvent) -> String {
        let key = playback_key(event);
        let starts_anew = match self.latest.get_mut(&key) {
            None => true,
            Some(session) if event.event_type == EventType::Start => {
                // A new start on a player still showing this item: the old playback's
                // stop never came.
                if session.is_open() {
                    session.close_by_timeout();
                    self.touched.insert(session.session_id.clone());
                }
                true
            }
            Some(session) => {
                session.apply(event);
                false
            }
        };
        if starts_anew {
            let session = Session::begin(event);
            self.new.insert(session.session_id.clone());
            if let Some(old) = self.latest.insert(key.clone(), session) {
                self.retired.push(old);
            }
        }
        let id = self.latest[&key].session_id.clone();
        self.touched.insert(id.clone());
        id
    }

    /// Writes the touched sessions: those the table does not hold appended, the others
    /// upserted. A session begun here may still be stored (its id comes from its first
    /// event, and a replay or a restore brings that event again), hence the key lookup.
    fn save(self, conn: &Connection) -> Result<(), DbError> {
        let begun: Vec<&str> = self.new.iter().map(String::as_str).collect();
        let stored = sessions::stored_ids(conn, &begun)?;
        let (new, changed): (Vec<&Session>, Vec<&Session>) = self
            .retired
            .iter()
            .chain(self.latest.values())
            .filter(|s| self.touched.contains(&s.session_id))
            .partition(|s| self.new.contains(&s.session_id) && !stored.contains(&s.session_id));
        sessions::insert_new(conn, &new)?;
        sessions::save_many(conn, &changed)
    }
}

/// Stores `items` inside the caller's transaction.
pub fn store_in(
    conn: &Connection,
    items: &[Item],
    now: DateTime<Utc>,
) -> Result<Vec<Outcome>, DbError> {
    let refs: Vec<&MediaEvent> = items.iter().map(|(e, _)| e).collect();
    let mut known = DedupIndex::with_known(events::candidates(conn, &refs)?);
    let decisions: Vec<Decision> = items
        .iter()
        .map(|(event, seq)| known.decide(event, *seq))
        .collect();
    let kept: Vec<&MediaEvent> = items
        .iter()
        .zip(&decisions)
        .filter(|(_, d)| **d == Decision::Keep)
        .map(|((e, _), _)| e)
        .collect();
    let mut sessions = SessionSet::load(conn, &kept)?;
    let mut outcomes = Vec::with_capacity(items.len());
    for ((event, _), decision) in items.iter().zip(decisions) {
        let outcome = match decision {
            Decision::Keep => Outcome::Stored {
                session_id: sessions.apply(event),
            },
            Decision::Redelivered => Outcome::Redelivered,
            Decision::Drop {
                kept_event_id,
                matched_key,
                rule,
            } => {
                audit::record(conn, event, &kept_event_id, &matched_key, rule, now)?;
                Outcome::Duplicate {
                    kept_event_id,
                    rule,
                }
            }
        };
        outcomes.push(outcome);
    }
    let rows: Vec<_> = items
        .iter()
        .zip(&outcomes)
        .filter_map(|((event, seq), outcome)| match outcome {
            Outcome::Stored { session_id } => Some((event, *seq, Some(session_id.as_str()))),
            _ => None,
        })
        .collect();
    events::append_new(conn, &rows)?;
    sessions.save(conn)?;
    Ok(outcomes)
}

/// Stores `items` in a transaction of its own.
pub fn store(conn: &mut Connection, items: &[Item]) -> Result<Vec<Outcome>, DbError> {
    let tx = conn.transaction()?;
    let outcomes = store_in(&tx, items, Utc::now())?;
    tx.commit()?;
    Ok(outcomes)
}

#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("no dedup record {0}")]
    NotFound(String),
    #[error("dedup record {0} was already restored")]
    AlreadyRestored(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Puts a dropped duplicate back into `playback_events` (as history; live sessions are
/// left as they are).
pub fn restore(conn: &mut Connection, record_id: &str) -> Result<MediaEvent, RestoreError> {
    let tx = conn.transaction().map_err(DbError::from)?;
    let record =
        audit::get(&tx, record_id)?.ok_or_else(|| RestoreError::NotFound(record_id.to_string()))?;
    if record.restored {
        return Err(RestoreError::AlreadyRestored(record_id.to_string()));
    }
    events::insert(&tx, &record.dropped, None, None)?;
    audit::mark_restored(&tx, record_id)?;
    tx.commit().map_err(DbError::from)?;
    Ok(record.dropped)
}
