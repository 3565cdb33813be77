//! The pipeline's 15-minute history over real HTTP, with a real nats-server: a sample is
//! there right after start (a fresh window draws at once), a later one carries what the
//! webhooks in between did (accepted per source, stored per second, the writer's total),
//! a healthy pipeline raises no alert — in the history or in the stats — and the stats name
//! the stream's limits beside what is in use.

mod support;

use std::time::Duration;

use cartographus_engine::bus::stream;
use cartographus_engine::config::ConfigLayer;
use reqwest::Method;
use serde_json::{json, Value};
use support::setup_api::call;
use support::{load, wait_for, TestEngine};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_has_a_sample_at_once_and_the_next_shows_the_webhooks() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    let first: Value = wait_for("the first sample", Duration::from_secs(10), || async {
        let (status, history) = call(&t, Method::GET, "/api/v1/stats/history", None).await;
        assert_eq!(status, 200, "{history}");
        (!history["samples"].as_array()?.is_empty()).then_some(history)
    })
    .await;
    assert_eq!(first["interval_s"], 5);
    assert_eq!(first["capacity"], 180);
    let started_with = first["samples"].as_array().unwrap().len();

    const N: usize = 40;
    for n in 0..N {
        load::post(&t, n).await.expect("202");
    }
    let sample: Value = wait_for(
        "a sample with the stored events",
        Duration::from_secs(30),
        || async {
            let (_, history) = call(&t, Method::GET, "/api/v1/stats/history", None).await;
            let samples = history["samples"].as_array()?;
            let last = samples.last()?.clone();
            (samples.len() > started_with && last["stored_total"].as_u64()? >= N as u64)
                .then_some(last)
        },
    )
    .await;
    assert!(sample["stored_per_s"].as_f64().unwrap() > 0.0, "{sample}");
    assert_eq!(sample["writer_pending"], 0, "{sample}");
    assert_eq!(sample["sidecar_restarts"], 0, "{sample}");
    assert!(
        sample["stream_messages"].as_u64().unwrap() >= N as u64,
        "{sample}"
    );

    // What was accepted per second shows in the sample of its interval.
    let (_, history) = call(&t, Method::GET, "/api/v1/stats/history", None).await;
    let accepted: f64 = history["samples"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["ingest_per_s"]["tautulli"].as_f64())
        .sum();
    assert!(
        accepted > 0.0,
        "tautulli's rate is in the history: {history}"
    );
    assert_eq!(history["alerts"], Value::Array(Vec::new()), "{history}");
    let (_, stats) = call(&t, Method::GET, "/api/v1/stats", None).await;
    assert_eq!(stats["alerts"], Value::Array(Vec::new()), "{stats}");
    // The writer's batch commits are timed, and the sidecar says its version.
    assert!(
        stats["latency"]["writer_commit"]["count"].as_u64().unwrap() >= 1,
        "{stats}"
    );
    let version = stats["sidecar"]["version"].as_str().unwrap_or_default();
    assert!(version.starts_with("v2."), "nats-server's version: {stats}");
    // The stream's limits beside what is in use, for the pipeline view's stream panel.
    let stream = &stats["stream"];
    assert_eq!(stream["max_bytes"], json!(stream::MAX_BYTES), "{stream}");
    assert_eq!(
        stream["max_age_s"],
        json!(7 * 86_400),
        "the default retention: {stream}"
    );
    assert_eq!(
        stream["duplicate_window_s"],
        json!(stream::DUPLICATE_WINDOW.as_secs()),
        "{stream}"
    );
    t.engine.shutdown().await;
}
