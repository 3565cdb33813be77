//! Tests of the Emby parser: every fixture field by field, the legacy form body, event
//! mapping, the session fallback and form edge cases.

use chrono::{TimeZone, Utc};
use serde_json::json;

use crate::event::{EventType, Location, MediaEvent, MediaType, Source};
use crate::support::{fixture, form_encode_data, parse_body, playback, received_at, refusal};
use crate::Parsed;

const FORM: &str = "application/x-www-form-urlencoded";
const DEVICE: &str = "30239450-1748-4855-9799-de3544fc2745";

fn emby(file: &str) -> MediaEvent {
    playback(
        Source::Emby,
        Some("application/json"),
        &fixture(&format!("emby/{file}")),
    )
}

fn body_with(file: &str, change: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut body: serde_json::Value =
        serde_json::from_slice(&fixture(&format!("emby/{file}"))).expect("fixture is JSON");
    change(&mut body);
    body.to_string().into_bytes()
}

#[test]
fn playback_start_maps_every_field() {
    let event = emby("playback.start.json");
    assert_eq!(event.event_type, EventType::Start);
    assert_eq!(event.source, Source::Emby);
    assert_eq!(
        event.server_id.as_deref(),
        Some("c0ffee00c0ffee00c0ffee00c0ffee00")
    );
    assert_eq!(event.server_name.as_deref(), Some("attic"));
    assert_eq!(
        event.session_key.as_deref(),
        Some("c336b028b893558b333d1a49238b7db2")
    );
    assert_eq!(event.correlation_key, format!("{DEVICE}|240271|start"));
    assert_eq!(
        event.occurred_at,
        Utc.with_ymd_and_hms(2025, 11, 27, 13, 43, 30)
            .single()
            .expect("t")
    );
    assert_eq!(event.received_at, received_at());
    assert_eq!(
        event.user_id.as_deref(),
        Some("e6a9dd89fd954d689870e7e0e3e72948")
    );
    assert_eq!(event.username.as_deref(), Some("lena"));
    assert_eq!(event.media_type, MediaType::Movie);
    assert_eq!(event.title.as_deref(), Some("The Quiet Orbit"));
    assert_eq!(event.parent_title, None);
    assert_eq!(event.grandparent_title, None);
    assert_eq!(event.rating_key.as_deref(), Some("240271"));
    assert_eq!(event.year, Some(2019));
    assert_eq!(event.duration_ms, Some(6_931_000));
    assert_eq!(event.view_offset_ms, Some(0));
    assert_eq!(event.player.as_deref(), Some("Living Room"));
    assert_eq!(event.product.as_deref(), Some("Emby Theater"));
    assert_eq!(event.platform, None);
    assert_eq!(event.device, None);
    assert_eq!(event.machine_id.as_deref(), Some(DEVICE));
    assert_eq!(event.ip_address.as_deref(), Some("192.168.1.61"));
    assert_eq!(event.location, Some(Location::Lan));
    assert_eq!(event.transcode_decision, None);
    assert_eq!(event.video_resolution, None);
    assert_eq!(event.raw["Item"]["ProviderIds"]["Imdb"], "tt9000123");
    assert_eq!(event.subject(), "playback.emby.movie");
}

#[test]
fn pause_and_stop_map_type_and_ticks() {
    let start = emby("playback.start.json");
    let pause = emby("playback.pause.json");
    assert_eq!(pause.event_type, EventType::Pause);
    assert_eq!(pause.view_offset_ms, Some(1_200_000));
    assert_eq!(pause.correlation_key, format!("{DEVICE}|240271|pause"));
    let stop = emby("playback.stop.json");
    assert_eq!(stop.event_type, EventType::Stop);
    assert_eq!(stop.view_offset_ms, Some(3_105_000));
    assert_eq!(stop.session_key, start.session_key);
    // The fixtures share one Date; event name and position still separate them.
    assert_eq!(start.occurred_at, stop.occurred_at);
    assert_ne!(start.event_id, pause.event_id);
    assert_ne!(pause.event_id, stop.event_id);
    assert_ne!(start.event_id, stop.event_id);
}

#[test]
fn form_body_is_the_same_event_as_its_json_twin() {
    let from_form = playback(
        Source::Emby,
        Some(FORM),
        &fixture("emby/playback.start.form-urlencoded"),
    );
    let from_json = emby("playback.start.json");
    assert_eq!(from_form, from_json);
}

