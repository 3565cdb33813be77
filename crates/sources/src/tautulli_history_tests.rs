use chrono::TimeZone;
use serde_json::json;

use super::*;
use crate::event::MediaType;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

/// A row as Tautulli 2.17 writes it for a finished episode.
fn row() -> Value {
    json!({
        "reference_id": 1000, "row_id": 1000, "id": 1000,
        "date": 1764160000, "started": 1764160000, "stopped": 1764161500,
        "duration": 1440, "play_duration": 1440, "paused_counter": 60,
        "user_id": 9123456, "user": "dana", "friendly_name": "Dana",
        "platform": "Android", "product": "Plex for Android (TV)", "player": "Living Room TV",
        "ip_address": "192.168.1.40", "machine_id": "k2n8", "location": "lan",
        "media_type": "episode", "rating_key": 48200, "title": "Episode 4",
        "parent_title": "Season 3", "grandparent_title": "Harbor Lights", "year": 2021,
        "transcode_decision": "direct play", "percent_complete": 96,
        "group_count": 1, "group_ids": "1000", "state": null, "session_key": null
    })
}

fn with(changes: Value) -> Value {
    let mut row = row();
    for (k, v) in changes.as_object().unwrap() {
        row[k] = v.clone();
    }
    row
}

fn playback(row: &Value) -> (MediaEvent, MediaEvent) {
    match map_row(row, now()).unwrap() {
        HistoryRow::Playback { start, stop } => (start, stop),
        other => panic!("not a playback: {other:?}"),
    }
}

#[test]
fn a_row_becomes_a_start_and_a_stop_with_what_the_row_measured() {
    let (start, stop) = playback(&row());
    assert_eq!(start.event_type, EventType::Start);
    assert_eq!(stop.event_type, EventType::Stop);
    assert_eq!(start.origin, Origin::Import);
    assert_eq!(start.source, Source::Tautulli);
    assert_eq!(start.occurred_at.timestamp(), 1_764_160_000);
    assert_eq!(stop.occurred_at.timestamp(), 1_764_161_500);
    assert_eq!(stop.paused_ms, Some(60_000), "paused_counter is seconds");
    assert_eq!(stop.percent_complete, Some(96.0));
    assert_eq!(start.paused_ms, None);
    assert_eq!(start.user_id.as_deref(), Some("9123456"));
    assert_eq!(start.username.as_deref(), Some("dana"));
    assert_eq!(start.player.as_deref(), Some("Living Room TV"));
    assert_eq!(start.platform.as_deref(), Some("Android"));
    assert_eq!(stop.transcode_decision.as_deref(), Some("direct play"));
    assert_eq!(start.rating_key.as_deref(), Some("48200"));
    assert_eq!(start.media_type, MediaType::Episode);
    assert_eq!(start.year, Some(2021));
    assert_eq!(start.location, Some(Location::Lan));
    assert_eq!(start.correlation_key, "k2n8|48200|start");
    assert_eq!(stop.correlation_key, "k2n8|48200|stop");
    assert_eq!(stop.raw, row(), "the stop keeps the whole row");
    assert_eq!(start.raw["row_id"], "1000");
    assert_ne!(start.event_id, stop.event_id);
}

#[test]
fn ids_depend_on_the_row_not_on_when_it_was_read() {
    let (a, _) = playback(&row());
    let later = match map_row(&row(), now() + chrono::Duration::days(3)).unwrap() {
        HistoryRow::Playback { start, .. } => start,
        other => panic!("{other:?}"),
    };
    assert_eq!(a.event_id, later.event_id);
    let (other, _) = playback(&with(json!({"row_id": 1001, "id": 1001})));
    assert_ne!(a.event_id, other.event_id);
}

