//! Tests of the Tautulli parser: every fixture field by field, the flat template,
//! placeholders, required fields and the id rules.

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;

use crate::event::{EventType, Location, MediaType, Source};
use crate::support::{fixture, parse_body, playback, received_at, refusal};
use crate::Parsed;

fn at(seconds: i64) -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).single().expect("valid time")
}

fn tautulli(body: &[u8]) -> crate::event::MediaEvent {
    playback(Source::Tautulli, Some("application/json"), body)
}

fn json_body(value: serde_json::Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

#[test]
fn play_fixture_maps_every_field() {
    let body = fixture("tautulli/play.json");
    let event = tautulli(&body);
    assert_eq!(event.event_type, EventType::Start);
    assert_eq!(event.source, Source::Tautulli);
    assert_eq!(
        event.server_id.as_deref(),
        Some("8f2c1d9e4b7a6c5d3e2f1a0b9c8d7e6f5a4b3c2d")
    );
    assert_eq!(event.server_name.as_deref(), Some("Basement"));
    assert_eq!(event.session_key.as_deref(), Some("311"));
    assert_eq!(
        event.correlation_key,
        "k2n8x4p6q1w9e3r7t5y0u2i4|48213|start"
    );
    assert_eq!(event.occurred_at, at(1_764_251_010));
    assert_eq!(event.occurred_at.to_rfc3339(), "2025-11-27T13:43:30+00:00");
    assert_eq!(event.received_at, received_at());
    assert_eq!(event.user_id.as_deref(), Some("9123456"));
    assert_eq!(event.username.as_deref(), Some("dana"));
    assert_eq!(event.media_type, MediaType::Episode);
    assert_eq!(event.title.as_deref(), Some("The Long Night Shift"));
    assert_eq!(event.parent_title, None, "the template has no season name");
    assert_eq!(event.grandparent_title.as_deref(), Some("Harbor Lights"));
    assert_eq!(event.rating_key.as_deref(), Some("48213"));
    assert_eq!(event.year, Some(2021));
    assert_eq!(event.duration_ms, Some(2_712_000));
    assert_eq!(event.view_offset_ms, Some(0));
    assert_eq!(event.player.as_deref(), Some("Living Room TV"));
    assert_eq!(event.platform.as_deref(), Some("Android"));
    assert_eq!(event.product.as_deref(), Some("Plex for Android (TV)"));
    assert_eq!(event.device.as_deref(), Some("Android TV"));
    assert_eq!(
        event.machine_id.as_deref(),
        Some("k2n8x4p6q1w9e3r7t5y0u2i4")
    );
    assert_eq!(event.ip_address.as_deref(), Some("192.168.1.40"));
    assert_eq!(event.location, Some(Location::Lan));
    assert_eq!(event.transcode_decision.as_deref(), Some("direct play"));
    assert_eq!(event.video_resolution.as_deref(), Some("1080"));
    let raw: serde_json::Value = serde_json::from_slice(&body).expect("fixture is JSON");
    assert_eq!(event.raw, raw);
    assert_eq!(event.subject(), "playback.tautulli.episode");
}

#[test]
fn every_trigger_fixture_maps_type_time_and_position() {
    let cases = [
        ("pause.json", EventType::Pause, 1_764_251_632, 622_000),
        ("resume.json", EventType::Resume, 1_764_251_900, 622_000),
        ("buffer.json", EventType::Buffer, 1_764_252_700, 1_500_000),
        ("watched.json", EventType::Watched, 1_764_253_100, 2_460_000),
        ("stop.json", EventType::Stop, 1_764_253_500, 1_980_000),
    ];
    let play = tautulli(&fixture("tautulli/play.json"));
    for (file, event_type, unixtime, offset) in cases {
        let event = tautulli(&fixture(&format!("tautulli/{file}")));
        assert_eq!(event.event_type, event_type, "{file}");
        assert_eq!(event.occurred_at, at(unixtime), "{file}");
        assert_eq!(event.view_offset_ms, Some(offset), "{file}");
        assert_eq!(event.session_key.as_deref(), Some("311"), "{file}");
        assert_eq!(event.user_id, play.user_id, "{file}");
        assert_eq!(event.rating_key, play.rating_key, "{file}");
        assert_eq!(
            event.correlation_key,
            format!("k2n8x4p6q1w9e3r7t5y0u2i4|48213|{}", event_type.as_str()),
            "{file}"
        );
        assert_ne!(event.event_id, play.event_id, "{file}");
    }
}

#[test]
fn a_retry_keeps_its_id_and_another_event_does_not() {
    let body = fixture("tautulli/pause.json");
    let first = tautulli(&body);
    let retry = match crate::parse(&crate::Incoming {
        source: Source::Tautulli,
        content_type: None,
        body: &body,
        received_at: received_at() + Duration::hours(3),
    }) {
        Ok(Parsed::Playback(event)) => event,
        other => panic!("retry: {other:?}"),
    };
    assert_eq!(first.event_id, retry.event_id);
    assert_ne!(first.received_at, retry.received_at);
    // The resume of the same session at the same position is a different event.
    let resume = tautulli(&fixture("tautulli/resume.json"));
    assert_ne!(first.event_id, resume.event_id);
}

fn flat_template() -> serde_json::Value {
    json!({
        "action": "play", "session_key": "512", "session_id": "{session_id}",
        "user_id": "9123456", "username": "dana", "user": "Dana",
        "rating_key": "73345", "machine_id": "b7c3d9f1a5e2h8j4k6m0n2p4",
        "server_machine_id": "8f2c1d9e4b7a6c5d3e2f1a0b9c8d7e6f5a4b3c2d", "server_name": "Basement",
        "media_type": "movie", "title": "The Quiet Orbit", "year": "2019",
        "duration_ms": "6931000", "view_offset": "125000",
        "player": "Marco's iPhone", "device": "iPhone", "platform": "iOS", "product": "Plex for iOS",
        "ip_address": "198.51.100.77", "stream_location": "wan", "stream_local": "0",
        "transcode_decision": "transcode", "video_resolution": "",
        "stream_video_resolution": "720", "unixtime": "{unixtime}",
        "utctime": "2025-11-27T20:05:00"
    })
}

#[test]
fn flat_template_parses() {
    let event = tautulli(&json_body(flat_template()));
    assert_eq!(event.event_type, EventType::Start);
    assert_eq!(event.session_key.as_deref(), Some("512"));
    assert_eq!(
        event.server_id.as_deref(),
        Some("8f2c1d9e4b7a6c5d3e2f1a0b9c8d7e6f5a4b3c2d")
    );
    assert_eq!(event.server_name.as_deref(), Some("Basement"));
    assert_eq!(event.user_id.as_deref(), Some("9123456"));
    assert_eq!(event.username.as_deref(), Some("dana"));
    assert_eq!(event.media_type, MediaType::Movie);
    assert_eq!(event.title.as_deref(), Some("The Quiet Orbit"));
    assert_eq!(event.year, Some(2019));
    assert_eq!(event.duration_ms, Some(6_931_000));
    assert_eq!(
        event.view_offset_ms,
        Some(125_000),
        "{{view_offset}} is milliseconds"
    );
    assert_eq!(event.player.as_deref(), Some("Marco's iPhone"));
    assert_eq!(
        event.machine_id.as_deref(),
        Some("b7c3d9f1a5e2h8j4k6m0n2p4")
    );
    assert_eq!(event.location, Some(Location::Wan));
    assert_eq!(event.transcode_decision.as_deref(), Some("transcode"));
    // "" for video_resolution is absent, so the stream's resolution is used.
    assert_eq!(event.video_resolution.as_deref(), Some("720"));
    // "{unixtime}" is absent, so utctime (UTC without a zone) gives the time.
    assert_eq!(
        event.occurred_at,
        Utc.with_ymd_and_hms(2025, 11, 27, 20, 5, 0)
            .single()
            .expect("t")
    );
    assert_eq!(
        event.correlation_key,
        "b7c3d9f1a5e2h8j4k6m0n2p4|73345|start"
    );
}

#[test]
fn placeholders_and_empty_strings_are_absent() {
    let mut template = flat_template();
    template["title"] = json!("{title}");
    template["username"] = json!("");
    template["year"] = json!("{year}");
    template["player"] = json!("{player}");
    template["stream_location"] = json!("{stream_location}");
    let event = tautulli(&json_body(template));
    assert_eq!(event.title, None);
    assert_eq!(event.year, None);
    assert_eq!(event.player, None);
    // username falls back to the friendly name ({user}).
    assert_eq!(event.username.as_deref(), Some("Dana"));
    // stream_location unknown: the stream_local flag ("0") decides.
    assert_eq!(event.location, Some(Location::Wan));
}

#[test]
fn utctime_and_unixtime_of_the_same_second_give_the_same_id() {
    let mut with_unix = flat_template();
    with_unix["unixtime"] = json!("1764273900");
    with_unix["utctime"] = json!("");
    let by_unix = tautulli(&json_body(with_unix));
    let by_utc = tautulli(&json_body(flat_template()));
    assert_eq!(by_unix.occurred_at, by_utc.occurred_at);
    assert_eq!(by_unix.event_id, by_utc.event_id);
}

#[test]
fn missing_action_is_named() {
    // Empty, not the unfilled `{action}`: that is a test notification (see below).
    let mut template = flat_template();
    template["action"] = json!("");
    let error = refusal(Source::Tautulli, &json_body(template));
    assert_eq!(error.code(), "missing_field");
    assert_eq!(error.field(), Some("event"));
    assert!(error.to_string().contains("`action`"), "{error}");
}

#[test]
fn identity_needs_a_session_key_or_item_and_player() {
    let mut template = flat_template();
    template["session_key"] = json!("{session_key}");
    // rating_key + machine_id are enough.
    let event = tautulli(&json_body(template.clone()));
    assert_eq!(event.session_key, None);
    assert_eq!(
        event.correlation_key,
        "b7c3d9f1a5e2h8j4k6m0n2p4|73345|start"
    );

    template["machine_id"] = json!("");
    let error = refusal(Source::Tautulli, &json_body(template));
    assert_eq!(error.code(), "missing_field");
    assert_eq!(error.field(), Some("session_key"));
    assert!(
        error.to_string().contains("`rating_key` and `machine_id`"),
        "{error}"
    );
}

#[test]
fn without_player_the_correlation_key_stays_source_specific() {
    let mut template = flat_template();
    template["machine_id"] = json!("{machine_id}");
    let event = tautulli(&json_body(template));
    assert_eq!(
        event.correlation_key,
        "tautulli:8f2c1d9e4b7a6c5d3e2f1a0b9c8d7e6f5a4b3c2d/512|start"
    );
}

#[test]
fn without_a_source_time_the_arrival_time_is_used_but_not_hashed() {
    let mut template = flat_template();
    template["utctime"] = json!("{utctime}");
    let body = json_body(template);
    let event = tautulli(&body);
    assert_eq!(event.occurred_at, received_at());
    let later = crate::parse(&crate::Incoming {
        source: Source::Tautulli,
        content_type: None,
        body: &body,
        received_at: received_at() + Duration::seconds(30),
    });
    let Ok(Parsed::Playback(later)) = later else {
        panic!("later: {later:?}")
    };
    assert_eq!(event.event_id, later.event_id);
}

#[test]
fn actions_map_and_non_playback_is_ignored() {
    let cases = [
        ("on_play", Some(EventType::Start)),
        ("PAUSE", Some(EventType::Pause)),
        ("error", Some(EventType::Error)),
        ("change", Some(EventType::Progress)),
        ("created", None),
        ("newdevice", None),
        ("intro", None),
    ];
    for (action, expected) in cases {
        let mut template = flat_template();
        template["action"] = json!(action);
        match (
            parse_body(Source::Tautulli, None, &json_body(template)),
            expected,
        ) {
            (Ok(Parsed::Playback(event)), Some(event_type)) => {
                assert_eq!(event.event_type, event_type, "{action}")
            }
            (Ok(Parsed::Ignored { source, kind }), None) => {
                assert_eq!(source, Source::Tautulli);
                assert_eq!(kind, action.to_ascii_lowercase());
            }
            (other, _) => panic!("{action}: {other:?}"),
        }
    }
}

#[test]
fn ignored_actions_need_nothing_else() {
    let parsed = parse_body(
        Source::Tautulli,
        None,
        br#"{"action":"created","title":"x"}"#,
    );
    assert_eq!(
        parsed,
        Ok(Parsed::Ignored {
            source: Source::Tautulli,
            kind: "created".into()
        })
    );
}

#[test]
fn wrong_types_name_the_nested_field() {
    let mut body: serde_json::Value =
        serde_json::from_slice(&fixture("tautulli/play.json")).expect("fixture");
    body["media"]["year"] = json!("next spring");
    let error = refusal(Source::Tautulli, &json_body(body.clone()));
    assert_eq!(error.code(), "wrong_type");
    assert_eq!(error.field(), Some("media.year"));

    body["media"]["year"] = json!("2021");
    body["event"] = json!(["play"]);
    let error = refusal(Source::Tautulli, &json_body(body));
    assert_eq!(error.field(), Some("event"));
}

#[test]
fn tracks_use_track_album_and_artist_names() {
    let event = tautulli(&json_body(json!({
        "action": "play", "session_key": "9", "media_type": "track",
        "title": "Cold Water Song - The Ferrymen", "track_name": "Cold Water Song",
        "album_name": "Low Tide", "artist_name": "{artist_name}", "track_artist": "The Ferrymen",
        "progress_duration_sec": "42", "duration_sec": "214"
    })));
    assert_eq!(event.media_type, MediaType::Track);
    assert_eq!(event.title.as_deref(), Some("Cold Water Song"));
    assert_eq!(event.parent_title.as_deref(), Some("Low Tide"));
    assert_eq!(event.grandparent_title.as_deref(), Some("The Ferrymen"));
    assert_eq!(event.view_offset_ms, Some(42_000));
    assert_eq!(event.duration_ms, Some(214_000));
    assert_eq!(event.location, None);
}

#[test]
fn an_unfilled_template_is_a_test_notification_and_a_filled_one_is_not() {
    for key in ["event", "action"] {
        let body = json_body(json!({key: "{action}", "session_key": "{session_key}"}));
        assert_eq!(
            parse_body(Source::Tautulli, Some("application/json"), &body),
            Ok(Parsed::Test {
                source: Source::Tautulli
            }),
            "{key}"
        );
    }
    // Another unfilled placeholder alone does not make a test: the action was filled.
    let body = json_body(json!({"event": "play", "session_key": "311", "title": "{title}"}));
    assert!(matches!(
        parse_body(Source::Tautulli, Some("application/json"), &body),
        Ok(Parsed::Playback(_))
    ));
}
