//! Replay: run a range of the stream (by sequence or time) through the same store path as
//! the writer, on an ordered consumer of its own. Idempotent — a stored event is skipped,
//! a new one is stored and deduplicated as any other — with progress and cancel (a job).

use std::time::Duration;

use async_nats::jetstream::consumer::{pull, DeliverPolicy};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::Deserialize;

use super::store::{self, Item};
use super::validate::validate;
use super::writer::WriterCounters;
use super::Database;
use crate::bus::stream::STREAM;
use crate::event::MediaEvent;
use crate::jobs::JobHandle;

/// One end of a replay range: a stream sequence or a time.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, specta::Type)]
#[serde(untagged)]
pub enum Bound {
    Seq(#[specta(type = f64)] u64),
    Time(DateTime<Utc>),
}

#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(default)]
pub struct ReplayRange {
    pub from: Option<Bound>,
    pub to: Option<Bound>,
}

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
        let stream = self
            .jetstream
            .get_stream(STREAM)
            .await
            .map_err(|e| e.to_string())?;
        let state = stream.cached_info().state.clone();
        if state.messages == 0 {
            job.set_total(0);
            return Ok(());
        }
        let deliver_policy = match range.from {
            Some(Bound::Seq(seq)) => DeliverPolicy::ByStartSequence {
                start_sequence: seq.max(state.first_sequence),
            },
            Some(Bound::Time(at)) => DeliverPolicy::ByStartTime {
                start_time: to_offset(at)?,
            },
            None => DeliverPolicy::All,
        };
        let end_seq = match range.to {
            Some(Bound::Seq(seq)) => seq.min(state.last_sequence),
            _ => state.last_sequence,
        };
        let end_time = match range.to {
            Some(Bound::Time(at)) => Some(at),
            _ => None,
        };
        let start_guess = match range.from {
            Some(Bound::Seq(seq)) => seq.max(state.first_sequence),
            _ => state.first_sequence,
        };
        job.set_total((end_seq + 1).saturating_sub(start_guess));
        let consumer = stream
            .create_consumer(pull::OrderedConfig {
                deliver_policy,
                description: Some("replay".to_string()),
                ..Default::default()
            })
            .await
            .map_err(|e| e.to_string())?;
        let mut messages = consumer.messages().await.map_err(|e| e.to_string())?;
        let mut pending: Vec<Item> = Vec::new();
        let mut first_seen = false;
        while !job.is_cancelled() {
            let next = tokio::time::timeout(QUIET, messages.next()).await;
            let Ok(Some(message)) = next else { break };
            let message = message.map_err(|e| e.to_string())?;
            let info = message.info().map_err(|e| e.to_string())?;
            let seq = info.stream_sequence;
            let published = DateTime::from_timestamp(info.published.unix_timestamp(), 0);
            if seq > end_seq || matches!((end_time, published), (Some(end), Some(p)) if p > end) {
                break;
            }
            if !first_seen {
                first_seen = true;
                job.set_total((end_seq + 1).saturating_sub(seq));
            }
            match decode(&message.payload) {
                Some(event) => pending.push((event, Some(seq))),
                // Undecodable messages went to the DLQ when the writer first saw them.
                None => job.advance(0, 1),
            }
            if pending.len() >= self.batch_size || seq == end_seq {
                self.flush(&mut pending, job).await?;
            }
            if seq == end_seq {
                break;
            }
        }
        self.flush(&mut pending, job).await
    }

    async fn flush(&self, pending: &mut Vec<Item>, job: &JobHandle) -> Result<(), String> {
        if pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(pending);
        let n = batch.len() as u64;
        let outcomes = self
            .db
            .with_conn(move |conn| store::store(conn, &batch))
            .await
            .map_err(|e| e.to_string())?;
        self.counters.count(&outcomes);
        job.advance(n, 0);
        Ok(())
    }
}

fn decode(payload: &[u8]) -> Option<MediaEvent> {
    let event: MediaEvent = serde_json::from_slice(payload).ok()?;
    validate(&event, Utc::now()).ok()?;
    Some(event)
}

fn to_offset(at: DateTime<Utc>) -> Result<time::OffsetDateTime, String> {
    let nanos = at
        .timestamp_nanos_opt()
        .ok_or_else(|| format!("{at} is out of range"))?;
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(nanos)).map_err(|e| e.to_string())
}
