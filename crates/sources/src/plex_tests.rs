//! Tests of the Plex parser: every fixture field by field, ignored events, required fields
//! and the id tuple.

use serde_json::json;

use crate::event::{EventType, Location, MediaEvent, MediaType, Source};
use crate::support::{fixture, parse_body, playback, received_at, refusal};
use crate::Parsed;

/// A change to a fixture's JSON, for table-driven tests.
type Edit = Box<dyn Fn(&mut serde_json::Value)>;

const SERVER: &str = "8f2c1d9e4b7a6c5d3e2f1a0b9c8d7e6f5a4b3c2d";

fn plex(file: &str) -> MediaEvent {
    playback(Source::Plex, None, &fixture(&format!("plex/{file}")))
}

fn body_with(file: &str, change: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut body: serde_json::Value =
        serde_json::from_slice(&fixture(&format!("plex/{file}"))).expect("fixture is JSON");
    change(&mut body);
    body.to_string().into_bytes()
}

#[test]
fn play_episode_maps_every_field() {
    let event = plex("media.play.episode.json");
    assert_eq!(event.event_type, EventType::Start);
    assert_eq!(event.source, Source::Plex);
    assert_eq!(event.server_id.as_deref(), Some(SERVER));
    assert_eq!(event.server_name.as_deref(), Some("Basement"));
    assert_eq!(event.session_key, None, "Plex sends no session key");
    assert_eq!(
        event.correlation_key,
        "k2n8x4p6q1w9e3r7t5y0u2i4|48213|start"
    );
    assert_eq!(event.occurred_at, received_at(), "Plex sends no time");
    assert_eq!(event.received_at, received_at());
    assert_eq!(
        event.user_id.as_deref(),
        Some("1"),
        "the local account id, as sent"
    );
    assert_eq!(event.username.as_deref(), Some("dana"));
    assert_eq!(event.media_type, MediaType::Episode);
    assert_eq!(event.title.as_deref(), Some("The Long Night Shift"));
    assert_eq!(event.parent_title.as_deref(), Some("Season 3"));
    assert_eq!(event.grandparent_title.as_deref(), Some("Harbor Lights"));
    assert_eq!(event.rating_key.as_deref(), Some("48213"));
    assert_eq!(event.year, Some(2021));
    assert_eq!(event.duration_ms, Some(2_712_000));
    assert_eq!(event.view_offset_ms, Some(0));
    assert_eq!(event.player.as_deref(), Some("Living Room TV"));
    assert_eq!(event.platform, None);
    assert_eq!(event.product, None);
    assert_eq!(event.device, None);
    assert_eq!(
        event.machine_id.as_deref(),
        Some("k2n8x4p6q1w9e3r7t5y0u2i4")
    );
    assert_eq!(event.ip_address.as_deref(), Some("203.0.113.45"));
    assert_eq!(event.location, Some(Location::Lan));
    assert_eq!(event.transcode_decision, None);
    assert_eq!(event.video_resolution, None);
    assert_eq!(event.raw["Metadata"]["Director"][0]["tag"], "R. Okafor");
    assert_eq!(event.subject(), "playback.plex.episode");
}

#[test]
fn episode_events_map_type_and_position() {
    let cases = [
        ("media.pause.episode.json", EventType::Pause, 622_000),
        ("media.resume.episode.json", EventType::Resume, 622_000),
        ("media.stop.episode.json", EventType::Stop, 1_980_000),
        ("media.scrobble.episode.json", EventType::Watched, 2_460_000),
    ];
    let play = plex("media.play.episode.json");
    for (file, event_type, offset) in cases {
        let event = plex(file);
        assert_eq!(event.event_type, event_type, "{file}");
        assert_eq!(event.view_offset_ms, Some(offset), "{file}");
        assert_eq!(event.machine_id, play.machine_id, "{file}");
        assert_eq!(event.user_id, play.user_id, "{file}");
        assert_eq!(event.title, play.title, "{file}");
        assert_eq!(event.location, Some(Location::Lan), "{file}");
        assert_ne!(event.event_id, play.event_id, "{file}");
    }
}

#[test]
fn remote_movie_play_and_stop() {
    let play = plex("media.play.movie.remote.json");
    assert_eq!(play.event_type, EventType::Start);
    assert_eq!(play.media_type, MediaType::Movie);
    assert_eq!(play.title.as_deref(), Some("The Quiet Orbit"));
    assert_eq!(play.parent_title, None);
    assert_eq!(play.grandparent_title, None);
    assert_eq!(play.year, Some(2019));
    assert_eq!(play.duration_ms, Some(6_931_000));
    assert_eq!(play.view_offset_ms, Some(0));
    assert_eq!(play.user_id.as_deref(), Some("28311402"));
    assert_eq!(play.username.as_deref(), Some("marco.v"));
    assert_eq!(play.player.as_deref(), Some("Marco's iPhone"));
    assert_eq!(play.machine_id.as_deref(), Some("b7c3d9f1a5e2h8j4k6m0n2p4"));
    assert_eq!(play.ip_address.as_deref(), Some("198.51.100.77"));
    assert_eq!(play.location, Some(Location::Wan));
    assert_eq!(play.correlation_key, "b7c3d9f1a5e2h8j4k6m0n2p4|73345|start");

    let stop = plex("media.stop.movie.remote.json");
    assert_eq!(stop.event_type, EventType::Stop);
    assert_eq!(stop.view_offset_ms, Some(3_105_000));
    assert_eq!(stop.location, Some(Location::Wan));
    assert_eq!(stop.correlation_key, "b7c3d9f1a5e2h8j4k6m0n2p4|73345|stop");
    assert_ne!(stop.event_id, play.event_id);
}

