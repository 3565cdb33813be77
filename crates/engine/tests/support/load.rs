//! Load helpers shared by the durability tests: distinct webhooks, and reading back what
//! the stream holds.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use futures_util::StreamExt;

use serde_json::Value;

use super::{wait_for, TestEngine, WEBHOOK_TOKEN};

/// A Tautulli play webhook for playback number `n` (its own session, so its own event id).
pub fn tautulli_play(n: usize) -> Vec<u8> {
    let mut body: Value = serde_json::from_slice(
        &std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures/tautulli/play.json"),
        )
        .unwrap(),
    )
    .unwrap();
    body["session"]["session_key"] = Value::String(format!("s{n}"));
    body["unixtime"] = Value::String((1_764_251_010 + n).to_string());
    serde_json::to_vec(&body).unwrap()
}

/// Posts webhook `n`; Some(event id) when answered 202.
pub async fn post(t: &TestEngine, n: usize) -> Option<String> {
    let response = t
        .http
        .post(t.url(&format!("/webhooks/tautulli?token={WEBHOOK_TOKEN}")))
        .header("content-type", "application/json")
        .body(tautulli_play(n))
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .ok()?;
    if response.status() != 202 {
        return None;
    }
    let body: Value = response.json().await.ok()?;
    body["event_id"].as_str().map(str::to_string)
}

/// Every message's event id in MEDIA_EVENTS, with how often it occurs.
pub async fn ids_in_stream(t: &TestEngine) -> HashMap<String, usize> {
    let jetstream = t.engine.bus().unwrap().jetstream();
    let mut stream = jetstream.get_stream("MEDIA_EVENTS").await.unwrap();
    let last = stream.info().await.unwrap().state.last_sequence;
    let mut counts = HashMap::new();
    for seq in 1..=last {
        if let Ok(message) = stream.get_raw_message(seq).await {
            let event: Value = serde_json::from_slice(&message.payload).unwrap();
            *counts
                .entry(event["event_id"].as_str().unwrap().to_string())
                .or_insert(0) += 1;
        }
    }
    counts
}

pub async fn wait_until_drained(t: &TestEngine, expected: usize) -> HashMap<String, usize> {
    let spool = t.engine.spool().unwrap().clone();
    wait_for("the spool to drain", Duration::from_secs(60), || {
        let spool = spool.clone();
        async move { (spool.pending() == 0).then_some(()) }
    })
    .await;
    wait_for(
        "every event in the stream",
        Duration::from_secs(30),
        || async {
            let counts = ids_in_stream(t).await;
            (counts.len() >= expected).then_some(counts)
        },
    )
    .await
}

/// Posts webhooks 0..count, four at a time, recording the id of each one answered 202.
pub async fn post_concurrently(t: &TestEngine, count: usize, acked: &Mutex<HashSet<String>>) {
    futures_util::stream::iter(0..count)
        .map(|n| post(t, n))
        .buffer_unordered(4)
        .for_each(|id| {
            if let Some(id) = id {
                acked.lock().unwrap().insert(id);
            }
            async {}
        })
        .await
}

/// Waits for the spool to drain, then checks that every acknowledged id is in the stream
/// exactly once.
pub async fn assert_each_once_in_stream(t: &TestEngine, acked: &HashSet<String>) {
    let counts = wait_until_drained(t, acked.len()).await;
    for id in acked {
        assert_eq!(
            counts.get(id),
            Some(&1),
            "{id}: acknowledged, so exactly once in the stream"
        );
    }
}
