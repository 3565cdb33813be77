//! Tests of the Jellyfin parser: every fixture field by field, ticks, the pause flag, the
//! session fallback and ignored notification types.

use chrono::{TimeZone, Timelike, Utc};
use serde_json::json;

use crate::event::{EventType, Location, MediaEvent, MediaType, Source};
use crate::support::{fixture, parse_body, playback, received_at, refusal};
use crate::Parsed;

const DEVICE: &str = "TW96aWxsYS81LjAgKFgxMTsgTGludXggeDg2XzY0KQ11";
const ITEM: &str = "a41c9e07b3d24f5e8c6b1a2d3e4f5061";

fn jellyfin(file: &str) -> MediaEvent {
    playback(
        Source::Jellyfin,
        Some("text/plain"),
        &fixture(&format!("jellyfin/{file}")),
    )
}

fn body_with(
    file: &str,
    change: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
) -> Vec<u8> {
    let mut body: serde_json::Value =
        serde_json::from_slice(&fixture(&format!("jellyfin/{file}"))).expect("fixture is JSON");
    if let Some(map) = body.as_object_mut() {
        change(map);
    }
    body.to_string().into_bytes()
}

#[test]
fn playback_start_maps_every_field() {
    let event = jellyfin("PlaybackStart.json");
    assert_eq!(event.event_type, EventType::Start);
    assert_eq!(event.source, Source::Jellyfin);
    assert_eq!(
        event.server_id.as_deref(),
        Some("3e9a1f0c7b2d4e6f8a0b1c2d3e4f5a6b")
    );
    assert_eq!(event.server_name.as_deref(), Some("den"));
    assert_eq!(
        event.session_key.as_deref(),
        Some("f3c9d2e1b0a94f8e7d6c5b4a39281706")
    );
    assert_eq!(event.correlation_key, format!("{DEVICE}|{ITEM}|start"));
    let expected = Utc
        .with_ymd_and_hms(2025, 11, 27, 13, 43, 30)
        .single()
        .expect("t");
    assert_eq!(event.occurred_at.with_nanosecond(0), Some(expected));
    assert_eq!(
        event.occurred_at.nanosecond(),
        123_458_900,
        "100 ns precision kept"
    );
    assert_eq!(event.received_at, received_at());
    assert_eq!(
        event.user_id.as_deref(),
        Some("6d23c30c5e9d4ec6a66db6b05b63e517")
    );
    assert_eq!(event.username.as_deref(), Some("lena"));
    assert_eq!(event.media_type, MediaType::Episode);
    assert_eq!(event.title.as_deref(), Some("The Long Night Shift"));
    assert_eq!(event.parent_title, None, "no SeasonName in the payload");
    assert_eq!(event.grandparent_title.as_deref(), Some("Harbor Lights"));
    assert_eq!(event.rating_key.as_deref(), Some(ITEM));
    assert_eq!(event.year, Some(2021));
    assert_eq!(event.duration_ms, Some(2_712_000));
    assert_eq!(event.view_offset_ms, Some(0));
    assert_eq!(event.player.as_deref(), Some("Firefox"));
    assert_eq!(event.product.as_deref(), Some("Jellyfin Web"));
    assert_eq!(event.platform, None);
    assert_eq!(event.device, None);
    assert_eq!(event.machine_id.as_deref(), Some(DEVICE));
    assert_eq!(event.ip_address.as_deref(), Some("192.168.1.52"));
    assert_eq!(event.location, Some(Location::Lan));
    assert_eq!(event.transcode_decision.as_deref(), Some("direct play"));
    assert_eq!(event.video_resolution.as_deref(), Some("1080"));
    assert_eq!(event.raw["Provider_imdb"], "tt14200001");
    assert_eq!(event.subject(), "playback.jellyfin.episode");
}

#[test]
fn progress_and_stop_map_ticks_and_times() {
    let progress = jellyfin("PlaybackProgress.json");
    assert_eq!(progress.event_type, EventType::Progress);
    assert_eq!(progress.view_offset_ms, Some(622_000));
    assert_eq!(
        progress.occurred_at,
        Utc.with_ymd_and_hms(2025, 11, 27, 13, 53, 52)
            .single()
            .expect("t")
            + chrono::Duration::nanoseconds(100)
    );
    assert_eq!(
        progress.correlation_key,
        format!("{DEVICE}|{ITEM}|progress")
    );

    let stop = jellyfin("PlaybackStop.json");
    assert_eq!(stop.event_type, EventType::Stop);
    assert_eq!(stop.view_offset_ms, Some(1_980_000));
    assert_eq!(
        stop.occurred_at,
        Utc.with_ymd_and_hms(2025, 11, 27, 14, 25, 0)
            .single()
            .expect("t")
            + chrono::Duration::milliseconds(500)
    );
    let start = jellyfin("PlaybackStart.json");
    assert_ne!(start.event_id, progress.event_id);
    assert_ne!(progress.event_id, stop.event_id);
    assert_eq!(start.session_key, stop.session_key);
}

#[test]
fn paused_progress_is_a_pause() {
    let body = body_with("PlaybackProgress.json", |b| {
        b.insert("IsPaused".into(), json!(true));
    });
    let paused = playback(Source::Jellyfin, None, &body);
    assert_eq!(paused.event_type, EventType::Pause);
    assert_ne!(paused.event_id, jellyfin("PlaybackProgress.json").event_id);
}

