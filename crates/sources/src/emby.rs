//! Emby webhooks: JSON (Emby 4.9+) or the legacy form (4.8 and older) whose field `data`
//! holds the same JSON. Positions are .NET ticks (10,000 per millisecond).
//!
//! Required for playback: `Event`, `Item.Id`, and `Session.Id` or `Session.DeviceId`.
//!
//! Test sends: Emby's "Send Test Notification" (Settings → Webhooks) posts
//! `"Event": "system.webhooktest"` (4.9; `system.notificationtest` from the notification
//! test of earlier versions) with a title, the server and the user, in either encoding.

use chrono::{DateTime, Utc};
use percent_encoding::percent_decode;

use super::error::ParseError;
use super::event_id::{correlation_key, EventIdBuilder};
use super::fields::{optional, Obj};
use super::{json, shared, BodyFormat, Parsed};
use crate::event::{EventType, MediaEvent, MediaType, Origin, Source};

/// The form field that carries the JSON in Emby's legacy webhooks.
const FORM_FIELD: &str = "data";

pub fn parse(
    body: &[u8],
    format: BodyFormat,
    received_at: DateTime<Utc>,
) -> Result<Parsed, ParseError> {
    let payload;
    let json_bytes = match format {
        BodyFormat::Json => body,
        BodyFormat::Form => {
            payload = form_field(body, FORM_FIELD)?;
            payload.as_slice()
        }
    };
    let map = json::decode_object(json_bytes)?;
    let root = Obj::root(&map);

    let event = root
        .string("Event")?
        .ok_or_else(|| ParseError::missing("Event"))?;
    if TEST_EVENTS.contains(&event.as_str()) {
        return Ok(Parsed::Test {
            source: Source::Emby,
        });
    }
    let Some(event_type) = event_type(&event) else {
        return Ok(Parsed::Ignored {
            source: Source::Emby,
            kind: event,
        });
    };

    let item = root
        .object("Item")?
        .ok_or_else(|| ParseError::missing("Item.Id"))?;
    let item_id = item
        .text("Id")?
        .ok_or_else(|| ParseError::missing(item.path_of("Id")))?;
    let session = root.object("Session")?;
    let session_id = optional(session.as_ref(), |session| session.text("Id"))?;
    let device_id = optional(session.as_ref(), |session| session.text("DeviceId"))?;
    let user = root.object("User")?;
    let user_id = optional(user.as_ref(), |user| user.text("Id"))?;
    let session_key = match (session_id, device_id.as_deref()) {
        (Some(id), _) => id,
        // Without a session id, device + item + user identifies the playback.
        (None, Some(device)) => {
            format!(
                "{device}/{item_id}/{}",
                user_id.as_deref().unwrap_or_default()
            )
        }
        (None, None) => {
            return Err(ParseError::MissingField {
                field: "Session.Id".to_owned(),
                hint: " (or `Session.DeviceId`)",
            })
        }
    };

    let server = root.object("Server")?;
    let server_id = match optional(server.as_ref(), |server| server.text("Id"))? {
        Some(id) => Some(id),
        None => item.text("ServerId")?,
    };
    let playback_info = root.object("PlaybackInfo")?;
    let view_offset_ms = optional(playback_info.as_ref(), |info| {
        info.ticks_as_millis("PositionTicks")
    })?;
    let occurred_in_source = root.time("Date")?;

    let event_id = EventIdBuilder::new(Source::Emby)
        .part("server", server_id.as_deref())
        .part("session", Some(&session_key))
        .part("item", Some(&item_id))
        .part("event", Some(&event))
        .time("time", occurred_in_source)
        .number("view_offset_ms", view_offset_ms)
        .finish();
    let correlation_key = correlation_key(
        Source::Emby,
        device_id.as_deref(),
        Some(&item_id),
        event_type,
        &session_key,
    );

    let media_type = shared::media_type(item.text("Type")?.as_deref());
    let (parent_title, grandparent_title) = match media_type {
        MediaType::Episode => (item.text("SeasonName")?, item.text("SeriesName")?),
        MediaType::Track => (item.text("Album")?, item.text("AlbumArtist")?),
        MediaType::Movie | MediaType::Other => (None, None),
    };
    let ip_address = optional(session.as_ref(), |session| session.text("RemoteEndPoint"))?;
    let play_method = match optional(playback_info.as_ref(), |info| info.text("PlayMethod"))? {
        Some(method) => Some(method),
        None => optional(session.as_ref(), |session| session.text("PlayMethod"))?,
    };

    Ok(Parsed::Playback(MediaEvent {
        event_id,
        event_type,
        source: Source::Emby,
        origin: Origin::Webhook,
        server_id,
        server_name: optional(server.as_ref(), |server| server.text("Name"))?,
        session_key: Some(session_key),
        correlation_key,
        occurred_at: occurred_in_source.unwrap_or(received_at),
        received_at,
        user_id,
        username: optional(user.as_ref(), |user| user.text("Name"))?,
        media_type,
        title: item.text("Name")?,
        parent_title,
        grandparent_title,
        rating_key: Some(item_id),
        year: item.year("ProductionYear")?,
        duration_ms: item.ticks_as_millis("RunTimeTicks")?,
        view_offset_ms,
        player: optional(session.as_ref(), |session| session.text("DeviceName"))?,
        platform: None,
        product: optional(session.as_ref(), |session| session.text("Client"))?,
        device: None,
        machine_id: device_id,
        location: shared::location_from_ip(ip_address.as_deref()),
        ip_address,
        transcode_decision: shared::transcode_decision(play_method.as_deref()),
        video_resolution: None,
        paused_ms: None,
        percent_complete: None,
        raw: serde_json::Value::Object(map),
    }))
}

/// What Emby's "Send Test Notification" sends as `Event`.
const TEST_EVENTS: [&str; 2] = ["system.webhooktest", "system.notificationtest"];

/// Playback events; `unpause` is `resume`, `scrobble` (Emby counted it played) is
/// `watched`. `item.markplayed` is ignored: a user ticking "played" in the library is not
/// a playback and carries no session or position. `library.new`, `item.rate`, `user.*`,
/// `system.*` and anything newer are not playback either.
fn event_type(event: &str) -> Option<EventType> {
    Some(match event {
        "playback.start" => EventType::Start,
        "playback.pause" => EventType::Pause,
        "playback.unpause" => EventType::Resume,
        "playback.stop" => EventType::Stop,
        "playback.scrobble" => EventType::Watched,
        _ => return None,
    })
}

/// The bytes of the first field `name` in an `application/x-www-form-urlencoded` body.
/// Decoded by hand rather than with `form_urlencoded`, which replaces invalid UTF-8
/// silently: here the JSON decoder sees the exact bytes and refuses them by name.
fn form_field(body: &[u8], name: &str) -> Result<Vec<u8>, ParseError> {
    let form = json::decode_text(body)?;
    form.split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .find(|(key, _)| decode_component(key) == name.as_bytes())
        .map(|(_, value)| decode_component(value))
        .ok_or_else(|| ParseError::MissingField {
            field: name.to_owned(),
            hint: " (the form field holding the JSON)",
        })
}

/// Percent-decodes one form component; `+` is a space.
fn decode_component(component: &str) -> Vec<u8> {
    let with_spaces = component.replace('+', " ");
    percent_decode(with_spaces.as_bytes()).collect()
}

#[cfg(test)]
#[path = "emby_tests.rs"]
mod tests;
