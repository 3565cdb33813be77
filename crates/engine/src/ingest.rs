//! Where an accepted event goes: into JetStream (acknowledged only after its PublishAck), or
//! into the fsynced spool while JetStream cannot take it (and, to keep order, for as long as
//! the spool is not empty), or, on the direct path, straight into DuckDB. The event is
//! encoded once; one larger than the server's `max_payload` is refused before anything is
//! written. What is made durable is shown in the live view at once. Refused bodies are kept
//! for the dead-letter view.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock};

use crate::bus::bundle;
use crate::bus::group_commit::GroupCommit;
use crate::bus::publisher::{Outgoing, PublishError, Publisher, TooLarge};
use crate::bus::spool::{Spool, SpoolError};
use chrono::Utc;

use crate::dlq::store::{self as dlq, Attempt, DlqKind, NewEntry};
use crate::dlq::{rejected, RejectedBody};
use crate::error::{codes, CodedError, ErrorKind};
use crate::event::{MediaEvent, Source};
use crate::live::tap::LiveTap;
use crate::persist::store::{self, Outcome};
use crate::persist::validate::validate;
use crate::persist::{Database, DbError};

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
    #[error(
        "the event is {size} bytes as a JetStream message, more than the {limit} bytes \
         the NATS server takes (its max_payload)"
    )]
    TooLarge { size: usize, limit: usize },
    /// Only a bug can cause this: every `MediaEvent` encodes as JSON.
    #[error("the event cannot be encoded: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("the event could not be stored: {0}")]
    Store(#[from] DbError),
    #[error("JetStream is unavailable and {0}")]
    Spool(#[from] SpoolError),
    /// A batch goes to JetStream or nowhere: it is not spooled, its sender retries it.
    #[error("JetStream did not take the batch: {0}")]
    Batch(String),
}

/// A publish that fails for any other reason falls back to the spool, so the sender hears
/// only of a spool it cannot write (503), a direct store that failed even for the DLQ (503)
/// or an event the bus can never carry (413).
impl CodedError for IngestError {
    fn code(&self) -> &str {
        match self {
            IngestError::TooLarge { .. } => codes::EVENT_TOO_LARGE,
            IngestError::Encode(_) => codes::ENCODE_FAILED,
            IngestError::Spool(e) => e.code(),
            IngestError::Store(_) => codes::STORE_FAILED,
            IngestError::Batch(_) => codes::UNAVAILABLE,
        }
    }

    fn kind(&self) -> ErrorKind {
        match self {
            IngestError::TooLarge { .. } => ErrorKind::TooLarge,
            IngestError::Encode(_) => ErrorKind::Internal,
            IngestError::Spool(_) | IngestError::Store(_) | IngestError::Batch(_) => {
                ErrorKind::Unavailable
            }
        }
    }
}

#[derive(Clone)]
enum Route {
    Jetstream {
        publisher: Box<Publisher>,
        /// Gathers concurrent webhooks into atomic batches through `publisher`.
        commits: GroupCommit,
        spool: Spool,
    },
    /// NATS has not answered yet: every event goes to the spool, which is forwarded once it
    /// does (the route then becomes `Jetstream`).
    Spooling {
        spool: Spool,
    },
    Direct,
}

#[derive(Clone)]
pub struct Ingest {
    route: Arc<RwLock<Route>>,
    db: Database,
    /// Each event made durable is shown from here, not read back from the stream: a second
    /// consumer of every message would cost nats-server and the engine (ADR 0031).
    live: LiveTap,
    ignored: Arc<Mutex<BTreeMap<(Source, String), u64>>>,
}

impl Ingest {
    /// The JetStream route before NATS has answered: events are spooled until
    /// [`connected`](Self::connected) hands over the publisher.
    pub fn spooling(spool: Spool, db: Database, live: LiveTap) -> Self {
        Self::with_route(Route::Spooling { spool }, db, live)
    }

    pub fn direct(db: Database, live: LiveTap) -> Self {
        Self::with_route(Route::Direct, db, live)
    }

    fn with_route(route: Route, db: Database, live: LiveTap) -> Self {
        Self {
            route: Arc::new(RwLock::new(route)),
            db,
            live,
            ignored: Arc::default(),
        }
    }

    /// NATS answered: events are published from now on (behind whatever the spool holds).
    pub fn connected(&self, publisher: Publisher) {
        let mut route = self.route.write().unwrap_or_else(|p| p.into_inner());
        if let Route::Spooling { spool } = &*route {
            *route = Route::Jetstream {
                commits: GroupCommit::start(publisher.clone()),
                publisher: Box::new(publisher),
                spool: spool.clone(),
            };
        }
    }

    fn route(&self) -> Route {
        self.route.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn is_direct(&self) -> bool {
        matches!(self.route(), Route::Direct)
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    pub fn spool(&self) -> Option<Spool> {
        match self.route() {
            Route::Jetstream { spool, .. } | Route::Spooling { spool } => Some(spool),
            Route::Direct => None,
        }
    }

    /// (groups, messages) published through the group commit so far.
    pub fn publish_groups(&self) -> Option<(u64, u64)> {
        match self.route() {
            Route::Jetstream { commits, .. } => Some(commits.counts().get()),
            _ => None,
        }
    }

    /// Makes the event durable; only then may the sender be told "accepted". An event the
    /// server could never take (`TooLarge`) is refused before anything is written.
    pub async fn accept(&self, event: MediaEvent) -> Result<Accepted, IngestError> {
        match &self.route() {
            Route::Jetstream {
                publisher,
                commits,
                spool,
            } => {
                let message = Outgoing::from_event(&event)?;
                publisher
                    .check_size(&message)
                    .map_err(|TooLarge { size, limit }| IngestError::TooLarge { size, limit })?;
                // While older events wait in the spool, newer ones queue behind them.
                if spool.pending() == 0 {
                    match commits.publish(message.clone()).await {
                        Ok(published) => {
                            return Ok(self.accepted(event, published.duplicate, false))
                        }
                        // The stream's own size limit, found only by publishing.
                        Err(PublishError::TooLarge { size, limit }) => {
                            return Err(IngestError::TooLarge { size, limit })
                        }
                        // Anything else may pass later; the forwarder dead-letters what never will.
                        Err(e) => {
                            tracing::warn!("JetStream did not take the event ({e}); spooling")
                        }
                    }
                }
                spool.append(&message).await?;
                Ok(self.accepted(event, false, true))
            }
            // NATS has not answered yet, so its size limit is unknown: an event it will
            // refuse is dead-lettered by the forwarder, not lost.
            Route::Spooling { spool } => {
                spool.append(&Outgoing::from_event(&event)?).await?;
                Ok(self.accepted(event, false, true))
            }
            Route::Direct => self.store_directly(event).await,
        }
    }

    /// The answer for an event now durable, which the live view shows at once — a spooled
    /// one too, while NATS is away (the forwarder does not show it again); a duplicate was
    /// shown when it was first accepted, or is old news.
    fn accepted(&self, event: MediaEvent, duplicate: bool, spooled: bool) -> Accepted {
        let event_id = event.event_id.clone();
        if !duplicate {
            self.live.show(event);
        }
        Accepted {
            event_id,
            duplicate,
            spooled,
        }
    }

    /// The direct path: the writer's store (dedup, sessions) on this one event. An event
    /// that cannot be stored is accepted into the DLQ instead (it is durable there and can
    /// be retried); only when even that fails does the sender get a 503.
    async fn store_directly(&self, event: MediaEvent) -> Result<Accepted, IngestError> {
        let event_id = event.event_id.clone();
        let now = Utc::now();
        let failure = match validate(&event, now) {
            Err(invalid) => (
                DlqKind::Permanent,
                codes::INVALID_EVENT,
                invalid.to_string(),
            ),
            Ok(()) => {
                let item = vec![(event.clone(), None)];
                match self
                    .db
                    .with_conn(move |conn| store::store(conn, &item))
                    .await
                {
                    Ok(outcomes) => {
                        let duplicate = outcomes.first().is_none_or(Outcome::is_duplicate);
                        return Ok(self.accepted(event, duplicate, false));
                    }
                    Err(e) => (DlqKind::Exhausted, codes::STORE_FAILED, e.to_string()),
                }
            }
        };
        let (kind, code, error) = failure;
        tracing::warn!(code, "direct path: dead-lettering {event_id}: {error}");
        let entry = NewEntry {
            kind,
            code: code.to_string(),
            source: Some(event.source.as_str().to_string()),
            subject: Some(event.subject()),
            attempts: vec![Attempt { at: now, error }],
            payload: serde_json::to_vec(&event).unwrap_or_default(),
            content_type: None,
            headers: serde_json::Value::Null,
            event_id: Some(event_id.clone()),
            stream_seq: None,
        };
        self.db
            .with_conn(move |conn| {
                let tx = conn.transaction()?;
                dlq::insert(&tx, &entry)?;
                tx.commit()?;
                Ok(())
            })
            .await?;
        Ok(Accepted {
            event_id,
            duplicate: false,
            spooled: false,
        })
    }

    /// Makes a batch of events durable at once, for work that can send it again (a history
    /// import): packed into bundles (`bus::bundle`, about a megabyte each) published as one
    /// group, or one store transaction on the direct path. Never spooled — while NATS is
    /// away the caller hears so and retries later. Returns the events too large for the bus
    /// (nothing else of them is written).
    pub async fn accept_batch(
        &self,
        events: Vec<MediaEvent>,
    ) -> Result<Vec<(MediaEvent, TooLarge)>, IngestError> {
        match &self.route() {
            Route::Jetstream { publisher, .. } => {
                let max_payload = publisher.max_payload();
                let mut packer =
                    bundle::Packer::new(bundle::TARGET_BYTES.min(max_payload / 2), max_payload);
                let mut too_large = Vec::new();
                for event in events {
                    if let Err(large) = packer.push(&event)? {
                        too_large.push((event, large));
                    }
                }
                let bundles = packer.finish();
                publisher
                    .publish_batch(&bundles)
                    .await
                    .map_err(|e| IngestError::Batch(e.to_string()))?;
                Ok(too_large)
            }
            Route::Spooling { .. } => Err(IngestError::Batch(
                "NATS has not answered since the engine started".to_string(),
            )),
            Route::Direct => {
                let items: Vec<_> = events.into_iter().map(|e| (e, None)).collect();
                self.db
                    .with_conn(move |conn| store::store(conn, &items))
                    .await?;
                Ok(Vec::new())
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
        let source = body.source.clone();
        let inserted = self
            .db
            .with_conn(move |conn| rejected::store(conn, &body))
            .await?;
        self.db
            .dlq_counters()
            .evicted(Some(&source), inserted.evicted);
        Ok(inserted.id)
    }
}
