//! When the writer cannot store a message: naks with backoff, and dead letters — after the
//! last delivery, or at once for what can never be stored — each acked only once its DLQ
//! entry is committed.

use std::sync::atomic::Ordering;

use async_nats::jetstream::{AckKind, Message};
use chrono::Utc;

use super::{delivery, Writer, MAX_DELIVERIES};
use crate::dlq::backoff::redelivery_delay;
use crate::dlq::store::{self as dlq, Attempt, DlqKind, NewEntry};
use crate::persist::store::Item;
use crate::persist::DbError;

impl Writer {
    /// A write failed: back off and retry, or dead-letter after the last delivery (a
    /// bundle's events one by one, so each can be retried alone).
    pub(super) async fn failed(&mut self, message: &Message, events: Vec<Item>, error: DbError) {
        let (seq, delivered) = message
            .info()
            .map(|i| (i.stream_sequence, i.delivered))
            .unwrap_or((0, MAX_DELIVERIES));
        self.attempts.entry(seq).or_default().push(Attempt {
            at: Utc::now(),
            error: error.to_string(),
        });
        if delivered >= MAX_DELIVERIES && crate::bus::bundle::is_bundle(&message.subject) {
            let attempts = self.attempts.remove(&seq).unwrap_or_default();
            let entries: Vec<NewEntry> = events
                .iter()
                .map(|(event, seq)| {
                    delivery::dead_letter(
                        event,
                        DlqKind::Exhausted,
                        crate::error::codes::STORE_FAILED,
                        attempts.clone(),
                        message,
                        *seq,
                    )
                })
                .collect();
            let count = entries.len();
            if self.write_dead_letters(entries).await {
                tracing::warn!("dead-lettered the {count} events of a bundle that kept failing");
                self.ack(message).await;
            } else {
                self.nak(message, delivered).await;
            }
            return;
        }
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

    pub(super) async fn nak(&self, message: &Message, delivered: i64) {
        self.counters.naks.fetch_add(1, Ordering::Relaxed);
        let delay = redelivery_delay(delivered);
        if let Err(e) = message.ack_with(AckKind::Nak(Some(delay))).await {
            // Without the nak, the server redelivers after the ack wait instead.
            tracing::warn!("nak failed ({e})");
        }
    }

    /// Writes dead letters in one transaction, counting them; false (logged) when they
    /// could not be written.
    pub(super) async fn write_dead_letters(&self, entries: Vec<NewEntry>) -> bool {
        let count = entries.len() as u64;
        let written = self
            .db
            .with_conn(move |conn| {
                let tx = conn.transaction()?;
                for entry in &entries {
                    dlq::insert(&tx, entry)?;
                }
                tx.commit()?;
                Ok(())
            })
            .await;
        match written {
            Ok(()) => {
                self.counters
                    .dead_lettered
                    .fetch_add(count, Ordering::Relaxed);
                true
            }
            Err(e) => {
                tracing::error!("cannot write {count} dead letters ({e}); keeping the message");
                false
            }
        }
    }

    /// Writes the DLQ entry, then acks; if the entry cannot be written the message is
    /// nak'ed and stays in the stream.
    pub(super) async fn dead_letter(
        &mut self,
        message: &Message,
        kind: DlqKind,
        code: &str,
        error: String,
    ) {
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
        if self.write_dead_letters(vec![entry]).await {
            tracing::warn!(kind = kind.as_str(), code, "dead-lettered: {error}");
            self.ack(message).await;
        } else {
            self.nak(message, delivered).await;
        }
    }
}
