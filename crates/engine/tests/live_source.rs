//! Where the live view's events come from: the ingest path shows what it made durable, so
//! the sidecar's stream has no second consumer reading every message back; a spooled event
//! is shown while NATS is away (and once, not again when forwarded); in external mode the
//! view also follows the stream, showing what another engine published.

mod support;

use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::event::EventType;
use cartographus_engine::testkit::{playback, t0};
use cartographus_engine::PipelineMode;
use futures_util::TryStreamExt;
use support::load;
use support::nats::{free_port, sidecar_client, NatsServer};
use support::*;

const WAIT: Duration = Duration::from_secs(30);

fn recent_ids(t: &TestEngine) -> Vec<String> {
    t.engine
        .handle()
        .live_snapshot()
        .recent_events
        .into_iter()
        .map(|e| e.event_id)
        .collect()
}

async fn shown(t: &TestEngine, id: &str) {
    wait_for("the event in the live view", WAIT, || async {
        recent_ids(t).iter().any(|shown| shown == id).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sidecar_stream_has_only_the_writer_reading_it() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    let id = load::post(&t, 0).await.expect("202");
    shown(&t, &id).await;
    wait_for("the event stored", WAIT, || async {
        (stored_events(&t).await == 1).then_some(())
    })
    .await;

    let jetstream = async_nats::jetstream::new(sidecar_client(t.dir.path()).await);
    let stream = jetstream.get_stream("MEDIA_EVENTS").await.unwrap();
    let consumers: Vec<String> = stream.consumer_names().try_collect().await.unwrap();
    assert_eq!(
        consumers.len(),
        1,
        "only the writer reads the stream: {consumers:?}"
    );
    assert_eq!(recent_ids(&t), vec![id], "shown once");
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spooled_event_is_shown_while_nats_is_away_and_not_again_when_forwarded() {
    let port = free_port();
    let store = tempfile::tempdir().unwrap();
    let t = TestEngine::start(ConfigLayer {
        nats_embedded: Some(false),
        nats_url: Some(format!("nats://127.0.0.1:{port}")),
        writer_flush_interval: Some(Duration::from_millis(100)),
        ..ConfigLayer::default()
    })
    .await;
    assert!(t.engine.bus().is_none(), "NATS is not there yet");
    let id = load::post(&t, 0).await.expect("202");
    assert_eq!(t.engine.spool().unwrap().pending(), 1, "spooled");
    shown(&t, &id).await;

    let _nats = NatsServer::with_jetstream(port, store.path(), &[]);
    wait_for("JetStream mode", WAIT, || async {
        (t.engine.handle().health().mode == PipelineMode::Jetstream).then_some(())
    })
    .await;
    wait_for("the spooled event stored", WAIT, || async {
        (stored_events(&t).await == 1).then_some(())
    })
    .await;
    // The external-mode feed reads the forwarded message back; the view knows it already.
    let later = load::post(&t, 1).await.expect("202");
    shown(&t, &later).await;
    assert_eq!(recent_ids(&t), vec![later, id], "each shown once");
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_external_mode_what_another_engine_published_is_shown() {
    let store = tempfile::tempdir().unwrap();
    let nats = NatsServer::with_jetstream(free_port(), store.path(), &[]);
    let t = TestEngine::start(ConfigLayer {
        nats_embedded: Some(false),
        nats_url: Some(nats.url()),
        ..ConfigLayer::default()
    })
    .await;
    let jetstream = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let elsewhere = playback(7, EventType::Start, t0());
    jetstream
        .publish(
            elsewhere.subject(),
            serde_json::to_vec(&elsewhere).unwrap().into(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    shown(&t, &elsewhere.event_id).await;
    t.engine.shutdown().await;
}