#[test]
fn track_without_offset_or_guid() {
    let event = plex("media.play.track.json");
    assert_eq!(event.event_type, EventType::Start);
    assert_eq!(event.media_type, MediaType::Track);
    assert_eq!(event.title.as_deref(), Some("Cold Water Song"));
    assert_eq!(event.parent_title.as_deref(), Some("Low Tide"));
    assert_eq!(event.grandparent_title.as_deref(), Some("The Ferrymen"));
    assert_eq!(event.rating_key.as_deref(), Some("991204"));
    assert_eq!(event.duration_ms, Some(214_000));
    assert_eq!(event.view_offset_ms, None);
    assert_eq!(event.year, None);
    assert_eq!(event.subject(), "playback.plex.track");
}

#[test]
fn library_new_is_ignored() {
    let parsed = parse_body(Source::Plex, None, &fixture("plex/library.new.json"));
    assert_eq!(
        parsed,
        Ok(Parsed::Ignored {
            source: Source::Plex,
            kind: "library.new".into()
        })
    );
}

#[test]
fn non_playback_events_are_ignored() {
    for event in [
        "media.rate",
        "library.on.deck",
        "admin.database.backup",
        "device.new",
        "playback.started",
    ] {
        let body = json!({"event": event, "Account": {"id": 1}}).to_string();
        match parse_body(Source::Plex, None, body.as_bytes()) {
            Ok(Parsed::Ignored { kind, .. }) => assert_eq!(kind, event),
            other => panic!("{event}: {other:?}"),
        }
    }
}

#[test]
fn the_id_tuple_separates_what_plex_can_separate() {
    let play = plex("media.play.episode.json");
    let cases: [(&str, Edit); 5] = [
        (
            "another account",
            Box::new(|b: &mut serde_json::Value| b["Account"]["id"] = json!(2)),
        ),
        (
            "another player",
            Box::new(|b: &mut serde_json::Value| b["Player"]["uuid"] = json!("other")),
        ),
        (
            "another server",
            Box::new(|b: &mut serde_json::Value| b["Server"]["uuid"] = json!("other")),
        ),
        (
            "another position",
            Box::new(|b: &mut serde_json::Value| b["Metadata"]["viewOffset"] = json!(1000)),
        ),
        (
            "a later viewing",
            Box::new(|b: &mut serde_json::Value| b["Metadata"]["lastViewedAt"] = json!(1764350000)),
        ),
    ];
    for (what, change) in cases {
        let event = playback(
            Source::Plex,
            None,
            &body_with("media.play.episode.json", change),
        );
        assert_ne!(event.event_id, play.event_id, "{what}");
    }
    // Display-only fields do not change the identity.
    let renamed = playback(
        Source::Plex,
        None,
        &body_with("media.play.episode.json", |b| {
            b["Player"]["title"] = json!("Den TV")
        }),
    );
    assert_eq!(renamed.event_id, play.event_id);
}

#[test]
fn ids_as_numbers_or_strings_are_the_same() {
    let play = plex("media.play.episode.json");
    let numeric = playback(
        Source::Plex,
        None,
        &body_with("media.play.episode.json", |b| {
            b["Metadata"]["ratingKey"] = json!(48213)
        }),
    );
    assert_eq!(numeric.rating_key.as_deref(), Some("48213"));
    assert_eq!(numeric.event_id, play.event_id);
}

#[test]
fn playback_without_player_or_item_is_refused_by_name() {
    let no_player = body_with("media.play.episode.json", |b| {
        b.as_object_mut().map(|o| o.remove("Player"));
    });
    let error = refusal(Source::Plex, &no_player);
    assert_eq!(error.code(), "missing_field");
    assert_eq!(error.field(), Some("Player.uuid"));

    let no_key = body_with("media.play.episode.json", |b| {
        b["Metadata"]["ratingKey"] = json!("")
    });
    assert_eq!(
        refusal(Source::Plex, &no_key).field(),
        Some("Metadata.ratingKey")
    );

    let no_event = body_with("media.play.episode.json", |b| b["event"] = json!(null));
    assert_eq!(refusal(Source::Plex, &no_event).field(), Some("event"));
}

#[test]
fn wrong_types_are_named() {
    let cases: [(&str, Edit); 4] = [
        (
            "Account",
            Box::new(|b: &mut serde_json::Value| b["Account"] = json!("dana")),
        ),
        (
            "Metadata",
            Box::new(|b: &mut serde_json::Value| b["Metadata"] = json!([1, 2, 3])),
        ),
        (
            "Metadata.viewOffset",
            Box::new(|b: &mut serde_json::Value| b["Metadata"]["viewOffset"] = json!("soon")),
        ),
        (
            "Player.local",
            Box::new(|b: &mut serde_json::Value| b["Player"]["local"] = json!("maybe")),
        ),
    ];
    for (field, change) in cases {
        let error = refusal(Source::Plex, &body_with("media.play.episode.json", change));
        assert_eq!(error.code(), "wrong_type", "{field}: {error}");
        assert_eq!(error.field(), Some(field));
    }
}
