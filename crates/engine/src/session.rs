//! One playback, followed from its events: the state machine behind the `sessions` table
//! and the live view. Pure (no I/O), so persistence, live state and tests share one truth.
//! Time in a state is counted from the source's clocks (`occurred_at`), never from arrival.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{EventType, MediaEvent, MediaType, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum SessionState {
    Playing,
    Paused,
    Buffering,
    Stopped,
}

impl SessionState {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Playing => "playing",
            SessionState::Paused => "paused",
            SessionState::Buffering => "buffering",
            SessionState::Stopped => "stopped",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::Playing, Self::Paused, Self::Buffering, Self::Stopped]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ClosedBy {
    /// A source reported the stop.
    Stop,
    /// No event came for the session timeout; closed at its last sign of life.
    Timeout,
    /// The Tautulli activity poll stopped listing it (docs/adr/0022).
    Poll,
}

impl ClosedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ClosedBy::Stop => "stop",
            ClosedBy::Timeout => "timeout",
            ClosedBy::Poll => "poll",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::Stop, Self::Timeout, Self::Poll]
            .into_iter()
            .find(|c| c.as_str() == name)
    }
}

/// Whether the Tautulli activity poll made this event, which tells a poll's stop from a
/// reported one.
pub fn made_by_poll(event: &MediaEvent) -> bool {
    event.origin == crate::event::Origin::Poll
}

/// One playback session (docs/architecture.md#session). Durations are milliseconds as f64 because
/// they cross into TypeScript, where 64-bit integers do not exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Session {
    pub session_id: String,
    pub source: Source,
    pub server_id: Option<String>,
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub rating_key: Option<String>,
    pub title: Option<String>,
    /// The season or album.
    pub parent_title: Option<String>,
    /// The show or artist.
    pub grandparent_title: Option<String>,
    pub media_type: MediaType,
    pub player: Option<String>,
    pub machine_id: Option<String>,
    /// The player's platform ("Chrome", "Android") and app ("Plex Web").
    pub platform: Option<String>,
    pub product: Option<String>,
    pub server_name: Option<String>,
    pub state: SessionState,
    pub started_at: DateTime<Utc>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub paused_ms: f64,
    pub play_ms: f64,
    pub last_position_ms: Option<f64>,
    pub duration_ms: Option<f64>,
    pub percent_complete: Option<f64>,
    pub transcode_decision: Option<String>,
    pub closed_by_timeout: bool,
    /// Why it ended; None while open.
    pub closed_by: Option<ClosedBy>,
    /// Source-independent identity of the playback (server + player + item): how later
    /// events, from any source, find this session.
    pub playback_key: String,
    /// When the current state began (time in it is counted at the next change).
    pub state_since: DateTime<Utc>,
    pub last_event_at: DateTime<Utc>,
    pub event_count: u32,
}

/// The playback an event belongs to: its correlation key without the event type, so a
/// start, its pauses and its stop — from Tautulli or Plex — share one key; prefixed with
/// the server's identity when the source names it (Plex `Server.uuid` = Tautulli
/// `server_machine_id`, Jellyfin `ServerId`, Emby `Server.Id`), so one player playing the
/// same item on two servers is two playbacks.
pub fn playback_key(event: &MediaEvent) -> String {
    let suffix = format!("|{}", event.event_type.as_str());
    let player_and_item = event
        .correlation_key
        .strip_suffix(&suffix)
        .unwrap_or(&event.correlation_key);
    match event.server_id.as_deref() {
        Some(server) => format!(
            "{}@{player_and_item}",
            server.replace('%', "%25").replace('@', "%40")
        ),
        None => player_and_item.to_string(),
    }
}

fn state_after(event_type: EventType) -> Option<SessionState> {
    match event_type {
        EventType::Start | EventType::Resume => Some(SessionState::Playing),
        EventType::Pause => Some(SessionState::Paused),
        EventType::Buffer => Some(SessionState::Buffering),
        EventType::Stop => Some(SessionState::Stopped),
        // Progress and watched (a scrobble fires mid-playback) change the position only;
        // an error leaves the state to the stop that follows it.
        EventType::Progress | EventType::Watched | EventType::Error => None,
    }
}

