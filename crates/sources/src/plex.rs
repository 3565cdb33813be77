//! Plex Media Server webhooks: the JSON of the multipart `payload` part (the HTTP layer
//! extracts it). Plex sends no session key and no timestamp, so identity is built from the
//! server, player, item and account, and `occurred_at` is the arrival time.
//!
//! Required for playback events: `event`, `Player.uuid`, `Metadata.ratingKey`.

use chrono::{DateTime, Utc};

use super::error::ParseError;
use super::event_id::{correlation_key, EventIdBuilder};
use super::fields::{optional, Obj};
use super::{json, shared, Parsed};
use crate::event::{EventType, Location, MediaEvent, Origin, Source};

pub fn parse(body: &[u8], received_at: DateTime<Utc>) -> Result<Parsed, ParseError> {
    let map = json::decode_object(body)?;
    let root = Obj::root(&map);

    let event = root
        .string("event")?
        .ok_or_else(|| ParseError::missing("event"))?;
    let Some(event_type) = event_type(&event) else {
        return Ok(Parsed::Ignored {
            source: Source::Plex,
            kind: event,
        });
    };

    let account = root.object("Account")?;
    let server = root.object("Server")?;
    let player = root
        .object("Player")?
        .ok_or_else(|| ParseError::missing("Player.uuid"))?;
    let metadata = root
        .object("Metadata")?
        .ok_or_else(|| ParseError::missing("Metadata.ratingKey"))?;
    let machine_id = player
        .text("uuid")?
        .ok_or_else(|| ParseError::missing(player.path_of("uuid")))?;
    let rating_key = metadata
        .text("ratingKey")?
        .ok_or_else(|| ParseError::missing(metadata.path_of("ratingKey")))?;

    let server_id = optional(server.as_ref(), |server| server.text("uuid"))?;
    // Account.id is the server-local id (1 = owner), not the plex.tv id Tautulli reports:
    // fine for the id tuple, never for the correlation key.
    let user_id = optional(account.as_ref(), |account| account.text("id"))?;
    let view_offset_ms = metadata.millis("viewOffset")?;
    let last_viewed_at = metadata.text("lastViewedAt")?;

    let event_id = EventIdBuilder::new(Source::Plex)
        .part("server", server_id.as_deref())
        .part("player", Some(&machine_id))
        .part("rating_key", Some(&rating_key))
        .part("account", user_id.as_deref())
        .part("event", Some(&event))
        .number("view_offset_ms", view_offset_ms)
        .part("last_viewed_at", last_viewed_at.as_deref())
        .finish();
    let correlation_key = correlation_key(
        Source::Plex,
        Some(&machine_id),
        Some(&rating_key),
        event_type,
        &machine_id,
    );
    let local = player.flag("local")?;

    Ok(Parsed::Playback(MediaEvent {
        event_id,
        event_type,
        source: Source::Plex,
        origin: Origin::Webhook,
        server_id,
        server_name: optional(server.as_ref(), |server| server.text("title"))?,
        session_key: None,
        correlation_key,
        occurred_at: received_at,
        received_at,
        user_id,
        username: optional(account.as_ref(), |account| account.text("title"))?,
        media_type: shared::media_type(metadata.text("type")?.as_deref()),
        title: metadata.text("title")?,
        parent_title: metadata.text("parentTitle")?,
        grandparent_title: metadata.text("grandparentTitle")?,
        rating_key: Some(rating_key),
        year: metadata.year("year")?,
        duration_ms: metadata.millis("duration")?,
        view_offset_ms,
        player: player.text("title")?,
        platform: None,
        product: None,
        device: None,
        machine_id: Some(machine_id),
        ip_address: player.text("publicAddress")?,
        location: local.map(|local| if local { Location::Lan } else { Location::Wan }),
        transcode_decision: None,
        video_resolution: None,
        paused_ms: None,
        percent_complete: None,
        raw: serde_json::Value::Object(map),
    }))
}

/// Playback events. `media.scrobble` (Plex marked the item watched, past 90 %) is
/// `watched`. `playback.started` is ignored: it is the server owner's copy of a shared
/// user's `media.play`, which the owner's webhook also receives, so mapping it would
/// double every start. `media.rate`, `library.*`, `admin.*`, `device.new` and any event
/// Plex adds later are not playback.
fn event_type(event: &str) -> Option<EventType> {
    Some(match event {
        "media.play" => EventType::Start,
        "media.pause" => EventType::Pause,
        "media.resume" => EventType::Resume,
        "media.stop" => EventType::Stop,
        "media.scrobble" => EventType::Watched,
        _ => return None,
    })
}

#[cfg(test)]
#[path = "plex_tests.rs"]
mod tests;
