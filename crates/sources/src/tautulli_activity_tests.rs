//! The activity poll's mapping against Tautulli 2.17's answers (the repository's
//! `tautulli-api` fixtures) and the webhook fixtures of the same playback.

use serde_json::{json, Value};

use super::*;
use crate::support::{fixture, playback, received_at};

fn data(name: &str) -> Value {
    let body: Value = serde_json::from_slice(&fixture(name)).expect("fixture JSON");
    body["response"]["data"].clone()
}

fn basement() -> ActivityServer {
    ActivityServer::from_server_info(&data("tautulli-api/get_server_info.json"))
}

#[test]
fn an_activity_row_is_the_webhooks_playback() {
    let activity = data("tautulli-api/get_activity.json");
    let rows = sessions(&activity).unwrap().expect("a sessions list");
    assert_eq!(rows.len(), 1);
    let polled = started(rows[0], &basement(), received_at()).unwrap();
    let webhook = playback(
        Source::Tautulli,
        Some("application/json"),
        &fixture("tautulli/play.json"),
    );
    // One identity: the same server, session, correlation key, so dedup folds the two.
    assert_eq!(polled.server_id, webhook.server_id);
    assert_eq!(polled.server_name.as_deref(), Some("Basement"));
    assert_eq!(polled.session_key, webhook.session_key);
    assert_eq!(polled.correlation_key, webhook.correlation_key);
    assert_ne!(polled.event_id, webhook.event_id);
    assert_eq!(polled.event_type, EventType::Start);
    assert_eq!(polled.user_id.as_deref(), Some("9123456"));
    assert_eq!(polled.username.as_deref(), Some("dana"));
    assert_eq!(polled.title, webhook.title);
    assert_eq!(polled.parent_title.as_deref(), Some("Season 3"));
    assert_eq!(polled.grandparent_title, webhook.grandparent_title);
    assert_eq!(polled.view_offset_ms, Some(622_000));
    assert_eq!(polled.duration_ms, Some(2_712_000));
    assert_eq!(polled.location, Some(Location::Lan));
    assert_eq!(polled.occurred_at, received_at());
    assert_eq!(polled.raw[ORIGIN_FIELD], POLL_ORIGIN);
    // Seen again later: the same event, which the event-id rule drops.
    let again = started(
        rows[0],
        &basement(),
        received_at() + chrono::Duration::hours(1),
    );
    assert_eq!(again.unwrap().event_id, polled.event_id);
}

#[test]
fn tautulli_without_a_plex_server_answers_no_sessions_list() {
    assert_eq!(sessions(&json!({})).unwrap(), None);
    assert_eq!(
        sessions(&json!({"stream_count": "0", "sessions": []})).unwrap(),
        Some(Vec::new())
    );
    assert_eq!(
        sessions(&json!({"sessions": "x"})).unwrap_err().code(),
        "wrong_type"
    );
    assert_eq!(
        ActivityServer::from_server_info(&json!({})),
        ActivityServer::default()
    );
}

#[test]
fn a_row_without_identity_is_refused() {
    let row = json!({"title": "x"});
    let err = started(row.as_object().unwrap(), &basement(), received_at()).unwrap_err();
    assert_eq!(err.code(), "missing_field");
}

#[test]
fn a_stop_keeps_the_playback_and_says_the_poll_made_it() {
    let webhook = playback(
        Source::Plex,
        None,
        &fixture("plex/media.pause.episode.json"),
    );
    let seen = received_at();
    let stop = stopped(&webhook, "s-1", seen, seen + chrono::Duration::seconds(30));
    assert_eq!(stop.event_type, EventType::Stop);
    assert_eq!(stop.source, Source::Tautulli);
    assert_eq!(
        stop.correlation_key,
        webhook.correlation_key.replace("|pause", "|stop")
    );
    assert_eq!(stop.server_id, webhook.server_id);
    assert_eq!(stop.occurred_at, seen);
    assert_eq!(stop.raw[ORIGIN_FIELD], POLL_ORIGIN);
    assert_eq!(
        stop.event_id,
        stopped(&webhook, "s-1", seen, seen + chrono::Duration::hours(1)).event_id
    );
    assert_ne!(stop.event_id, stopped(&webhook, "s-2", seen, seen).event_id);
}
