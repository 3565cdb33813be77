//! The DuckDB writer: reads the durable `persist` consumer in batches (up to
//! `CARTOGRAPHUS_WRITER_BATCH_SIZE` of what is waiting, after at most
//! `CARTOGRAPHUS_WRITER_FLUSH_INTERVAL`), stores each batch in one
//! transaction and acks its messages only after the commit. A message that cannot be
//! decoded or validated goes to the DLQ at once; one whose write fails is nak'ed with backoff
//! and dead-lettered after its fifth delivery — acked only once the DLQ entry is committed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::consumer::PullConsumer;
use async_nats::jetstream::{AckKind, Message};
use chrono::Utc;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::store::{self, Item, Outcome};
use super::validate::validate;
use super::{Database, DbError};
use crate::dlq::backoff::redelivery_delay;
use crate::dlq::store::{self as dlq, Attempt, DlqKind, NewEntry};
use crate::event::MediaEvent;
use crate::metrics::{ms_since, Metrics};

/// How long a started batch waits for more messages before it is stored.
pub const COALESCE: Duration = Duration::from_millis(50);

/// The wait while events come fast (the last batch held [`BUSY_BATCH`] or more): a batch
/// costs ~15 ms of CPU however small, so under load fewer, larger batches leave that CPU to
/// the webhooks. The live view does not wait for the writer, so only storing is later.
pub const COALESCE_BUSY: Duration = Duration::from_millis(250);
pub const BUSY_BATCH: usize = 32;

/// The longest one pull request waits for a first message: bounds how long a stop waits.
pub const FETCH_WAIT: Duration = Duration::from_secs(1);

/// Deliveries before a message whose write keeps failing goes to the DLQ.
pub const MAX_DELIVERIES: i64 = 5;

#[derive(Debug, Clone)]
pub struct WriterConfig {
    pub batch_size: usize,
    pub flush_interval: Duration,
}

/// What the writer has done since start, for the stats.
#[derive(Debug, Default)]
pub struct WriterCounters {
    pub stored: AtomicU64,
    pub duplicates: AtomicU64,
    pub redelivered: AtomicU64,
    pub naks: AtomicU64,
    pub dead_lettered: AtomicU64,
    pub batches: AtomicU64,
    /// CPU time the writer's thread spent storing batches, in microseconds.
    pub store_cpu_us: AtomicU64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
pub struct WriterStats {
    pub stored: u64,
    pub duplicates: u64,
    pub redelivered: u64,
    pub naks: u64,
    pub dead_lettered: u64,
    pub batches: u64,
    /// CPU time spent storing batches (dedup, sessions, inserts, commit), in microseconds:
    /// divided by `stored`, the writer's cost per event.
    pub store_cpu_us: u64,
}

impl WriterCounters {
    pub fn snapshot(&self) -> WriterStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        WriterStats {
            stored: get(&self.stored),
            duplicates: get(&self.duplicates),
            redelivered: get(&self.redelivered),
            naks: get(&self.naks),
            dead_lettered: get(&self.dead_lettered),
            batches: get(&self.batches),
            store_cpu_us: get(&self.store_cpu_us),
        }
    }

    /// Counts what a stored batch did.
    pub fn count(&self, outcomes: &[Outcome]) {
        for outcome in outcomes {
            let counter = match outcome {
                Outcome::Stored { .. } => &self.stored,
                Outcome::Redelivered => &self.redelivered,
                Outcome::Duplicate { .. } => &self.duplicates,
            };
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }
}

pub struct Writer {
    db: Database,
    config: WriterConfig,
    counters: Arc<WriterCounters>,
    /// The errors of earlier deliveries, by stream sequence, so a dead letter carries its
    /// whole history. Lost on restart: the delivery count (kept by the server) is not.
    attempts: HashMap<u64, Vec<Attempt>>,
    metrics: Option<Arc<Metrics>>,
}

/// A message decoded into an event, or the reason it never will be.
enum Decoded {
    Event(Box<MediaEvent>),
    Permanent { code: &'static str, error: String },
}

impl Writer {
    pub fn new(db: Database, config: WriterConfig, counters: Arc<WriterCounters>) -> Self {
        Self {
            db,
            config,
            counters,
            attempts: HashMap::new(),
            metrics: None,
        }
    }

