//! What the writer makes of one pulled message: the events it carries (one for a webhook,
//! many for a bundle), each validated. A message that is no event at all is a dead letter
//! as a whole; a bundle's invalid events become dead letters of their own, one each.

use async_nats::jetstream::Message;
use chrono::{DateTime, Utc};

use super::validate::validate;
use crate::bus::bundle;
use crate::dlq::store::{Attempt, DlqKind, NewEntry};
use crate::error::codes;
use crate::event::MediaEvent;

/// A message and the events it carries that can be stored.
pub(super) struct Delivery {
    pub message: Message,
    pub seq: Option<u64>,
    pub events: Vec<MediaEvent>,
    /// A bundle's events that failed validation, as dead-letter entries.
    pub invalid: Vec<NewEntry>,
}

pub(super) enum Decoded {
    Delivery(Delivery),
    /// The message as a whole will never be stored.
    Permanent {
        message: Message,
        code: &'static str,
        error: String,
    },
}

pub(super) fn decode(message: Message, now: DateTime<Utc>) -> Decoded {
    let seq = message.info().map(|i| i.stream_sequence).ok();
    let events = match bundle::decode(&message.payload) {
        Ok(events) => events,
        Err(e) => {
            return Decoded::Permanent {
                message,
                code: codes::INVALID_EVENT,
                error: format!("the message is not an event: {e}"),
            }
        }
    };
    if !bundle::is_bundle(&message.subject) {
        // A single event keeps its message as its dead letter, byte for byte.
        let invalid = events.iter().find_map(|e| validate(e, now).err());
        if let Some(invalid) = invalid {
            return Decoded::Permanent {
                message,
                code: codes::INVALID_EVENT,
                error: invalid.to_string(),
            };
        }
        return Decoded::Delivery(Delivery {
            message,
            seq,
            events,
            invalid: Vec::new(),
        });
    }
    let mut valid = Vec::with_capacity(events.len());
    let mut invalid = Vec::new();
    for event in events {
        match validate(&event, now) {
            Ok(()) => valid.push(event),
            Err(e) => invalid.push(dead_letter(
                &event,
                DlqKind::Permanent,
                codes::INVALID_EVENT,
                vec![Attempt {
                    at: now,
                    error: e.to_string(),
                }],
                &message,
                seq,
            )),
        }
    }
    Decoded::Delivery(Delivery {
        message,
        seq,
        events: valid,
        invalid,
    })
}

/// The dead letter of one event of a message: the event as JSON, so a retry stores it
/// alone (a bundle's other events do not go with it).
pub(super) fn dead_letter(
    event: &MediaEvent,
    kind: DlqKind,
    code: &str,
    attempts: Vec<Attempt>,
    message: &Message,
    seq: Option<u64>,
) -> NewEntry {
    NewEntry {
        kind,
        code: code.to_string(),
        source: Some(event.source.as_str().to_string()),
        subject: Some(message.subject.to_string()),
        attempts,
        payload: serde_json::to_vec(event).unwrap_or_default(),
        content_type: None,
        headers: serde_json::Value::Null,
        event_id: Some(event.event_id.clone()),
        stream_seq: seq,
    }
}
