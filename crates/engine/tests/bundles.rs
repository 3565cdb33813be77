//! Event bundles (ADR 0029) through a running engine: the writer stores a bundle's events
//! and dead-letters an invalid one on its own, replay counts the bundle once and stores
//! nothing twice, and the live view passes bundles over.

mod support;

use std::time::Duration;

use cartographus_engine::bus::bundle;
use cartographus_engine::config::ConfigLayer;
use cartographus_engine::dlq::store::{DlqFilter, DlqKind};
use cartographus_engine::event::{EventType, MediaEvent, Source};
use cartographus_engine::handle::page::PageRequest;
use cartographus_engine::jobs::JobState;
use cartographus_engine::persist::replay::ReplayRange;
use cartographus_engine::testkit::event;
use support::{load, stored_event_ids, stored_events, wait_for, TestEngine};

fn fast_writer() -> ConfigLayer {
    ConfigLayer {
        writer_flush_interval: Some(Duration::from_millis(100)),
        ..ConfigLayer::default()
    }
}

/// Five plays of different items, the fourth with a time before 2000 (invalid).
fn plays() -> Vec<MediaEvent> {
    (0..5)
        .map(|n| {
            let mut play = event(Source::Tautulli, EventType::Start, n * 600);
            play.event_id = format!("bundled-{n}");
            play.correlation_key = format!("item-{n}|start");
            play.session_key = Some(format!("bundle-session-{n}"));
            play.rating_key = Some(format!("item-{n}"));
            if n == 3 {
                play.occurred_at = chrono::DateTime::from_timestamp(0, 0).unwrap();
            }
            play
        })
        .collect()
}

async fn publish_bundle(t: &TestEngine, events: &[MediaEvent]) {
    let bundles = bundle::pack(events, bundle::TARGET_BYTES).unwrap();
    assert_eq!(bundles.len(), 1);
    let jetstream = t.engine.bus().expect("a bus").jetstream();
    let message = &bundles[0];
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Nats-Msg-Id", message.msg_id.as_str());
    jetstream
        .publish_with_headers(message.subject.clone(), headers, message.payload.clone())
        .await
        .unwrap()
        .await
        .expect("JetStream acknowledges the bundle");
}

#[tokio::test]
async fn a_bundle_is_stored_event_by_event_its_invalid_event_dead_lettered_alone() {
    let t = TestEngine::start(fast_writer()).await;
    let plays = plays();
    publish_bundle(&t, &plays).await;
    wait_for("four stored events", Duration::from_secs(20), || async {
        (stored_events(&t).await == 4).then_some(())
    })
    .await;
    let mut stored = stored_event_ids(t.engine.database()).await;
    stored.sort();
    assert_eq!(stored, ["bundled-0", "bundled-1", "bundled-2", "bundled-4"]);

    let engine = t.engine.handle();
    let dead = wait_for(
        "the invalid event's dead letter",
        Duration::from_secs(10),
        || {
            let engine = engine.clone();
            async move {
                let page = engine
                    .dlq_entries(DlqFilter::default(), request_all())
                    .await
                    .unwrap();
                (!page.items.is_empty()).then_some(page.items)
            }
        },
    )
    .await;
    assert_eq!(dead.len(), 1);
    let entry = &dead[0];
    assert_eq!(entry.kind, DlqKind::Permanent);
    assert_eq!(entry.event_id.as_deref(), Some("bundled-3"));
    assert_eq!(entry.subject.as_deref(), Some("playback.tautulli.bundle"));
    let payload: MediaEvent = serde_json::from_str(&entry.payload).expect("one event");
    assert_eq!(payload, plays[3], "the dead letter is the event alone");

    // Replaying the stream finds the bundle's events stored: one message, nothing new.
    let job = engine.replay(ReplayRange::default()).unwrap();
    let done = wait_for("the replay", Duration::from_secs(20), || async {
        let status = engine.job(&job.id).unwrap();
        (status.state != JobState::Running).then_some(status)
    })
    .await;
    assert_eq!((done.state, done.done, done.total), (JobState::Done, 1, 1));
    let outcome = done.outcome.expect("an outcome");
    assert_eq!((outcome.stored, outcome.already_stored), (0, 4));
    assert_eq!(stored_events(&t).await, 4);
    t.engine.shutdown().await;
}

#[tokio::test]
async fn the_live_view_passes_bundles_over() {
    let t = TestEngine::start(fast_writer()).await;
    let mut plays = plays();
    plays.remove(3);
    publish_bundle(&t, &plays).await;
    // A webhook after the bundle: once it is shown, the bundle has been passed.
    let webhook = load::post(&t, 1).await.expect("202");
    let engine = t.engine.handle();
    let shown: Vec<String> = wait_for(
        "the webhook in the live view",
        Duration::from_secs(20),
        || async {
            let recent = engine.live_snapshot().recent_events;
            let ids: Vec<String> = recent.into_iter().map(|e| e.event_id).collect();
            ids.contains(&webhook).then_some(ids)
        },
    )
    .await;
    assert_eq!(shown, [webhook]);
    wait_for("the bundle stored", Duration::from_secs(20), || async {
        (stored_events(&t).await == 5).then_some(())
    })
    .await;
    t.engine.shutdown().await;
}

fn request_all() -> PageRequest {
    PageRequest {
        cursor: None,
        limit: Some(100),
    }
}