    /// Records each stored event's time from webhook to commit.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Reads `consumer` batch by batch until `shutdown`, which it notices between batches:
    /// a batch it holds is always stored and acked first. Returns an error when fetching
    /// fails (the server restarting, the consumer gone), for the caller to find it again.
    pub async fn run(
        &mut self,
        consumer: &PullConsumer,
        shutdown: &CancellationToken,
    ) -> Result<(), String> {
        let mut coalesce = COALESCE;
        while !shutdown.is_cancelled() {
            let messages = self.next_batch(consumer, coalesce).await?;
            coalesce = if messages.len() >= BUSY_BATCH {
                COALESCE_BUSY
            } else {
                COALESCE
            };
            if !messages.is_empty() {
                self.handle(messages).await;
            }
        }
        Ok(())
    }

    /// Waits up to [`FETCH_WAIT`] (or the flush interval, if shorter) for one message, then
    /// gathers more for at most `coalesce` (up to the batch size): a quiet server's event is
    /// stored within tens of milliseconds, a busy one's in large batches — each transaction
    /// costs ~15 ms of CPU whatever its size, so storing every trickle at once would eat a
    /// small machine. Every pull request runs to its end, so a stop never leaves a message
    /// delivered and unacknowledged.
    async fn next_batch(
        &self,
        consumer: &PullConsumer,
        coalesce: Duration,
    ) -> Result<Vec<Message>, String> {
        let first = consumer
            .batch()
            .max_messages(1)
            .expires(FETCH_WAIT.min(self.config.flush_interval))
            .messages()
            .await
            .map_err(|e| e.to_string())?;
        let mut messages = collect(first).await?;
        if messages.is_empty() || self.config.batch_size <= 1 {
            return Ok(messages);
        }
        let rest = consumer
            .batch()
            .max_messages(self.config.batch_size - 1)
            .expires(coalesce.min(self.config.flush_interval))
            .messages()
            .await;
        // The first message is ours either way; the rest comes next time if this failed.
        if let Ok(rest) = rest {
            messages.extend(collect(rest).await.unwrap_or_default());
        }
        Ok(messages)
    }

    async fn handle(&mut self, messages: Vec<Message>) {
        let now = Utc::now();
        let mut items: Vec<(Item, Message)> = Vec::with_capacity(messages.len());
        for message in messages {
            let seq = message.info().map(|i| i.stream_sequence).ok();
            match decode(&message, now) {
                Decoded::Event(event) => items.push(((*event, seq), message)),
                Decoded::Permanent { code, error } => {
                    self.dead_letter(&message, DlqKind::Permanent, code, error)
                        .await
                }
            }
        }
        if items.is_empty() {
            return;
        }
        let batch: Vec<Item> = items.iter().map(|(item, _)| item.clone()).collect();
        let started = std::time::Instant::now();
        match self.store(batch).await {
            Ok(outcomes) => {
                self.counters.count(&outcomes);
                self.counters.batches.fetch_add(1, Ordering::Relaxed);
                if let Some(metrics) = &self.metrics {
                    metrics
                        .batch_commit
                        .record_ms(started.elapsed().as_secs_f64() * 1000.0);
                    for (((event, _), _), outcome) in items.iter().zip(&outcomes) {
                        if matches!(outcome, Outcome::Stored { .. }) {
                            metrics.to_stored.record_ms(ms_since(event.received_at));
                        }
                    }
                }
                for (_, message) in &items {
                    self.ack(message).await;
                }
            }
            // One bad event must not hold back the others: store each alone.
            Err(e) if items.len() > 1 => {
                tracing::warn!(
                    "a batch of {} failed ({e}); storing one by one",
                    items.len()
                );
                for ((event, seq), message) in items {
                    match self.store(vec![(event, seq)]).await {
                        Ok(outcomes) => {
                            self.counters.count(&outcomes);
                            self.ack(&message).await;
                        }
                        Err(e) => self.failed(&message, e).await,
                    }
                }
            }
            Err(e) => {
                if let Some((_, message)) = items.first() {
                    self.failed(message, e).await;
                }
            }
        }
    }

    async fn store(&self, batch: Vec<Item>) -> Result<Vec<Outcome>, DbError> {
        let counters = self.counters.clone();
        self.db
            .with_conn(move |conn| {
                let started = thread_cpu();
                let stored = store::store(conn, &batch);
                let spent = thread_cpu().saturating_sub(started);
                let spent_us = u64::try_from(spent.as_micros()).unwrap_or(u64::MAX);
                counters.store_cpu_us.fetch_add(spent_us, Ordering::Relaxed);
                stored
            })
            .await
    }

