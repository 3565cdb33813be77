//! `MediaEvent`: one playback event, the same shape whatever service reported it.
//! Every source maps into it (see `sources/`); everything downstream (bus, DuckDB, live
//! state, UI) speaks only this type. Field names are a contract: docs/architecture.md#mediaevent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Tautulli,
    Plex,
    Jellyfin,
    Emby,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::Tautulli,
        Source::Plex,
        Source::Jellyfin,
        Source::Emby,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Tautulli => "tautulli",
            Source::Plex => "plex",
            Source::Jellyfin => "jellyfin",
            Source::Emby => "emby",
        }
    }

    pub fn parse(name: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum EventType {
    Start,
    Stop,
    Pause,
    Resume,
    Progress,
    Watched,
    Buffer,
    Error,
}

impl EventType {
    pub const ALL: [EventType; 8] = [
        EventType::Start,
        EventType::Stop,
        EventType::Pause,
        EventType::Resume,
        EventType::Progress,
        EventType::Watched,
        EventType::Buffer,
        EventType::Error,
    ];

    pub fn parse(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Start => "start",
            EventType::Stop => "stop",
            EventType::Pause => "pause",
            EventType::Resume => "resume",
            EventType::Progress => "progress",
            EventType::Watched => "watched",
            EventType::Buffer => "buffer",
            EventType::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    Movie,
    Episode,
    Track,
    Other,
}

impl MediaType {
    pub const ALL: [MediaType; 4] = [
        MediaType::Movie,
        MediaType::Episode,
        MediaType::Track,
        MediaType::Other,
    ];

    pub fn parse(name: &str) -> Option<MediaType> {
        MediaType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Movie => "movie",
            MediaType::Episode => "episode",
            MediaType::Track => "track",
            MediaType::Other => "other",
        }
    }
}

/// How an event reached us: pushed by the source (a webhook), read back from its history
/// (an import), or noticed by asking what plays now (a poll). The same playback can arrive
/// by two ways; dedup matches them (`cross_origin`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Messages written before origins existed were all webhooks.
    #[default]
    Webhook,
    Import,
    Poll,
}

impl Origin {
    pub const ALL: [Origin; 3] = [Origin::Webhook, Origin::Import, Origin::Poll];

    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Webhook => "webhook",
            Origin::Import => "import",
            Origin::Poll => "poll",
        }
    }

    pub fn parse(name: &str) -> Option<Origin> {
        Origin::ALL.into_iter().find(|o| o.as_str() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Lan,
    Wan,
}

/// One playback event. Optional fields are `None` when the source did not say (never an
/// empty string or a `"{placeholder}"`). Positions and durations are milliseconds (`u32`
/// holds 49 days and stays a plain number in TypeScript); times are UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MediaEvent {
    /// Deterministic from the source payload: the same webhook sent twice gets the same id.
    pub event_id: String,
    pub event_type: EventType,
    pub source: Source,
    /// Webhook, import or poll; absent in messages older than the field (all webhooks).
    #[serde(default)]
    pub origin: Origin,
    pub server_id: Option<String>,
    pub server_name: Option<String>,
    pub session_key: Option<String>,
    /// Source-independent identity of the playback (player machine id + item rating key),
    /// used to match one playback reported by two sources.
    pub correlation_key: String,
    /// When it happened, by the source's clock (or arrival, when the source sends no time).
    pub occurred_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub media_type: MediaType,
    pub title: Option<String>,
    pub parent_title: Option<String>,
    pub grandparent_title: Option<String>,
    pub rating_key: Option<String>,
    pub year: Option<i32>,
    pub duration_ms: Option<u32>,
    pub view_offset_ms: Option<u32>,
    pub player: Option<String>,
    pub platform: Option<String>,
    pub product: Option<String>,
    pub device: Option<String>,
    pub machine_id: Option<String>,
    pub ip_address: Option<String>,
    pub location: Option<Location>,
    pub transcode_decision: Option<String>,
    pub video_resolution: Option<String>,
    /// On a stop: the whole playback's paused time as the source measured it (Tautulli's
    /// history has the total, not the pauses), so the session need not see each pause.
    #[serde(default)]
    pub paused_ms: Option<u32>,
    /// On a stop: how much of the item was played, as the source computed it (0–100), for
    /// sources that give no position and length (Tautulli's history).
    #[serde(default)]
    pub percent_complete: Option<f64>,
    /// The source payload as received (JSON), kept for replay and for fixing mappings.
    /// Any JSON (TypeScript sees `unknown`: numbers in it may exceed a JS number).
    #[specta(type = specta_typescript::Unknown)]
    pub raw: serde_json::Value,
}

impl MediaEvent {
    /// The JetStream subject: `playback.<source>.<media_type>`.
    pub fn subject(&self) -> String {
        format!(
            "playback.{}.{}",
            self.source.as_str(),
            self.media_type.as_str()
        )
    }
}
