//! The DuckDB writer: reads the durable `persist` consumer in batches (up to
//! `CARTOGRAPHUS_WRITER_BATCH_SIZE` of what is waiting, after at most
//! `CARTOGRAPHUS_WRITER_FLUSH_INTERVAL`), stores each batch in one
//! transaction and acks its messages only after the commit. A message that cannot be
//! decoded or validated goes to the DLQ at once; one whose write fails is nak'ed with backoff
//! and dead-lettered after its fifth delivery — acked only once the DLQ entry is committed.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::consumer::PullConsumer;
use async_nats::jetstream::Message;
use chrono::Utc;
use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::delivery::{self, Decoded, Delivery};
use super::store::{self, Item, Outcome};
pub use super::writer_stats::{WriterCounters, WriterStats};
use super::{Database, DbError};
use crate::dlq::store::{Attempt, DlqKind};
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

/// The most bytes a batch pulls after its first message: a thousand webhooks fit, and so
/// do eight import bundles (some 7,000 events), which bounds one transaction's memory.
pub const MAX_BATCH_BYTES: usize = 8 << 20;

/// Deliveries before a message whose write keeps failing goes to the DLQ.
pub const MAX_DELIVERIES: i64 = 5;

#[derive(Debug, Clone)]
pub struct WriterConfig {
    pub batch_size: usize,
    pub flush_interval: Duration,
}

#[path = "writer_failures.rs"]
mod failures;

pub struct Writer {
    db: Database,
    config: WriterConfig,
    counters: Arc<WriterCounters>,
    /// The errors of earlier deliveries, by stream sequence, so a dead letter carries its
    /// whole history. Lost on restart: the delivery count (kept by the server) is not.
    attempts: HashMap<u64, Vec<Attempt>>,
    metrics: Option<Arc<Metrics>>,
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
            .max_bytes(MAX_BATCH_BYTES)
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
        let mut deliveries: Vec<Delivery> = Vec::with_capacity(messages.len());
        for message in messages {
            match delivery::decode(message, now) {
                Decoded::Permanent {
                    message,
                    code,
                    error,
                } => {
                    self.dead_letter(&message, DlqKind::Permanent, code, error)
                        .await
                }
                Decoded::Delivery(mut delivery) => {
                    // A bundle's invalid events are kept before its message can be acked.
                    let invalid = std::mem::take(&mut delivery.invalid);
                    let count = invalid.len();
                    if count > 0 {
                        if !self.write_dead_letters(invalid).await {
                            self.nak(&delivery.message, delivered(&delivery.message))
                                .await;
                            continue;
                        }
                        tracing::warn!("dead-lettered {count} invalid events of a bundle");
                    }
                    if delivery.events.is_empty() {
                        self.ack(&delivery.message).await;
                    } else {
                        deliveries.push(delivery);
                    }
                }
            }
        }
        if deliveries.is_empty() {
            return;
        }
        // The events travel to the database thread and back, never copied.
        let mut sizes = Vec::with_capacity(deliveries.len());
        let mut batch: Vec<Item> = Vec::new();
        for delivery in &mut deliveries {
            sizes.push(delivery.events.len());
            let seq = delivery.seq;
            batch.extend(delivery.events.drain(..).map(|event| (event, seq)));
        }
        let started = std::time::Instant::now();
        let (batch, stored) = self.store(batch).await;
        match stored {
            Ok(outcomes) => {
                self.counters.count(&outcomes);
                self.counters.batches.fetch_add(1, Ordering::Relaxed);
                if let Some(metrics) = &self.metrics {
                    metrics
                        .batch_commit
                        .record_ms(started.elapsed().as_secs_f64() * 1000.0);
                    for ((event, _), outcome) in batch.iter().zip(&outcomes) {
                        if matches!(outcome, Outcome::Stored { .. }) {
                            metrics.to_stored.record_ms(ms_since(event.received_at));
                        }
                    }
                }
                for delivery in &deliveries {
                    self.ack(&delivery.message).await;
                }
            }
            // One bad message must not hold back the others: store each alone.
            Err(e) if deliveries.len() > 1 => {
                tracing::warn!(
                    "a batch of {} messages failed ({e}); storing them one by one",
                    deliveries.len()
                );
                let mut rest = batch.into_iter();
                for (delivery, size) in deliveries.into_iter().zip(sizes) {
                    let own: Vec<Item> = rest.by_ref().take(size).collect();
                    match self.store(own).await {
                        (_, Ok(outcomes)) => {
                            self.counters.count(&outcomes);
                            self.ack(&delivery.message).await;
                        }
                        (own, Err(e)) => self.failed(&delivery.message, own, e).await,
                    }
                }
            }
            Err(e) => {
                if let Some(delivery) = deliveries.first() {
                    self.failed(&delivery.message, batch, e).await;
                }
            }
        }
    }

    /// Stores a batch in one transaction, handing the events back with the outcome.
    async fn store(&self, batch: Vec<Item>) -> (Vec<Item>, Result<Vec<Outcome>, DbError>) {
        let counters = self.counters.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let ran = self
            .db
            .with_conn(move |conn| {
                let started = thread_cpu();
                let stored = store::store(conn, &batch);
                let spent = thread_cpu().saturating_sub(started);
                let spent_us = u64::try_from(spent.as_micros()).unwrap_or(u64::MAX);
                counters.store_cpu_us.fetch_add(spent_us, Ordering::Relaxed);
                let _ = tx.send(batch);
                stored
            })
            .await;
        (rx.await.unwrap_or_default(), ran)
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
}

/// The delivery count of a message (as the last delivery when it cannot be read).
fn delivered(message: &Message) -> i64 {
    message
        .info()
        .map(|i| i.delivered)
        .unwrap_or(MAX_DELIVERIES)
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

/// CPU time of the calling thread so far (zero where the clock cannot be read).
fn thread_cpu() -> Duration {
    use nix::time::{clock_gettime, ClockId};
    clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID)
        .map(Duration::from)
        .unwrap_or_default()
}
