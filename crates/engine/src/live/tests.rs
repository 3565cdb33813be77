use super::subscription::{LiveBatch, Subscription};
use super::*;
use crate::event::EventType::*;
use crate::event::Source::*;
use crate::testkit::event;

#[test]
fn a_playback_reported_by_two_sources_is_one_live_session() {
    let hub = LiveHub::new();
    assert!(hub.observe(event(Tautulli, Start, 0)));
    assert!(
        !hub.observe(event(Plex, Start, 3)),
        "the second report is not shown again"
    );
    assert!(hub.observe(event(Plex, Pause, 60)));
    let snapshot = hub.snapshot();
    assert_eq!(snapshot.sessions.len(), 1);
    let live = &snapshot.sessions[0];
    assert_eq!(live.session.state, SessionState::Paused);
    assert_eq!(live.position_ms, Some(60_000.0), "paused: no extrapolation");
    assert_eq!(snapshot.recent_events.len(), 2);
    assert_eq!(snapshot.recent_events[0].event_type, Pause);
}

#[test]
fn a_stopped_session_leaves_the_live_view() {
    let hub = LiveHub::new();
    hub.observe(event(Jellyfin, Start, 0));
    hub.observe(event(Jellyfin, Stop, 30));
    assert!(hub.snapshot().sessions.is_empty());
}

#[test]
fn a_playing_session_is_extrapolated_but_never_past_its_end() {
    let mut session = Session::begin(&event(Emby, Start, 0));
    session.last_position_ms = Some(1_000.0);
    let later = session.last_event_at + chrono::Duration::seconds(5);
    assert_eq!(LiveSession::of(&session, later).position_ms, Some(6_000.0));
    let much_later = session.last_event_at + chrono::Duration::days(1);
    assert_eq!(
        LiveSession::of(&session, much_later).position_ms,
        session.duration_ms
    );
}

#[test]
fn silent_sessions_expire_and_subscribers_hear_of_it() {
    let hub = LiveHub::new();
    hub.observe(event(Plex, Start, 0));
    let mut receiver = hub.subscribe();
    hub.expire(crate::testkit::t0() + chrono::Duration::seconds(1));
    assert!(hub.snapshot().sessions.is_empty());
    match &*receiver.try_recv().unwrap() {
        LiveMessage::Session(live) => assert!(live.session.closed_by_timeout),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn subscribers_get_a_snapshot_then_batches_and_a_snapshot_again_when_behind() {
    let hub = LiveHub::new();
    hub.observe(event(Plex, Start, 0));
    let mut subscription = Subscription::new(hub.clone());
    match subscription.next().await.unwrap() {
        LiveBatch::Snapshot { snapshot } => assert_eq!(snapshot.sessions.len(), 1),
        other => panic!("{other:?}"),
    }
    hub.observe(event(Plex, Pause, 10));
    hub.observe(event(Plex, Resume, 20));
    match subscription.next().await.unwrap() {
        // Two events, each with its session update, in one batch.
        LiveBatch::Messages { messages } => assert_eq!(messages.len(), 4),
        other => panic!("{other:?}"),
    }
    // A subscriber that does not read while more than the buffer flows past resyncs.
    for n in 0..(BUFFER as i64 + 10) {
        hub.publish(LiveMessage::Event(Arc::new(event(Emby, Progress, n))));
    }
    assert!(matches!(
        subscription.next().await.unwrap(),
        LiveBatch::Snapshot { .. }
    ));
}
