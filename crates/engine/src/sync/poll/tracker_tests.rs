use chrono::Duration;

use super::*;
use crate::event::EventType::{Start, Stop};
use crate::session::ClosedBy;
use crate::testkit::{event, t0};

fn server() -> ActivityServer {
    ActivityServer {
        machine_id: Some("srv".into()),
        name: Some("Basement".into()),
    }
}

/// The session the live view holds after `latest`.
fn open(latest: &MediaEvent) -> (Session, MediaEvent) {
    (Session::begin(latest), latest.clone())
}

fn listed_start(source: Source) -> MediaEvent {
    event(source, Start, 0)
}

#[test]
fn a_listed_playback_the_live_view_lacks_is_started_once() {
    let mut tracker = Tracker::default();
    let moves = tracker.observe(vec![listed_start(Source::Tautulli)], &[], &server(), t0());
    assert_eq!(moves.starts.len(), 1);
    assert!(moves.stops.is_empty());
    // Not shown yet at the next poll: not sent again.
    let again = tracker.observe(vec![listed_start(Source::Tautulli)], &[], &server(), t0());
    assert!(again.starts.is_empty(), "{again:?}");
}

#[test]
fn a_listed_playback_the_live_view_knows_is_left_alone() {
    let mut tracker = Tracker::default();
    let webhook = event(Source::Tautulli, Start, 0);
    let moves = tracker.observe(
        vec![listed_start(Source::Tautulli)],
        &[open(&webhook)],
        &server(),
        t0(),
    );
    assert_eq!(moves, Moves::default());
}

#[test]
fn a_playback_no_longer_listed_is_stopped_where_it_was_last_seen() {
    let mut tracker = Tracker::default();
    let webhook = event(Source::Tautulli, Start, 0);
    let seen = t0() + Duration::seconds(30);
    tracker.observe(
        vec![listed_start(Source::Tautulli)],
        &[open(&webhook)],
        &server(),
        seen,
    );
    let later = seen + Duration::seconds(30);
    let moves = tracker.observe(Vec::new(), &[open(&webhook)], &server(), later);
    assert!(moves.starts.is_empty());
    let [stop] = &moves.stops[..] else {
        panic!("one stop: {moves:?}")
    };
    assert_eq!(stop.event_type, Stop);
    assert_eq!(stop.occurred_at, seen);
    assert_eq!(stop.received_at, later);
    assert_eq!(playback_key(stop), playback_key(&webhook));
    let mut session = Session::begin(&webhook);
    session.apply(stop);
    assert_eq!(session.closed_by, Some(ClosedBy::Poll));
    assert_eq!(session.play_ms, 30_000.0);
}

#[test]
fn a_session_never_listed_is_stopped_only_after_two_polls_miss_it() {
    let mut tracker = Tracker::default();
    let webhook = event(Source::Tautulli, Start, 0);
    let first = tracker.observe(Vec::new(), &[open(&webhook)], &server(), t0());
    assert!(first.stops.is_empty());
    let second = tracker.observe(Vec::new(), &[open(&webhook)], &server(), t0());
    assert_eq!(second.stops.len(), 1);
    assert_eq!(second.stops[0].occurred_at, webhook.occurred_at);
}

#[test]
fn sessions_of_other_servers_and_sources_are_never_stopped() {
    let mut tracker = Tracker::default();
    let mut jellyfin = event(Source::Jellyfin, Start, 0);
    jellyfin.server_id = Some("jf".into());
    let mut other_plex = event(Source::Plex, Start, 0);
    other_plex.server_id = Some("second".into());
    let this_plex = event(Source::Plex, Start, 0);
    let sessions = [open(&jellyfin), open(&other_plex), open(&this_plex)];
    // Plex's own session on Tautulli's server is Tautulli's business; the others are not.
    tracker.observe(Vec::new(), &sessions, &server(), t0());
    let moves = tracker.observe(Vec::new(), &sessions, &server(), t0());
    let stopped: Vec<_> = moves.stops.iter().map(|s| s.server_id.clone()).collect();
    assert_eq!(stopped, vec![Some("srv".to_string())]);
}

#[test]
fn a_stop_that_could_not_be_sent_is_sent_at_the_next_poll() {
    let mut tracker = Tracker::default();
    let webhook = event(Source::Tautulli, Start, 0);
    tracker.observe(
        vec![listed_start(Source::Tautulli)],
        &[open(&webhook)],
        &server(),
        t0(),
    );
    let moves = tracker.observe(Vec::new(), &[open(&webhook)], &server(), t0());
    tracker.retry(&moves.stops[0]);
    let again = tracker.observe(Vec::new(), &[open(&webhook)], &server(), t0());
    assert_eq!(again.stops, moves.stops);
}
