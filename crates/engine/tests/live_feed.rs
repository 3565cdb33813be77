//! The live feed against a real nats-server: it starts after the stream's end as it was when
//! the engine connected, so an event acknowledged before the feed's consumer exists is still
//! shown, and nothing from before that point is shown again.

mod support;

use std::time::Duration;

use cartographus_engine::bus::stream::{provision, StreamSpec};
use cartographus_engine::event::EventType;
use cartographus_engine::live::tap::LiveTap;
use cartographus_engine::live::{feed, LiveHub};
use cartographus_engine::metrics::Metrics;
use cartographus_engine::testkit::{playback, t0};
use support::nats::{free_port, NatsServer};
use support::wait_for;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_published_before_the_feed_starts_but_after_connecting_are_shown() {
    let store = tempfile::tempdir().unwrap();
    let server = NatsServer::with_jetstream(free_port(), store.path(), &[]);
    let client = async_nats::connect(server.url()).await.unwrap();
    let jetstream = async_nats::jetstream::new(client);
    let spec = StreamSpec {
        retention_days: 1,
        replicas: 1,
    };
    let publish = |n: usize| {
        let jetstream = jetstream.clone();
        async move {
            let event = playback(n, EventType::Start, t0());
            jetstream
                .publish(event.subject(), serde_json::to_vec(&event).unwrap().into())
                .await
                .unwrap()
                .await
                .unwrap();
            event.event_id
        }
    };
    // One event from before the engine connected (an earlier run): history, not news.
    provision(&jetstream, spec).await.unwrap();
    let before = publish(0).await;
    let connected_at = provision(&jetstream, spec).await.unwrap().last_sequence;
    assert_eq!(connected_at, 1);
    // Acknowledged after connecting, before the feed's consumer exists.
    let early = [publish(1).await, publish(2).await];

    let hub = LiveHub::new();
    let shutdown = CancellationToken::new();
    let feed = tokio::spawn(feed::run(
        jetstream.clone(),
        LiveTap::new(hub.clone(), std::sync::Arc::new(Metrics::default())),
        connected_at,
        shutdown.clone(),
    ));
    let later = publish(3).await;
    let shown: Vec<String> = wait_for(
        "the three events in the live view",
        Duration::from_secs(15),
        || async {
            let recent = hub.snapshot().recent_events;
            (recent.len() >= 3).then(|| recent.into_iter().map(|e| e.event_id).collect())
        },
    )
    .await;
    assert_eq!(
        shown,
        vec![later, early[1].clone(), early[0].clone()],
        "newest first"
    );
    assert!(!shown.contains(&before));
    shutdown.cancel();
    feed.await.unwrap();
}
