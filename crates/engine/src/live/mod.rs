//! The live view: who watches what right now. Events arrive from the ingest path as they
//! are made durable (and, in external mode, from the stream's ordered consumer), are deduplicated against the recent past, fold into
//! per-playback [`Session`]s and fan out to subscribers through a bounded broadcast — a
//! subscriber that falls behind is told so (and resyncs from a snapshot or is closed); it
//! never slows ingestion.

pub mod feed;
pub mod subscription;
pub mod tap;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::broadcast;

use crate::event::MediaEvent;
use crate::health::Health;
use crate::persist::dedup::Decision;
use crate::persist::dedup_index::DedupIndex;
use crate::session::{playback_key, Session, SessionState};
use crate::stats::Stats;

/// Messages a subscriber may miss before it is considered too slow.
pub const BUFFER: usize = 4096;
/// Recent events kept for a new subscriber's first view.
const RECENT: usize = 50;
/// Recent events remembered to recognise a second report of the same moment.
const REMEMBERED: usize = 2048;

/// A session as the live view shows it, with its position extrapolated to `as_of`.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LiveSession {
    pub session: Session,
    /// The server's name as its last event gave it (sessions keep only the server's id).
    pub server_name: Option<String>,
    /// Where playback is at `as_of`: the last reported position plus the time played since.
    pub position_ms: Option<f64>,
    pub as_of: DateTime<Utc>,
}

impl LiveSession {
    pub fn of(session: &Session, now: DateTime<Utc>) -> Self {
        let position_ms = session.last_position_ms.map(|position| {
            let since = if session.state == SessionState::Playing {
                (now - session.last_event_at).num_milliseconds().max(0) as f64
            } else {
                0.0
            };
            let extrapolated = position + since;
            session
                .duration_ms
                .map_or(extrapolated, |d| extrapolated.min(d))
        });
        Self {
            session: session.clone(),
            server_name: None,
            position_ms,
            as_of: now,
        }
    }

    fn named(mut self, last_event: Option<&MediaEvent>) -> Self {
        self.server_name = last_event.and_then(|event| event.server_name.clone());
        self
    }
}

/// One message to subscribers; on the WebSocket `{"type": …, "data": …}`.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "type", content = "data", rename_all = "lowercase")]
pub enum LiveMessage {
    // Shared with the live view's memory: one event reaches every subscriber uncopied.
    Event(
        #[serde(serialize_with = "shared_event")]
        #[specta(type = MediaEvent)]
        Arc<MediaEvent>,
    ),
    Session(Box<LiveSession>),
    Stats(Box<Stats>),
    Health(Health),
}

fn shared_event<S: serde::Serializer>(event: &Arc<MediaEvent>, to: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(event.as_ref(), to)
}

/// Everything the live view shows, for a new or resynchronising subscriber.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LiveSnapshot {
    pub sessions: Vec<LiveSession>,
    /// Newest first.
    pub recent_events: Vec<MediaEvent>,
}

struct LiveState {
    sessions: HashMap<String, Session>,
    /// The latest event of each open session, by playback key: what a poll's stop for it
    /// is made from, and where the server's name comes from.
    last_events: HashMap<String, Arc<MediaEvent>>,
    recent: VecDeque<Arc<MediaEvent>>,
    remembered: DedupIndex,
}

impl Default for LiveState {
    fn default() -> Self {
        Self {
            sessions: HashMap::new(),
            last_events: HashMap::new(),
            recent: VecDeque::new(),
            remembered: DedupIndex::new(REMEMBERED),
        }
    }
}

#[derive(Clone)]
pub struct LiveHub {
    state: Arc<Mutex<LiveState>>,
    sender: broadcast::Sender<Arc<LiveMessage>>,
}

impl Default for LiveHub {
    fn default() -> Self {
        Self::new()
    }
}

impl LiveHub {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(BUFFER);
        Self {
            state: Arc::default(),
            sender,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LiveMessage>> {
        self.sender.subscribe()
    }

    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Sends a message to every subscriber (never waits; with none, it is dropped).
    pub fn publish(&self, message: LiveMessage) {
        let _ = self.sender.send(Arc::new(message));
    }

    /// Folds one event in. Returns false when it was a second report of something already
    /// shown (the writer stores it once; the live view shows it once).
    pub fn observe(&self, event: MediaEvent) -> bool {
        let now = Utc::now();
        let session = {
            let Ok(mut state) = self.state.lock() else {
                return false;
            };
            if state.remembered.decide(&event, None) != Decision::Keep {
                return false;
            }
            let event = Arc::new(event);
            state.recent.push_front(Arc::clone(&event));
            state.recent.truncate(RECENT);
            let key = playback_key(&event);
            let session = match state.sessions.get_mut(&key) {
                Some(open)
                    if open.is_open() && event.event_type != crate::event::EventType::Start =>
                {
                    open.apply(&event);
                    open.clone()
                }
                _ => Session::begin(&event),
            };
            if session.is_open() {
                state.sessions.insert(key.clone(), session.clone());
                state.last_events.insert(key, Arc::clone(&event));
            } else {
                state.sessions.remove(&key);
                state.last_events.remove(&key);
            }
            (session, event)
        };
        let (session, event) = session;
        let live = LiveSession::of(&session, now).named(Some(&event));
        self.publish(LiveMessage::Event(event));
        self.publish(LiveMessage::Session(Box::new(live)));
        true
    }

    pub fn snapshot(&self) -> LiveSnapshot {
        let now = Utc::now();
        let Ok(state) = self.state.lock() else {
            return LiveSnapshot {
                sessions: Vec::new(),
                recent_events: Vec::new(),
            };
        };
        let mut sessions: Vec<LiveSession> = state
            .sessions
            .iter()
            .map(|(key, s)| LiveSession::of(s, now).named(state.last_events.get(key).map(|e| &**e)))
            .collect();
        sessions.sort_by_key(|s| std::cmp::Reverse(s.session.started_at));
        LiveSnapshot {
            sessions,
            recent_events: state.recent.iter().map(|e| MediaEvent::clone(e)).collect(),
        }
    }

    /// Drops sessions silent since before `cutoff` (their stop never came), telling
    /// subscribers they ended.
    pub fn expire(&self, cutoff: DateTime<Utc>) {
        let ended: Vec<LiveSession> = match self.state.lock() {
            Ok(mut state) => {
                let stale: Vec<String> = state
                    .sessions
                    .iter()
                    .filter(|(_, s)| s.last_event_at < cutoff)
                    .map(|(k, _)| k.clone())
                    .collect();
                let now = Utc::now();
                stale
                    .iter()
                    .filter_map(|k| {
                        let mut session = state.sessions.remove(k)?;
                        session.close_by_timeout();
                        let last = state.last_events.remove(k);
                        Some(LiveSession::of(&session, now).named(last.as_deref()))
                    })
                    .collect()
            }
            Err(_) => return,
        };
        for session in ended {
            self.publish(LiveMessage::Session(Box::new(session)));
        }
    }

    /// The open sessions with their latest event each: what the Tautulli poll compares
    /// with Tautulli's activity.
    pub fn open_playbacks(&self) -> Vec<(Session, MediaEvent)> {
        let Ok(state) = self.state.lock() else {
            return Vec::new();
        };
        state
            .sessions
            .iter()
            .filter_map(|(key, session)| {
                let last = state.last_events.get(key)?;
                Some((session.clone(), MediaEvent::clone(last)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