#[test]
fn played_to_completion_is_still_a_stop() {
    let body = body_with("PlaybackStop.json", |b| {
        b.insert("PlayedToCompletion".into(), json!(true));
    });
    assert_eq!(
        playback(Source::Jellyfin, None, &body).event_type,
        EventType::Stop
    );
}

#[test]
fn without_id_the_session_is_device_item_and_user() {
    let body = body_with("PlaybackStart.json", |b| {
        b.remove("Id");
    });
    let event = playback(Source::Jellyfin, None, &body);
    assert_eq!(
        event.session_key.as_deref(),
        Some(format!("{DEVICE}/{ITEM}/6d23c30c5e9d4ec6a66db6b05b63e517").as_str())
    );
    assert_eq!(event.correlation_key, format!("{DEVICE}|{ITEM}|start"));

    let body = body_with("PlaybackStart.json", |b| {
        b.remove("Id");
        b.remove("DeviceId");
    });
    let error = refusal(Source::Jellyfin, &body);
    assert_eq!(error.code(), "missing_field");
    assert_eq!(error.field(), Some("Id"));
}

#[test]
fn missing_item_is_named() {
    let body = body_with("PlaybackStart.json", |b| {
        b.insert("ItemId".into(), json!(""));
    });
    assert_eq!(refusal(Source::Jellyfin, &body).field(), Some("ItemId"));
}

#[test]
fn falls_back_to_the_zoned_timestamp() {
    let body = body_with("PlaybackStart.json", |b| {
        b.remove("UtcTimestamp");
    });
    let event = playback(Source::Jellyfin, None, &body);
    assert_eq!(
        event.occurred_at.with_nanosecond(0),
        Utc.with_ymd_and_hms(2025, 11, 27, 13, 43, 30).single()
    );
}

#[test]
fn audio_uses_album_and_artist() {
    let body = body_with("PlaybackStart.json", |b| {
        b.insert("ItemType".into(), json!("Audio"));
        b.insert("Album".into(), json!("Low Tide"));
        b.insert("Artist".into(), json!("The Ferrymen"));
        b.insert("PlayMethod".into(), json!("Transcode"));
        b.insert("RemoteEndPoint".into(), json!("198.51.100.7"));
    });
    let event = playback(Source::Jellyfin, None, &body);
    assert_eq!(event.media_type, MediaType::Track);
    assert_eq!(event.parent_title.as_deref(), Some("Low Tide"));
    assert_eq!(event.grandparent_title.as_deref(), Some("The Ferrymen"));
    assert_eq!(event.transcode_decision.as_deref(), Some("transcode"));
    assert_eq!(event.location, Some(Location::Wan));
}

#[test]
fn other_notification_types_are_ignored() {
    for kind in [
        "ItemAdded",
        "UserCreated",
        "AuthenticationSuccess",
        "SessionStart",
    ] {
        let body = json!({"NotificationType": kind, "IsPaused": "garbage"}).to_string();
        assert_eq!(
            parse_body(Source::Jellyfin, Some("text/plain"), body.as_bytes()),
            Ok(Parsed::Ignored {
                source: Source::Jellyfin,
                kind: kind.into()
            })
        );
    }
}

#[test]
fn wrong_types_are_named() {
    let body = body_with("PlaybackProgress.json", |b| {
        b.insert("PlaybackPositionTicks".into(), json!("ten minutes"));
    });
    let error = refusal(Source::Jellyfin, &body);
    assert_eq!(error.code(), "wrong_type");
    assert_eq!(error.field(), Some("PlaybackPositionTicks"));

    let body = body_with("PlaybackProgress.json", |b| {
        b.insert("NotificationType".into(), json!(7));
    });
    assert_eq!(
        refusal(Source::Jellyfin, &body).field(),
        Some("NotificationType")
    );
}

#[test]
fn the_proposed_plugin_test_send_is_a_test_and_real_notifications_are_not() {
    // `POST /Webhook/Test` of jellyfin-plugin-webhook PR #383 without test data, through a
    // Generic destination with "Send All Properties".
    for (notification, item_type) in [("PlaybackStart", "Movie"), ("ItemAdded", "None")] {
        let test = json!({
            "ServerId": "8c2e41d6f0a94b7e9a3c5d1e2f6a7b8c",
            "ServerName": "Basement",
            "ServerVersion": "10.11.2",
            "ServerUrl": "http://192.168.1.5:8096",
            "NotificationType": notification,
            "ItemType": item_type
        })
        .to_string();
        assert_eq!(
            parse_body(Source::Jellyfin, Some("text/plain"), test.as_bytes()),
            Ok(Parsed::Test {
                source: Source::Jellyfin
            }),
            "{notification}"
        );
    }
    // A notification without an item (no ItemType) is not a test.
    let restart = json!({"ServerId": "8c2e", "ServerName": "Basement",
        "ServerVersion": "10.11.2", "ServerUrl": "http://x", "NotificationType": "PendingRestart"});
    assert!(matches!(
        parse_body(Source::Jellyfin, None, restart.to_string().as_bytes()),
        Ok(Parsed::Ignored { .. })
    ));
    // A real playback without its item is still refused by name, not taken for a test.
    let body = body_with("PlaybackStart.json", |b| {
        b.remove("ItemId");
    });
    assert_eq!(refusal(Source::Jellyfin, &body).field(), Some("ItemId"));
}
