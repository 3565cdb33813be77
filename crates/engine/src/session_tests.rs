use super::*;
use crate::event::EventType::*;
use crate::event::Source;
use crate::testkit::{event, t0};

fn run(source: Source, steps: &[(EventType, i64)]) -> Session {
    let (first, rest) = steps.split_first().unwrap();
    let mut session = Session::begin(&event(source, first.0, first.1));
    for (event_type, secs) in rest {
        session.apply(&event(source, *event_type, *secs));
    }
    session
}

#[test]
fn play_pause_resume_stop_counts_play_and_pause_time() {
    // Plays 60 s, pauses 30 s, plays 90 s more.
    let s = run(
        Source::Plex,
        &[(Start, 0), (Pause, 60), (Resume, 90), (Stop, 180)],
    );
    assert_eq!(s.state, SessionState::Stopped);
    assert_eq!(s.play_ms, 150_000.0);
    assert_eq!(s.paused_ms, 30_000.0);
    assert_eq!(s.started_at, t0());
    assert_eq!(s.stopped_at, Some(t0() + chrono::Duration::seconds(180)));
    assert_eq!(s.last_position_ms, Some(180_000.0));
    let percent = s.percent_complete.unwrap();
    assert!(
        (percent - 180_000.0 / 2_712_000.0 * 100.0).abs() < 1e-9,
        "{percent}"
    );
    assert_eq!(s.event_count, 4);
    assert!(!s.closed_by_timeout);
}

#[test]
fn buffering_counts_as_playing_and_progress_ends_it() {
    let s = run(
        Source::Jellyfin,
        &[
            (Start, 0),
            (Progress, 10),
            (Buffer, 20),
            (Resume, 25),
            (Stop, 45),
        ],
    );
    assert_eq!(s.play_ms, 45_000.0);
    assert_eq!(s.paused_ms, 0.0);
    let buffering = run(Source::Tautulli, &[(Start, 0), (Buffer, 20)]);
    assert_eq!(buffering.state, SessionState::Buffering);
    let recovered = run(
        Source::Tautulli,
        &[(Start, 0), (Buffer, 20), (Progress, 30)],
    );
    assert_eq!(recovered.state, SessionState::Playing);
    let watching = run(Source::Emby, &[(Start, 0), (Progress, 10)]);
    assert_eq!(watching.state, SessionState::Playing);
    assert_eq!(watching.play_ms, 10_000.0);
}

#[test]
fn a_scrobble_marks_progress_without_ending_the_playback() {
    let s = run(Source::Tautulli, &[(Start, 0), (Watched, 100)]);
    assert_eq!(s.state, SessionState::Playing);
    assert_eq!(s.last_position_ms, Some(100_000.0));
}

#[test]
fn out_of_order_events_never_count_negative_time() {
    let s = run(Source::Tautulli, &[(Start, 0), (Pause, 60), (Resume, 30)]);
    assert_eq!(s.play_ms, 60_000.0);
    assert_eq!(s.paused_ms, 0.0);
    assert_eq!(s.state, SessionState::Playing);
}

#[test]
fn events_after_the_stop_change_nothing_but_position() {
    let s = run(Source::Plex, &[(Start, 0), (Stop, 60), (Resume, 90)]);
    assert_eq!(s.state, SessionState::Stopped);
    assert_eq!(s.play_ms, 60_000.0);
}

#[test]
fn a_timeout_closes_at_the_last_event_and_flags_it() {
    let mut s = run(Source::Plex, &[(Start, 0), (Pause, 120)]);
    s.close_by_timeout();
    assert_eq!(s.state, SessionState::Stopped);
    assert!(s.closed_by_timeout);
    assert_eq!(s.stopped_at, Some(t0() + chrono::Duration::seconds(120)));
    assert_eq!(s.play_ms, 120_000.0);
}

#[test]
fn the_playback_key_is_shared_by_every_event_type_and_source() {
    let keys: std::collections::BTreeSet<String> = [Start, Pause, Stop]
        .into_iter()
        .flat_map(|t| [event(Source::Plex, t, 0), event(Source::Tautulli, t, 0)])
        .map(|e| playback_key(&e))
        .collect();
    assert_eq!(keys.into_iter().collect::<Vec<_>>(), ["srv@tv|48213"]);
}

#[test]
fn a_session_says_what_closed_it() {
    let stopped = run(Source::Plex, &[(Start, 0), (Stop, 60)]);
    assert_eq!(stopped.closed_by, Some(ClosedBy::Stop));
    let mut silent = run(Source::Plex, &[(Start, 0)]);
    assert_eq!(silent.closed_by, None);
    silent.close_by_timeout();
    assert_eq!(silent.closed_by, Some(ClosedBy::Timeout));
    let mut polled = run(Source::Tautulli, &[(Start, 0)]);
    let mut poll_stop = event(Source::Tautulli, Stop, 30);
    poll_stop.origin = crate::event::Origin::Poll;
    polled.apply(&poll_stop);
    assert_eq!(polled.closed_by, Some(ClosedBy::Poll));
    assert!(!polled.closed_by_timeout);
}

#[test]
fn the_same_player_and_item_on_two_servers_are_two_playback_keys() {
    let first = event(Source::Plex, Start, 0);
    let mut second = first.clone();
    second.server_id = Some("another@server".into());
    assert_ne!(playback_key(&first), playback_key(&second));
    assert_eq!(playback_key(&first), "srv@tv|48213");
    assert_eq!(playback_key(&second), "another%40server@tv|48213");
    // Tautulli and Plex on one server: one key.
    let tautulli = event(Source::Tautulli, Pause, 5);
    assert_eq!(playback_key(&first), playback_key(&tautulli));
}

#[test]
fn a_stop_carrying_the_sources_paused_total_moves_that_time_to_paused_once() {
    // History: started, stopped 1500 s later, 60 s of it paused; no position or length.
    let mut start = event(Source::Tautulli, Start, 0);
    start.view_offset_ms = None;
    start.duration_ms = None;
    let mut stop = event(Source::Tautulli, Stop, 1500);
    stop.view_offset_ms = None;
    stop.duration_ms = None;
    stop.paused_ms = Some(60_000);
    stop.percent_complete = Some(96.0);
    let mut s = Session::begin(&start);
    s.apply(&stop);
    assert_eq!(s.paused_ms, 60_000.0);
    assert_eq!(s.play_ms, 1_440_000.0);
    assert_eq!(s.percent_complete, Some(96.0));

    // Pauses the session saw itself count towards the total, not on top of it.
    let s = {
        let mut s = Session::begin(&event(Source::Tautulli, Start, 0));
        s.apply(&event(Source::Tautulli, Pause, 100));
        s.apply(&event(Source::Tautulli, Resume, 140));
        let mut stop = event(Source::Tautulli, Stop, 1500);
        stop.paused_ms = Some(60_000);
        s.apply(&stop);
        s
    };
    assert_eq!(s.paused_ms, 60_000.0);
    assert_eq!(s.play_ms, 1_440_000.0);
}