    async fn ack(&mut self, message: &Message) {
        if let Ok(info) = message.info() {
            self.attempts.remove(&info.stream_sequence);
        }
        // A lost ack only means a redelivery, which the store recognises and skips.
        if let Err(e) = message.ack().await {
            tracing::warn!("ack failed ({e}); the message will be redelivered and skipped");
        }
    }

    /// A write failed: back off and retry, or dead-letter after the last delivery.
    async fn failed(&mut self, message: &Message, error: DbError) {
        let (seq, delivered) = message
            .info()
            .map(|i| (i.stream_sequence, i.delivered))
            .unwrap_or((0, MAX_DELIVERIES));
        self.attempts.entry(seq).or_default().push(Attempt {
            at: Utc::now(),
            error: error.to_string(),
        });
        if delivered >= MAX_DELIVERIES {
            let error = error.to_string();
            self.dead_letter(
                message,
                DlqKind::Exhausted,
                crate::error::codes::STORE_FAILED,
                error,
            )
            .await;
            return;
        }
        self.nak(message, delivered).await;
    }

    async fn nak(&self, message: &Message, delivered: i64) {
        self.counters.naks.fetch_add(1, Ordering::Relaxed);
        let delay = redelivery_delay(delivered);
        if let Err(e) = message.ack_with(AckKind::Nak(Some(delay))).await {
            // Without the nak, the server redelivers after the ack wait instead.
            tracing::warn!("nak failed ({e})");
        }
    }

    /// Writes the DLQ entry, then acks; if the entry cannot be written the message is
    /// nak'ed and stays in the stream.
    async fn dead_letter(&mut self, message: &Message, kind: DlqKind, code: &str, error: String) {
        let (seq, delivered) = message
            .info()
            .map(|i| (Some(i.stream_sequence), i.delivered))
            .unwrap_or((None, 1));
        let mut attempts = seq
            .and_then(|s| self.attempts.get(&s).cloned())
            .unwrap_or_default();
        if attempts.is_empty() {
            attempts.push(Attempt {
                at: Utc::now(),
                error: error.clone(),
            });
        }
        let event_id = serde_json::from_slice::<serde_json::Value>(&message.payload)
            .ok()
            .and_then(|v| v.get("event_id")?.as_str().map(str::to_string));
        let entry = NewEntry {
            kind,
            code: code.to_string(),
            source: message.subject.split('.').nth(1).map(str::to_string),
            subject: Some(message.subject.to_string()),
            attempts,
            payload: message.payload.to_vec(),
            content_type: None,
            headers: serde_json::Value::Null,
            event_id,
            stream_seq: seq,
        };
        let written = self
            .db
            .with_conn(move |conn| {
                let tx = conn.transaction()?;
                dlq::insert(&tx, &entry)?;
                tx.commit()?;
                Ok(())
            })
            .await;
        match written {
            Ok(()) => {
                tracing::warn!(kind = kind.as_str(), code, "dead-lettered: {error}");
                self.counters.dead_lettered.fetch_add(1, Ordering::Relaxed);
                self.ack(message).await;
            }
            Err(e) => {
                tracing::error!("cannot write the dead letter ({e}); keeping the message");
                self.nak(message, delivered).await;
            }
        }
    }
}

/// Drains one pull request's messages; an error after some arrived keeps those.
async fn collect(
    mut batch: async_nats::jetstream::consumer::pull::Batch,
) -> Result<Vec<Message>, String> {
    let mut messages = Vec::new();
    while let Some(message) = batch.next().await {
        match message {
            Ok(message) => messages.push(message),
            Err(e) if messages.is_empty() => return Err(e.to_string()),
            Err(_) => break,
        }
    }
    Ok(messages)
}

fn decode(message: &Message, now: chrono::DateTime<Utc>) -> Decoded {
    let event: MediaEvent = match serde_json::from_slice(&message.payload) {
        Ok(event) => event,
        Err(e) => {
            return Decoded::Permanent {
                code: crate::error::codes::INVALID_EVENT,
                error: format!("the message is not an event: {e}"),
            }
        }
    };
    match validate(&event, now) {
        Ok(()) => Decoded::Event(Box::new(event)),
        Err(e) => Decoded::Permanent {
            code: crate::error::codes::INVALID_EVENT,
            error: e.to_string(),
        },
    }
}

/// CPU time of the calling thread so far (zero where the clock cannot be read).
fn thread_cpu() -> Duration {
    use nix::time::{clock_gettime, ClockId};
    clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID)
        .map(Duration::from)
        .unwrap_or_default()
}
