//! Jellyfin webhook plugin, Generic destination with "Send All Properties": a flat JSON
//! object, sent as `text/plain` unless the user adds a header (any content type is read as
//! JSON). Positions are .NET ticks (10,000 per millisecond).
//!
//! Required for playback: `NotificationType`, `ItemId`, and a session: `Id` (recent plugin
//! versions) or, failing that, `DeviceId` (with `ItemId` and `UserId`).
//!
//! Test sends: the released plugin (v21) has none. The "Add Test" button proposed in
//! jellyfin-plugin-webhook PR #383 (`POST /Webhook/Test`) sends the base object — `ServerId`,
//! `ServerName`, `ServerVersion`, `ServerUrl`, `NotificationType` — plus `ItemType` ("None"
//! or the chosen type), merged with the test data the user enters. With no test data that
//! exact key set is recognised as a test; a test carrying made-up item data cannot be told
//! from a real notification.

use chrono::{DateTime, Utc};

use super::error::ParseError;
use super::event_id::{correlation_key, EventIdBuilder};
use super::fields::Obj;
use super::{json, shared, Parsed};
use crate::event::{EventType, MediaEvent, MediaType, Origin, Source};

pub fn parse(body: &[u8], received_at: DateTime<Utc>) -> Result<Parsed, ParseError> {
    let map = json::decode_object(body)?;
    if is_test_notification(&map) {
        return Ok(Parsed::Test {
            source: Source::Jellyfin,
        });
    }
    let root = Obj::root(&map);

    let notification = root
        .string("NotificationType")?
        .ok_or_else(|| ParseError::missing("NotificationType"))?;
    // Only progress reports carry a meaningful pause flag.
    let is_paused = notification == "PlaybackProgress" && root.flag("IsPaused")? == Some(true);
    let Some(event_type) = event_type(&notification, is_paused) else {
        return Ok(Parsed::Ignored {
            source: Source::Jellyfin,
            kind: notification,
        });
    };

    let item_id = root
        .text("ItemId")?
        .ok_or_else(|| ParseError::missing("ItemId"))?;
    let device_id = root.text("DeviceId")?;
    let user_id = root.text("UserId")?;
    let session_key = match root.text("Id")? {
        Some(id) => id,
        None => {
            let device = device_id
                .as_deref()
                .ok_or_else(|| ParseError::MissingField {
                    field: "Id".to_owned(),
                    hint: " (or `DeviceId`)",
                })?;
            // Older plugins have no session id: device + item + user identifies the playback.
            format!(
                "{device}/{item_id}/{}",
                user_id.as_deref().unwrap_or_default()
            )
        }
    };

    let occurred_in_source = match root.time("UtcTimestamp")? {
        Some(time) => Some(time),
        None => root.time("Timestamp")?,
    };
    let view_offset_ms = root.ticks_as_millis("PlaybackPositionTicks")?;
    let server_id = root.text("ServerId")?;

    let event_id = EventIdBuilder::new(Source::Jellyfin)
        .part("server", server_id.as_deref())
        .part("session", Some(&session_key))
        .part("item", Some(&item_id))
        .part("notification", Some(&notification))
        .part("event", Some(event_type.as_str()))
        .time("time", occurred_in_source)
        .number("view_offset_ms", view_offset_ms)
        .finish();
    let correlation_key = correlation_key(
        Source::Jellyfin,
        device_id.as_deref(),
        Some(&item_id),
        event_type,
        &session_key,
    );

    let media_type = shared::media_type(root.text("ItemType")?.as_deref());
    let (parent_title, grandparent_title) = match media_type {
        MediaType::Episode => (root.text("SeasonName")?, root.text("SeriesName")?),
        MediaType::Track => (root.text("Album")?, root.text("Artist")?),
        MediaType::Movie | MediaType::Other => (None, None),
    };
    let ip_address = root.text("RemoteEndPoint")?;

    Ok(Parsed::Playback(MediaEvent {
        event_id,
        event_type,
        source: Source::Jellyfin,
        origin: Origin::Webhook,
        server_id,
        server_name: root.text("ServerName")?,
        session_key: Some(session_key),
        correlation_key,
        occurred_at: occurred_in_source.unwrap_or(received_at),
        received_at,
        user_id,
        username: root.text("NotificationUsername")?,
        media_type,
        title: root.text("Name")?,
        parent_title,
        grandparent_title,
        rating_key: Some(item_id),
        year: root.year("Year")?,
        duration_ms: root.ticks_as_millis("RunTimeTicks")?,
        view_offset_ms,
        player: root.text("DeviceName")?,
        platform: None,
        product: match root.text("ClientName")? {
            Some(client) => Some(client),
            None => root.text("Client")?,
        },
        device: None,
        machine_id: device_id,
        location: shared::location_from_ip(ip_address.as_deref()),
        ip_address,
        transcode_decision: shared::transcode_decision(root.text("PlayMethod")?.as_deref()),
        video_resolution: shared::resolution_from_title(root.text("Video_0_Title")?.as_deref()),
        paused_ms: None,
        percent_complete: None,
        raw: serde_json::Value::Object(map),
    }))
}

/// The keys of the plugin's test send without test data. A real notification of an item
/// adds its id, name and times; one without an item (PendingRestart, …) has no `ItemType`.
const TEST_KEYS: [&str; 6] = [
    "ServerId",
    "ServerName",
    "ServerVersion",
    "ServerUrl",
    "NotificationType",
    "ItemType",
];

fn is_test_notification(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    let has = |key: &str| map.get(key).is_some_and(serde_json::Value::is_string);
    has("NotificationType")
        && has("ItemType")
        && map.keys().all(|key| TEST_KEYS.contains(&key.as_str()))
}

/// Jellyfin has no pause/resume notifications: a paused client keeps sending
/// `PlaybackProgress` with `IsPaused: true`, which becomes `pause`; unpaused progress is
/// `progress`, and the live stage reads progress after a pause as resumed.
/// `PlaybackStop` is `stop` even with `PlayedToCompletion: true`: the stop closes the
/// session, and "watched" follows from its position and duration. Every other type
/// (`ItemAdded`, `UserCreated`, …) is not playback.
fn event_type(notification: &str, is_paused: bool) -> Option<EventType> {
    Some(match notification {
        "PlaybackStart" => EventType::Start,
        "PlaybackProgress" if is_paused => EventType::Pause,
        "PlaybackProgress" => EventType::Progress,
        "PlaybackStop" => EventType::Stop,
        _ => return None,
    })
}

#[cfg(test)]
#[path = "jellyfin_tests.rs"]
mod tests;
