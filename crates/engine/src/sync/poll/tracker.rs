//! What one poll of Tautulli's activity means for the live view, decided without I/O: the
//! playbacks Tautulli lists that the live view does not know are started; the live
//! playbacks on Tautulli's server that it no longer lists are stopped. Kept pure so the
//! rules are tested without a Tautulli.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::event::{MediaEvent, Source};
use crate::session::{playback_key, Session};
use crate::sources::tautulli_activity::{self, ActivityServer};

/// A live session is stopped once it is missing from this many polls in a row, unless the
/// poll listed it before (then once is enough): a session the poll never saw may be one a
/// webhook reported a moment before Tautulli's own list caught up.
const MISSES_FOR_UNSEEN: u32 = 2;

#[derive(Debug, Default)]
pub struct Tracker {
    /// Playbacks the poll saw listed, with when it last did.
    listed: HashMap<String, DateTime<Utc>>,
    /// Playbacks the poll started, so a start is sent once, not at every poll until the
    /// live view shows it.
    started: HashSet<String>,
    /// Open sessions the poll never saw listed, with how many polls in a row missed them.
    misses: HashMap<String, u32>,
}

/// The events one poll sends through the ingest path.
#[derive(Debug, Default, PartialEq)]
pub struct Moves {
    pub starts: Vec<MediaEvent>,
    pub stops: Vec<MediaEvent>,
}

impl Tracker {
    /// `listed` are the starts made from Tautulli's activity rows; `open` the live view's
    /// open sessions with their latest event.
    pub fn observe(
        &mut self,
        listed: Vec<MediaEvent>,
        open: &[(Session, MediaEvent)],
        server: &ActivityServer,
        now: DateTime<Utc>,
    ) -> Moves {
        let open_keys: HashSet<&str> = open.iter().map(|(s, _)| s.playback_key.as_str()).collect();
        let mut moves = Moves::default();
        let mut listed_now = HashSet::new();
        for start in listed {
            let key = playback_key(&start);
            self.listed.insert(key.clone(), now);
            self.misses.remove(&key);
            if !open_keys.contains(key.as_str()) && self.started.insert(key.clone()) {
                moves.starts.push(start);
            }
            listed_now.insert(key);
        }
        for (session, latest) in open {
            let key = &session.playback_key;
            if listed_now.contains(key) || !on_server(session, server) {
                continue;
            }
            let last_seen = match self.listed.get(key) {
                Some(seen) => Some(*seen),
                None => {
                    let misses = self.misses.entry(key.clone()).or_default();
                    *misses += 1;
                    (*misses >= MISSES_FOR_UNSEEN).then_some(session.last_event_at)
                }
            };
            if let Some(last_seen) = last_seen {
                let at = last_seen.max(session.last_event_at);
                moves.stops.push(tautulli_activity::stopped(
                    latest,
                    &session.session_id,
                    at,
                    now,
                ));
                self.forget(key);
            }
        }
        // What is neither listed nor open any more needs no memory.
        self.listed
            .retain(|key, _| listed_now.contains(key) || open_keys.contains(key.as_str()));
        self.started
            .retain(|key| listed_now.contains(key) || open_keys.contains(key.as_str()));
        self.misses
            .retain(|key, _| open_keys.contains(key.as_str()));
        moves
    }

    /// A start or stop could not be sent: try it again at the next poll.
    pub fn retry(&mut self, event: &MediaEvent) {
        let key = playback_key(event);
        match event.event_type {
            crate::event::EventType::Stop => {
                self.listed.insert(key, event.occurred_at);
            }
            _ => {
                self.started.remove(&key);
            }
        }
    }

    fn forget(&mut self, key: &str) {
        self.listed.remove(key);
        self.started.remove(key);
        self.misses.remove(key);
    }
}

/// Whether a live session is one Tautulli watches: on its Plex server (reported by
/// Tautulli or by Plex itself), or — when Tautulli did not name its server — reported by
/// Tautulli. A Jellyfin or Emby session, or another Plex server's, is never touched.
fn on_server(session: &Session, server: &ActivityServer) -> bool {
    match (&server.machine_id, &session.server_id) {
        (Some(ours), Some(theirs)) => ours == theirs,
        _ => session.source == Source::Tautulli,
    }
}

#[cfg(test)]
#[path = "tracker_tests.rs"]
mod tests;