#[test]
fn numbers_as_strings_read_the_same_as_numbers() {
    let quirky = with(json!({
        "started": "1764160000", "stopped": "1764161500", "paused_counter": "60",
        "user_id": "9123456", "rating_key": "48200", "percent_complete": "96",
        "year": "2021", "row_id": "1000"
    }));
    let (quirky_start, mut quirky_stop) = playback(&quirky);
    let (start, mut stop) = playback(&row());
    quirky_stop.raw = Value::Null;
    stop.raw = Value::Null;
    assert_eq!(quirky_start, start);
    assert_eq!(quirky_stop, stop);
}

#[test]
fn empty_strings_and_nulls_are_missing_values() {
    let (start, stop) = playback(&with(json!({
        "user": "", "friendly_name": "Dana", "platform": "", "player": null,
        "ip_address": "  ", "year": "", "percent_complete": null, "paused_counter": "",
        "transcode_decision": "", "location": ""
    })));
    assert_eq!(
        start.username.as_deref(),
        Some("Dana"),
        "friendly_name stands in"
    );
    assert_eq!(start.platform, None);
    assert_eq!(start.player, None);
    assert_eq!(start.ip_address, None);
    assert_eq!(start.year, None);
    assert_eq!(start.location, None);
    assert_eq!(stop.percent_complete, None);
    assert_eq!(stop.paused_ms, None);
    assert_eq!(stop.transcode_decision, None);
}

#[test]
fn a_row_without_player_or_item_gets_a_key_of_its_own() {
    let (start, _) = playback(&with(json!({"machine_id": "", "rating_key": null})));
    assert_eq!(start.correlation_key, "tautulli:history/1000|start");
}

#[test]
fn a_row_still_playing_is_not_history_yet() {
    let live = with(json!({"state": "playing", "stopped": 0, "row_id": null}));
    assert_eq!(map_row(&live, now()).unwrap(), HistoryRow::StillPlaying);
}

#[test]
fn rows_that_cannot_be_mapped_say_which_field_and_why() {
    let cases = [
        (json!({"row_id": null, "id": ""}), "row_id"),
        (json!({"started": 0}), "started"),
        (json!({"started": ""}), "started"),
        (json!({"stopped": 0}), "stopped"),
        (json!({"stopped": 1764150000}), "stopped"),
        (json!({"started": "yesterday"}), "started"),
        (json!({"paused_counter": -5}), "paused_counter"),
        (json!({"percent_complete": "most"}), "percent_complete"),
        (json!({"stopped": [1]}), "stopped"),
    ];
    for (change, field) in cases {
        let err = map_row(&with(change.clone()), now()).unwrap_err();
        assert_eq!(err.field, field, "{change}: {err}");
    }
    assert_eq!(map_row(&json!([1, 2]), now()).unwrap_err().field, "row");
}

#[test]
fn percent_is_clamped_and_a_view_offset_is_the_stops_position() {
    let (_, stop) = playback(&with(
        json!({"percent_complete": 104, "view_offset": 1_382_000}),
    ));
    assert_eq!(stop.percent_complete, Some(100.0));
    assert_eq!(stop.view_offset_ms, Some(1_382_000));
}

#[test]
fn rows_of_one_playback_resumed_later_are_two_segments_that_name_their_reference() {
    // Ungrouped, a playback picked up again hours later is a second row sharing the first's
    // reference_id: its own start and stop, its own ids, the reference kept for the reader.
    let first = row();
    let second = with(json!({"row_id": 1001, "id": 1001, "reference_id": 1000,
                             "started": 1764170000, "stopped": 1764170600}));
    let (a_start, a_stop) = playback(&first);
    let (b_start, b_stop) = playback(&second);
    let ids = [
        &a_start.event_id,
        &a_stop.event_id,
        &b_start.event_id,
        &b_stop.event_id,
    ];
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), 4);
    assert_eq!(b_start.raw["reference_id"], 1000);
    assert_eq!(
        b_start.correlation_key, a_start.correlation_key,
        "the same player and item"
    );
    assert_eq!(b_start.occurred_at.timestamp(), 1_764_170_000);
}
