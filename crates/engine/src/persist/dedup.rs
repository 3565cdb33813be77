//! Which incoming events are duplicates, and of what (ADR 0010). Pure: the writer loads the
//! stored events that could match, and this decides — in arrival order, so two copies in
//! one batch are caught too. The first copy stored wins; the rest go to `dedup_audit`.

use std::borrow::Borrow;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{EventType, MediaEvent, Origin, Source};

/// Why an event was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DedupRule {
    /// The same event id again, from a different delivery (a resent webhook).
    EventId,
    /// The same source reported the same moment of the same session again (a webhook and
    /// the Tautulli poller, or a resend with a new timestamp).
    Session,
    /// Another source reported the same moment of the same playback.
    CrossSource,
    /// The same source told of the same moment of the same playback another way: a
    /// webhook and a history import (or a poll), which share no session key or event id.
    CrossOrigin,
}

impl DedupRule {
    pub fn as_str(self) -> &'static str {
        match self {
            DedupRule::EventId => "event_id",
            DedupRule::Session => "session",
            DedupRule::CrossSource => "cross_source",
            DedupRule::CrossOrigin => "cross_origin",
        }
    }
}

/// A stored (or already kept) event, reduced to what matching needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub event_id: String,
    pub source: Source,
    pub origin: Origin,
    pub server_id: Option<String>,
    pub session_key: Option<String>,
    pub correlation_key: String,
    pub event_type: EventType,
    pub occurred_at: DateTime<Utc>,
    /// The stream message it came from; None on the direct path.
    pub stream_seq: Option<u64>,
}

impl Candidate {
    pub fn of(event: &MediaEvent, stream_seq: Option<u64>) -> Self {
        Self {
            event_id: event.event_id.clone(),
            source: event.source,
            origin: event.origin,
            server_id: event.server_id.clone(),
            session_key: event.session_key.clone(),
            correlation_key: event.correlation_key.clone(),
            event_type: event.event_type,
            occurred_at: event.occurred_at,
            stream_seq,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Keep,
    /// The very message that is already stored, delivered again (after a crash between the
    /// commit and the ack, or by a replay): nothing to do, nothing to audit.
    Redelivered,
    Drop {
        kept_event_id: String,
        matched_key: String,
        rule: DedupRule,
    },
}

/// How far apart two reports of one moment may be. Starts, stops and scrobbles happen once
/// per playback, so a wide window is safe; a pause can truly repeat a minute later, so
/// pauses, resumes and buffering match only when close.
pub fn window(event_type: EventType) -> Option<Duration> {
    match event_type {
        EventType::Start | EventType::Stop | EventType::Watched => Some(Duration::seconds(90)),
        EventType::Pause | EventType::Resume | EventType::Buffer | EventType::Error => {
            Some(Duration::seconds(15))
        }
        // Progress reports are positions; a second one costs nothing and proves nothing.
        EventType::Progress => None,
    }
}

/// Same-source repeats of a session's once-only moments are matched over a longer span:
/// the Tautulli poller may notice a start minutes after the webhook did.
const SESSION_WINDOW: Duration = Duration::minutes(10);

fn once_per_session(event_type: EventType) -> bool {
    matches!(
        event_type,
        EventType::Start | EventType::Stop | EventType::Watched
    )
}

/// Decides each incoming event (in order) against `known` stored events; kept events join
/// `known` so later ones in the same batch are matched against them. The reference the
/// indexed [`DedupIndex`](super::dedup_index::DedupIndex) is tested against.
#[cfg(test)]
pub fn decide(known: &mut Vec<Candidate>, incoming: &[(MediaEvent, Option<u64>)]) -> Vec<Decision> {
    incoming
        .iter()
        .map(|(event, seq)| {
            let decision = decide_one(known, event, *seq);
            if decision == Decision::Keep {
                known.push(Candidate::of(event, *seq));
            }
            decision
        })
        .collect()
}

/// The decision for one event against `known` (candidates or references to them), which
/// it does not change.
pub fn decide_one<K: Borrow<Candidate>>(
    known: &[K],
    event: &MediaEvent,
    seq: Option<u64>,
) -> Decision {
    let known = || known.iter().map(Borrow::borrow);
    if let Some(same) = known().find(|k| k.event_id == event.event_id) {
        if seq.is_some() && same.stream_seq == seq {
            return Decision::Redelivered;
        }
        return Decision::Drop {
            kept_event_id: same.event_id.clone(),
            matched_key: event.event_id.clone(),
            rule: DedupRule::EventId,
        };
    }
    let close = |k: &Candidate, span: Duration| {
        (k.occurred_at - event.occurred_at).abs() <= span && k.event_type == event.event_type
    };
    if once_per_session(event.event_type) {
        if let Some(session_key) = &event.session_key {
            let repeat = known().find(|k: &&Candidate| {
                k.source == event.source
                    && k.server_id == event.server_id
                    && k.session_key.as_ref() == Some(session_key)
                    && close(k, SESSION_WINDOW)
            });
            if let Some(kept) = repeat {
                return Decision::Drop {
                    kept_event_id: kept.event_id.clone(),
                    matched_key: format!(
                        "{}:{}:{}|{}",
                        event.source.as_str(),
                        event.server_id.as_deref().unwrap_or(""),
                        session_key,
                        event.event_type.as_str()
                    ),
                    rule: DedupRule::Session,
                };
            }
        }
    }
    if let Some(span) = window(event.event_type) {
        let other_source = known().find(|k: &&Candidate| {
            k.source != event.source
                && k.correlation_key == event.correlation_key
                && same_server(k.server_id.as_deref(), event.server_id.as_deref())
                && close(k, span)
        });
        if let Some(kept) = other_source {
            return Decision::Drop {
                kept_event_id: kept.event_id.clone(),
                matched_key: event.correlation_key.clone(),
                rule: DedupRule::CrossSource,
            };
        }
        let other_origin = known().find(|k: &&Candidate| {
            k.source == event.source
                && k.origin != event.origin
                && k.correlation_key == event.correlation_key
                && close(k, span)
        });
        if let Some(kept) = other_origin {
            return Decision::Drop {
                kept_event_id: kept.event_id.clone(),
                matched_key: format!("{}|{}", event.origin.as_str(), event.correlation_key),
                rule: DedupRule::CrossOrigin,
            };
        }
    }
    Decision::Keep
}

/// Two reports are of one server unless both name a server and the names differ: one
/// player playing the same item on two servers is two playbacks, while a source that does
/// not say (a Tautulli template without `{server_machine_id}`) may still match.
fn same_server(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// The widest window any rule looks back or ahead: how much stored history the writer
/// loads around a batch.
pub const MAX_WINDOW: Duration = SESSION_WINDOW;

#[cfg(test)]
#[path = "dedup_tests.rs"]
mod tests;
