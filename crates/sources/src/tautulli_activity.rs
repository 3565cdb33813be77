//! Tautulli's `get_activity` (API v2, 2.17): what plays on its Plex server now, read into
//! the same [`MediaEvent`] a Tautulli webhook gives, so the poll's report of a playback and
//! the webhook's share one correlation identity and dedup folds them (docs/adr/0022).
//! Pure, like the webhook parsers; the engine's poll task does the calling.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::error::ParseError;
use super::event_id::{correlation_key, EventIdBuilder};
use super::fields::Obj;
use super::shared;
use crate::event::{EventType, Location, MediaEvent, MediaType, Origin, Source};

/// The key of `raw` that says who made an event the source never sent as a webhook.
pub const ORIGIN_FIELD: &str = "origin";
/// Its value for events the activity poll made.
pub const POLL_ORIGIN: &str = "poll";

/// The Plex server Tautulli watches (`get_server_info`): `pms_identifier` is the
/// machine identifier webhooks carry as `{server_machine_id}` and Plex as `Server.uuid`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityServer {
    pub machine_id: Option<String>,
    pub name: Option<String>,
}

impl ActivityServer {
    /// Reads `get_server_info`'s data; empty strings (Tautulli not set up) are absent.
    pub fn from_server_info(data: &Value) -> ActivityServer {
        let text = |key: &str| {
            data.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        ActivityServer {
            machine_id: text("pms_identifier"),
            name: text("pms_name"),
        }
    }
}

/// `get_activity`'s data: the sessions, or None when Tautulli answered without a
/// `sessions` list — it does (`data: {}`) when it has no Plex server or cannot reach it, and
/// then it knows nothing about what plays.
pub fn sessions(data: &Value) -> Result<Option<Vec<&Map<String, Value>>>, ParseError> {
    let Some(sessions) = data.get("sessions") else {
        return Ok(None);
    };
    let Value::Array(rows) = sessions else {
        return Err(ParseError::WrongType {
            field: "sessions".to_string(),
            expected: "a list",
            found: super::json::describe_kind(sessions).to_string(),
        });
    };
    rows.iter()
        .map(|row| match row {
            Value::Object(map) => Ok(map),
            other => Err(ParseError::WrongType {
                field: "sessions[]".to_string(),
                expected: "an object",
                found: super::json::describe_kind(other).to_string(),
            }),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// A start for one activity row, as if Tautulli's webhook had reported it when the poll
/// saw it (`seen_at`). Same identity as the webhook's: server, session key, player machine
/// id and rating key.
pub fn started(
    row: &Map<String, Value>,
    server: &ActivityServer,
    seen_at: DateTime<Utc>,
) -> Result<MediaEvent, ParseError> {
    let obj = Obj::root(row);
    let session_key = obj.text("session_key")?;
    let rating_key = obj.text("rating_key")?;
    let machine_id = obj.text("machine_id")?;
    if session_key.is_none() && (rating_key.is_none() || machine_id.is_none()) {
        return Err(ParseError::MissingField {
            field: "session_key".to_owned(),
            hint: " (or both `rating_key` and `machine_id`)",
        });
    }
    let server_id = server.machine_id.clone();
    let event_type = EventType::Start;
    // Plex's session id names this one playback; with the session key it keeps a reused
    // key (after a Plex restart) from looking like the earlier playback.
    let event_id = EventIdBuilder::new(Source::Tautulli)
        .part("origin", Some(POLL_ORIGIN))
        .part("server", server_id.as_deref())
        .part("session_key", session_key.as_deref())
        .part("session_id", obj.text("session_id")?.as_deref())
        .part("rating_key", rating_key.as_deref())
        .part("machine_id", machine_id.as_deref())
        .part("action", Some("play"))
        .finish();
    let session_identity = format!(
        "{}/{}",
        server_id.as_deref().unwrap_or_default(),
        session_key.as_deref().unwrap_or_default()
    );
    let correlation_key = correlation_key(
        Source::Tautulli,
        machine_id.as_deref(),
        rating_key.as_deref(),
        event_type,
        &session_identity,
    );
    let media_type = shared::media_type(obj.text("media_type")?.as_deref());
    let (parent_title, grandparent_title) = match media_type {
        MediaType::Episode | MediaType::Track => {
            (obj.text("parent_title")?, obj.text("grandparent_title")?)
        }
        MediaType::Movie | MediaType::Other => (None, None),
    };
    let location = match obj
        .text("location")?
        .map(|l| l.to_ascii_lowercase())
        .as_deref()
    {
        Some("lan") => Some(Location::Lan),
        Some("wan") => Some(Location::Wan),
        _ => None,
    };
    let video_resolution = match obj.text("stream_video_full_resolution")? {
        Some(resolution) => Some(resolution),
        None => obj.text("video_resolution")?,
    };
    let mut raw = Map::new();
    raw.insert(ORIGIN_FIELD.to_string(), Value::from(POLL_ORIGIN));
    raw.insert("activity".to_string(), Value::Object(row.clone()));
    Ok(MediaEvent {
        event_id,
        event_type,
        source: Source::Tautulli,
        origin: Origin::Poll,
        server_id,
        server_name: server.name.clone(),
        session_key,
        correlation_key,
        occurred_at: seen_at,
        received_at: seen_at,
        user_id: obj.text("user_id")?,
        username: match obj.text("username")? {
            Some(name) => Some(name),
            None => obj.text("friendly_name")?,
        },
        media_type,
        title: obj.text("title")?,
        parent_title,
        grandparent_title,
        rating_key,
        year: obj.year("year")?,
        duration_ms: obj.millis("duration")?,
        view_offset_ms: obj.millis("view_offset")?,
        player: obj.text("player")?,
        platform: obj.text("platform")?,
        product: obj.text("product")?,
        device: obj.text("device")?,
        machine_id,
        ip_address: obj.text("ip_address")?,
        location,
        transcode_decision: obj.text("transcode_decision")?,
        video_resolution,
        paused_ms: None,
        percent_complete: None,
        raw: Value::Object(raw),
    })
}

/// The stop of a playback the poll no longer sees, made from its latest event (from any
/// source): the same playback identity, the type changed, `raw` saying the poll made it.
/// Its id rests on the session and the moment it was last seen, so the poll closing the
/// same session twice makes the same event.
pub fn stopped(
    latest: &MediaEvent,
    session_id: &str,
    last_seen: DateTime<Utc>,
    noticed_at: DateTime<Utc>,
) -> MediaEvent {
    let from = format!("|{}", latest.event_type.as_str());
    let player_and_item = latest
        .correlation_key
        .strip_suffix(&from)
        .unwrap_or(&latest.correlation_key);
    let event_id = EventIdBuilder::new(Source::Tautulli)
        .part("origin", Some(POLL_ORIGIN))
        .part("session", Some(session_id))
        .part("action", Some("stop"))
        .time("last_seen", Some(last_seen))
        .finish();
    let mut raw = Map::new();
    raw.insert(ORIGIN_FIELD.to_string(), Value::from(POLL_ORIGIN));
    raw.insert(
        "reason".to_string(),
        Value::from("no longer in Tautulli's activity"),
    );
    raw.insert("session_id".to_string(), Value::from(session_id));
    MediaEvent {
        event_id,
        event_type: EventType::Stop,
        source: Source::Tautulli,
        origin: Origin::Poll,
        // Those are the source's own figures for a whole playback; the poll has none.
        paused_ms: None,
        percent_complete: None,
        correlation_key: format!("{player_and_item}|{}", EventType::Stop.as_str()),
        occurred_at: last_seen,
        received_at: noticed_at,
        raw: Value::Object(raw),
        ..latest.clone()
    }
}

#[cfg(test)]
#[path = "tautulli_activity_tests.rs"]
mod tests;