#[test]
fn form_with_other_fields_and_plus_spaces() {
    let json = fixture("emby/playback.start.json");
    let mut body = b"other=1&".to_vec();
    body.extend(form_encode_data(&json));
    body.extend(b"&data=ignored");
    assert_eq!(
        playback(Source::Emby, Some(FORM), &body),
        emby("playback.start.json")
    );

    let plus = br#"data={"Event":"library.new","Title":"a+new+film"}"#;
    match parse_body(Source::Emby, Some(FORM), plus) {
        Ok(Parsed::Ignored { kind, .. }) => assert_eq!(kind, "library.new"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn form_without_data_or_with_bad_bytes_is_refused_by_name() {
    let error = parse_body(Source::Emby, Some(FORM), b"payload=%7B%7D").expect_err("no data");
    assert_eq!(error.code(), "missing_field");
    assert_eq!(error.field(), Some("data"));

    let error = parse_body(Source::Emby, Some(FORM), b"data=").expect_err("empty");
    assert_eq!(error.code(), "empty_body");

    let error =
        parse_body(Source::Emby, Some(FORM), b"data=%7B%22a%22%3A%22%FF%22%7D").expect_err("utf8");
    assert_eq!(error.code(), "invalid_utf8");

    let error = parse_body(Source::Emby, Some(FORM), b"data=%ZZ").expect_err("json");
    assert_eq!(error.code(), "invalid_json");
}

#[test]
fn event_mapping() {
    let cases = [
        ("playback.unpause", Some(EventType::Resume)),
        ("playback.scrobble", Some(EventType::Watched)),
        ("item.markplayed", None),
        ("library.new", None),
        ("user.authenticated", None),
    ];
    for (name, expected) in cases {
        let body = body_with("playback.pause.json", |b| b["Event"] = json!(name));
        match (parse_body(Source::Emby, None, &body), expected) {
            (Ok(Parsed::Playback(event)), Some(event_type)) => {
                assert_eq!(event.event_type, event_type, "{name}")
            }
            (Ok(Parsed::Ignored { source, kind }), None) => {
                assert_eq!((source, kind.as_str()), (Source::Emby, name))
            }
            (other, _) => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn session_fallback_and_required_fields() {
    let no_session_id = body_with("playback.start.json", |b| {
        b["Session"].as_object_mut().map(|s| s.remove("Id"));
    });
    let event = playback(Source::Emby, None, &no_session_id);
    assert_eq!(
        event.session_key.as_deref(),
        Some(format!("{DEVICE}/240271/e6a9dd89fd954d689870e7e0e3e72948").as_str())
    );

    let no_session = body_with("playback.start.json", |b| {
        b.as_object_mut().map(|o| o.remove("Session"));
    });
    let error = refusal(Source::Emby, &no_session);
    assert_eq!(error.field(), Some("Session.Id"));

    let no_item = body_with("playback.start.json", |b| b["Item"]["Id"] = json!(""));
    assert_eq!(refusal(Source::Emby, &no_item).field(), Some("Item.Id"));

    let no_device = body_with("playback.start.json", |b| {
        b["Session"]["DeviceId"] = json!(null)
    });
    let event = playback(Source::Emby, None, &no_device);
    assert_eq!(
        event.correlation_key,
        "emby:c336b028b893558b333d1a49238b7db2|start"
    );
}

#[test]
fn episodes_and_tracks_fill_parent_titles() {
    let episode = body_with("playback.start.json", |b| {
        b["Item"]["Type"] = json!("Episode");
        b["Item"]["SeriesName"] = json!("Harbor Lights");
        b["Item"]["SeasonName"] = json!("Season 3");
    });
    let event = playback(Source::Emby, None, &episode);
    assert_eq!(event.media_type, MediaType::Episode);
    assert_eq!(event.parent_title.as_deref(), Some("Season 3"));
    assert_eq!(event.grandparent_title.as_deref(), Some("Harbor Lights"));

    let track = body_with("playback.start.json", |b| {
        b["Item"]["Type"] = json!("Audio");
        b["Item"]["Album"] = json!("Low Tide");
        b["Item"]["AlbumArtist"] = json!("The Ferrymen");
        b["PlaybackInfo"]["PlayMethod"] = json!("DirectStream");
    });
    let event = playback(Source::Emby, None, &track);
    assert_eq!(event.media_type, MediaType::Track);
    assert_eq!(event.parent_title.as_deref(), Some("Low Tide"));
    assert_eq!(event.grandparent_title.as_deref(), Some("The Ferrymen"));
    assert_eq!(event.transcode_decision.as_deref(), Some("copy"));
}

#[test]
fn wrong_types_are_named() {
    let body = body_with("playback.stop.json", |b| {
        b["PlaybackInfo"]["PositionTicks"] = json!("late")
    });
    let error = refusal(Source::Emby, &body);
    assert_eq!(error.code(), "wrong_type");
    assert_eq!(error.field(), Some("PlaybackInfo.PositionTicks"));

    let body = body_with("playback.stop.json", |b| b["Session"] = json!("c336"));
    assert_eq!(refusal(Source::Emby, &body).field(), Some("Session"));
}

#[test]
fn the_test_notification_is_a_test_in_either_encoding() {
    // Emby 4.9's "Send Test Notification", as it arrives.
    let test = json!({
        "Title": "Test Notification",
        "Description": "Test Notification Description",
        "Date": "2025-07-25T09:33:20.6594104Z",
        "Event": "system.webhooktest",
        "Severity": "Info",
        "User": {"Name": "dana", "Id": "4f2a"},
        "Server": {"Name": "Basement", "Id": "b7c1", "Version": "4.9.1.10"}
    })
    .to_string();
    let expected = Ok(Parsed::Test {
        source: Source::Emby,
    });
    assert_eq!(
        parse_body(Source::Emby, Some("application/json"), test.as_bytes()),
        expected
    );
    let form = form_encode_data(test.as_bytes());
    assert_eq!(
        parse_body(
            Source::Emby,
            Some("application/x-www-form-urlencoded"),
            &form
        ),
        expected
    );
    let older = json!({"Event": "system.notificationtest", "Server": {"Name": "Basement"}});
    assert_eq!(
        parse_body(Source::Emby, None, older.to_string().as_bytes()),
        expected
    );
    // Other system events stay "not playback".
    let other = json!({"Event": "system.updateavailable"}).to_string();
    assert!(matches!(
        parse_body(Source::Emby, None, other.as_bytes()),
        Ok(Parsed::Ignored { .. })
    ));
}