impl Session {
    /// A new session from its first event (normally a start; a pause or stop first means
    /// the start was missed, and the session begins there).
    pub fn begin(event: &MediaEvent) -> Session {
        let mut session = Session {
            session_id: format!("s-{}", event.event_id),
            source: event.source,
            server_id: event.server_id.clone(),
            user_id: event.user_id.clone(),
            username: event.username.clone(),
            rating_key: event.rating_key.clone(),
            title: event.title.clone(),
            parent_title: event.parent_title.clone(),
            grandparent_title: event.grandparent_title.clone(),
            media_type: event.media_type,
            player: event.player.clone(),
            machine_id: event.machine_id.clone(),
            platform: event.platform.clone(),
            product: event.product.clone(),
            server_name: event.server_name.clone(),
            state: SessionState::Playing,
            started_at: event.occurred_at,
            stopped_at: None,
            paused_ms: 0.0,
            play_ms: 0.0,
            last_position_ms: None,
            duration_ms: None,
            percent_complete: None,
            transcode_decision: None,
            closed_by_timeout: false,
            closed_by: None,
            playback_key: playback_key(event),
            state_since: event.occurred_at,
            last_event_at: event.occurred_at,
            event_count: 0,
        };
        session.apply(event);
        session
    }

    pub fn is_open(&self) -> bool {
        self.state != SessionState::Stopped
    }

    /// Folds one event in. Events older than the current state (out of order) update
    /// position and details but never count negative time.
    pub fn apply(&mut self, event: &MediaEvent) {
        self.event_count += 1;
        if event.occurred_at > self.last_event_at {
            self.last_event_at = event.occurred_at;
        }
        self.fill_details(event);
        if let Some(offset) = event.view_offset_ms {
            self.last_position_ms = Some(f64::from(offset));
        }
        if let Some(duration) = event.duration_ms {
            self.duration_ms = Some(f64::from(duration));
        }
        self.percent_complete = match (self.last_position_ms, self.duration_ms) {
            (Some(position), Some(duration)) if duration > 0.0 => {
                Some((position / duration * 100.0).clamp(0.0, 100.0))
            }
            _ => event
                .percent_complete
                .map(|p| p.clamp(0.0, 100.0))
                .or(self.percent_complete),
        };
        if !self.is_open() {
            return;
        }
        self.count_time_until(event.occurred_at);
        let resumed_after_buffering = self.state == SessionState::Buffering
            && matches!(event.event_type, EventType::Progress | EventType::Watched);
        if resumed_after_buffering {
            self.state = SessionState::Playing;
        }
        if let Some(next) = state_after(event.event_type) {
            self.state = next;
            if next == SessionState::Stopped {
                self.stopped_at = Some(event.occurred_at.max(self.state_since));
                self.closed_by = Some(match made_by_poll(event) {
                    true => ClosedBy::Poll,
                    false => ClosedBy::Stop,
                });
                self.take_source_paused_time(event.paused_ms);
            }
        }
    }

    /// A stop that carries the source's total paused time (history, where each pause is
    /// not reported) moves that much of the counted time from playing to paused; pauses the
    /// session already saw count towards it, so nothing is counted twice.
    fn take_source_paused_time(&mut self, paused_ms: Option<u32>) {
        let Some(total) = paused_ms.map(f64::from) else {
            return;
        };
        let moved = (total - self.paused_ms).clamp(0.0, self.play_ms);
        self.play_ms -= moved;
        self.paused_ms += moved;
    }

    /// Closes a session whose stop never came, at its last sign of life.
    pub fn close_by_timeout(&mut self) {
        if !self.is_open() {
            return;
        }
        let last = self.last_event_at;
        self.count_time_until(last);
        self.state = SessionState::Stopped;
        self.stopped_at = Some(last);
        self.closed_by_timeout = true;
        self.closed_by = Some(ClosedBy::Timeout);
    }

    fn count_time_until(&mut self, at: DateTime<Utc>) {
        if at <= self.state_since {
            return;
        }
        let elapsed = (at - self.state_since).num_milliseconds() as f64;
        match self.state {
            // A buffering warning does not stop the playback (no source reports its end),
            // so its time counts as playing, as Tautulli counts it.
            SessionState::Playing | SessionState::Buffering => self.play_ms += elapsed,
            SessionState::Paused => self.paused_ms += elapsed,
            SessionState::Stopped => {}
        }
        self.state_since = at;
    }

    /// Later events may know what the first did not (Plex's stop carries the decision
    /// Tautulli's start lacked): fill gaps, never overwrite.
    fn fill_details(&mut self, event: &MediaEvent) {
        fn fill(slot: &mut Option<String>, value: &Option<String>) {
            if slot.is_none() {
                slot.clone_from(value);
            }
        }
        fill(&mut self.server_id, &event.server_id);
        fill(&mut self.user_id, &event.user_id);
        fill(&mut self.username, &event.username);
        fill(&mut self.rating_key, &event.rating_key);
        fill(&mut self.title, &event.title);
        fill(&mut self.parent_title, &event.parent_title);
        fill(&mut self.grandparent_title, &event.grandparent_title);
        fill(&mut self.player, &event.player);
        fill(&mut self.machine_id, &event.machine_id);
        fill(&mut self.platform, &event.platform);
        fill(&mut self.product, &event.product);
        fill(&mut self.server_name, &event.server_name);
        fill(&mut self.transcode_decision, &event.transcode_decision);
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
