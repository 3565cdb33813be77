//! Where an accepted event goes: into JetStream (acknowledged only after its PublishAck),
//! or, on the direct path, straight into DuckDB. Either way the answer says whether it was
//! a duplicate, and refused bodies are kept for the dead-letter view.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::bus::publisher::{PublishError, Publisher};
use crate::dlq::{rejected, RejectedBody};
use crate::event::{MediaEvent, Source};
use crate::persist::{events, Database, DbError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub event_id: String,
    pub duplicate: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the event could not be made durable: {0}")]
    Publish(#[from] PublishError),
    #[error("the event could not be stored: {0}")]
    Store(#[from] DbError),
}

#[derive(Clone)]
enum Route {
    Jetstream(Box<Publisher>),
    Direct,
}

#[derive(Clone)]
pub struct Ingest {
    route: Route,
    db: Database,
    ignored: Arc<Mutex<BTreeMap<(Source, String), u64>>>,
}

impl Ingest {
    pub fn jetstream(publisher: Publisher, db: Database) -> Self {
        Self {
            route: Route::Jetstream(Box::new(publisher)),
            db,
            ignored: Arc::default(),
        }
    }

    pub fn direct(db: Database) -> Self {
        Self {
            route: Route::Direct,
            db,
            ignored: Arc::default(),
        }
    }

    pub fn is_direct(&self) -> bool {
        matches!(self.route, Route::Direct)
    }

    /// Makes the event durable; only then may the sender be told "accepted".
    pub async fn accept(&self, event: MediaEvent) -> Result<Accepted, IngestError> {
        match &self.route {
            Route::Jetstream(publisher) => {
                let published = publisher.publish(&event).await?;
                Ok(Accepted {
                    event_id: event.event_id,
                    duplicate: published.duplicate,
                })
            }
            Route::Direct => {
                let event_id = event.event_id.clone();
                let inserted = self
                    .db
                    .with_conn(move |conn| events::insert_events(conn, &[event]))
                    .await?;
                Ok(Accepted {
                    event_id,
                    duplicate: inserted.first() != Some(&true),
                })
            }
        }
    }

    /// Counts a valid notification that is not about playback (library.new, …). They are
    /// counted, not stored: they carry no playback, and the sender did nothing wrong.
    pub fn count_ignored(&self, source: Source, kind: &str) {
        if let Ok(mut counts) = self.ignored.lock() {
            *counts.entry((source, kind.to_string())).or_default() += 1;
        }
    }

    /// How many non-playback notifications arrived, per source and kind.
    pub fn ignored_counts(&self) -> Vec<(Source, String, u64)> {
        self.ignored
            .lock()
            .map(|counts| {
                counts
                    .iter()
                    .map(|((source, kind), n)| (*source, kind.clone(), *n))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Keeps a refused body in the DLQ; returns its entry id.
    pub async fn reject(&self, body: RejectedBody) -> Result<String, DbError> {
        self.db
            .with_conn(move |conn| rejected::store(conn, &body))
            .await
    }
}
