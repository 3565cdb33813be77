//! Replay: run a range of the stream (by sequence or time) through the same store path as
//! the writer, on an ordered consumer of its own. Idempotent — a stored event is skipped,
//! a new one is stored and deduplicated as any other — with progress and cancel (a job).

use std::time::Duration;

use async_nats::jetstream::consumer::{pull, DeliverPolicy};
use chrono::Utc;
use futures_util::StreamExt;

use super::replay_range::StreamIndex;
pub use super::replay_range::{Bound, ReplayRange};
use super::store::{self, Item, Outcome};
use super::validate::validate;
use super::writer::WriterCounters;
use super::Database;
use crate::bus::stream::STREAM;
use crate::event::MediaEvent;
use crate::jobs::{JobHandle, JobOutcome};

/// How long the stream may stay silent before the range is taken as finished (messages
/// inside it may have aged out).
const QUIET: Duration = Duration::from_secs(3);

pub struct Replay {
    pub jetstream: async_nats::jetstream::Context,
    pub db: Database,
    pub batch_size: usize,
    pub counters: std::sync::Arc<WriterCounters>,
}

impl Replay {
    pub async fn run(self, range: ReplayRange, job: JobHandle) {
        let result = self.replay(range, &job).await;
        if let Err(e) = &result {
            tracing::warn!("replay failed: {e}");
        }
        job.finish(result);
    }

    async fn replay(&self, range: ReplayRange, job: &JobHandle) -> Result<(), String> {
        // The same resolution as the preview, so the job's total is what the user was shown.
        let index = StreamIndex::open(self.jetstream.clone())
            .await
            .map_err(|e| e.to_string())?;
        let span = index.resolve(&range).await.map_err(|e| e.to_string())?;
        job.set_total(span.len());
        job.record_outcome(JobOutcome::default());
        if span.is_empty() {
            return Ok(());
        }
        let stream = self
            .jetstream
            .get_stream(STREAM)
            .await
            .map_err(|e| e.to_string())?;
        let consumer = stream
            .create_consumer(pull::OrderedConfig {
                deliver_policy: DeliverPolicy::ByStartSequence {
                    start_sequence: span.from,
                },
                description: Some("replay".to_string()),
                ..Default::default()
            })
            .await
            .map_err(|e| e.to_string())?;
        let mut messages = consumer.messages().await.map_err(|e| e.to_string())?;
        let mut pending = Pending::default();
        while !job.is_cancelled() {
            let next = tokio::time::timeout(QUIET, messages.next()).await;
            let Ok(Some(message)) = next else { break };
            let message = message.map_err(|e| e.to_string())?;
            let seq = message.info().map_err(|e| e.to_string())?.stream_sequence;
            if seq > span.to {
                break;
            }
            match decode(&message.payload) {
                Some(events) => {
                    pending
                        .items
                        .extend(events.into_iter().map(|e| (e, Some(seq))));
                    pending.messages += 1;
                }
                // Undecodable messages went to the DLQ when the writer first saw them.
                None => {
                    job.advance(0, 1);
                    job.record_outcome(JobOutcome {
                        undecodable: 1,
                        ..JobOutcome::default()
                    });
                }
            }
            if pending.items.len() >= self.batch_size || seq == span.to {
                self.flush(&mut pending, job).await?;
            }
            if seq == span.to {
                break;
            }
        }
        self.flush(&mut pending, job).await
    }

    async fn flush(&self, pending: &mut Pending, job: &JobHandle) -> Result<(), String> {
        if pending.items.is_empty() {
            job.advance(std::mem::take(&mut pending.messages), 0);
            return Ok(());
        }
        let Pending {
            items: batch,
            messages: n,
        } = std::mem::take(pending);
        let outcomes = self
            .db
            .with_conn(move |conn| store::store(conn, &batch))
            .await
            .map_err(|e| e.to_string())?;
        self.counters.count(&outcomes);
        job.record_outcome(tally(&outcomes));
        job.advance(n, 0);
        Ok(())
    }
}

/// Messages read and not yet stored, with their events (a bundle holds many). The job
/// counts messages, as the range does.
#[derive(Default)]
struct Pending {
    items: Vec<Item>,
    messages: u64,
}

/// What the store did with a batch, as the job reports it.
fn tally(outcomes: &[Outcome]) -> JobOutcome {
    let mut outcome = JobOutcome::default();
    for one in outcomes {
        match one {
            Outcome::Stored { .. } => outcome.stored += 1,
            Outcome::Redelivered => outcome.already_stored += 1,
            Outcome::Duplicate { .. } => outcome.duplicates += 1,
        }
    }
    outcome
}

/// The valid events of a message (an invalid one went to the DLQ when the writer first
/// saw it); None when the message holds no event at all.
fn decode(payload: &[u8]) -> Option<Vec<MediaEvent>> {
    let now = Utc::now();
    let mut events = crate::bus::bundle::decode(payload).ok()?;
    events.retain(|event| validate(event, now).is_ok());
    (!events.is_empty()).then_some(events)
}
