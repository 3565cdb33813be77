//! Where an accepted event goes: into JetStream (acknowledged only after its PublishAck), or
//! into the fsynced spool while JetStream cannot take it (and, to keep order, for as long as
//! the spool is not empty), or, on the direct path, straight into DuckDB. Refused bodies are
//! kept for the dead-letter view.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::bus::publisher::{PublishError, Publisher};
use crate::bus::spool::{Spool, SpoolError};
use crate::dlq::{rejected, RejectedBody};
use crate::event::{MediaEvent, Source};
use crate::persist::{events, Database, DbError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub event_id: String,
    /// JetStream saw this id inside its duplicate window (or DuckDB already has it). A
    /// spooled event answers false: its duplicate is caught when it is forwarded.
    pub duplicate: bool,
    /// Held in the spool until JetStream is back.
    pub spooled: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the event could not be made durable: {0}")]
    Publish(#[from] PublishError),
    #[error("the event could not be stored: {0}")]
    Store(#[from] DbError),
    #[error("JetStream is unavailable and {0}")]
    Spool(#[from] SpoolError),
}

impl IngestError {
    /// The stable code of the 503 the sender gets.
    pub fn code(&self) -> &'static str {
        match self {
            IngestError::Spool(SpoolError::Full { .. }) => "spool_full",
            IngestError::Spool(_) => "spool_unwritable",
            IngestError::Publish(_) => "not_durable",
            IngestError::Store(_) => "store_failed",
        }
    }
}

#[derive(Clone)]
enum Route {
    Jetstream {
        publisher: Box<Publisher>,
        spool: Spool,
    },
    Direct,
}

#[derive(Clone)]
pub struct Ingest {
    route: Route,
    db: Database,
    ignored: Arc<Mutex<BTreeMap<(Source, String), u64>>>,
}

impl Ingest {
    pub fn jetstream(publisher: Publisher, spool: Spool, db: Database) -> Self {
        Self {
            route: Route::Jetstream {
                publisher: Box::new(publisher),
                spool,
            },
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

    pub fn database(&self) -> &Database {
        &self.db
    }

    pub fn spool(&self) -> Option<&Spool> {
        match &self.route {
            Route::Jetstream { spool, .. } => Some(spool),
            Route::Direct => None,
        }
    }

    /// Makes the event durable; only then may the sender be told "accepted".
    pub async fn accept(&self, event: MediaEvent) -> Result<Accepted, IngestError> {
        match &self.route {
            Route::Jetstream { publisher, spool } => {
                // While older events wait in the spool, newer ones queue behind them.
                if spool.pending() == 0 {
                    match publisher.publish(&event).await {
                        Ok(published) => {
                            return Ok(Accepted {
                                event_id: event.event_id,
                                duplicate: published.duplicate,
                                spooled: false,
                            })
                        }
                        Err(e) => {
                            tracing::warn!("JetStream did not take the event ({e}); spooling")
                        }
                    }
                }
                spool.append(&event).await?;
                Ok(Accepted {
                    event_id: event.event_id,
                    duplicate: false,
                    spooled: true,
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
                    spooled: false,
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
