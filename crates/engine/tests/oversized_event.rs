//! A valid webhook near the 1 MiB body limit whose event (fields plus the body again in
//! `raw`) is larger than a NATS server's default `max_payload` of 1 MiB. Against such a
//! server it is refused 413 with its body kept as a dead letter; the sidecar, configured
//! for 8 MiB, takes it. Either way nothing behind it is held up in the spool.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::dlq::store::{DlqFilter, DlqKind};
use serde_json::{json, Value};
use support::load::tautulli_play;
use support::webhooks::{dlq_count, post};
use support::*;

const NATS_TOKEN: &str = "oversized-test-token";
const NORMAL: usize = 20;

/// A Tautulli play of about 1,040,000 bytes: title, username and player of 60 KiB each,
/// padded with extra fields, every string under the 64 KiB field limit.
fn big_tautulli_play() -> Vec<u8> {
    let long = |c: char| c.to_string().repeat(60 * 1024);
    let mut body: Value = serde_json::from_slice(&tautulli_play(10_000)).unwrap();
    body["media"]["title"] = Value::String(long('t'));
    body["media"]["episode_name"] = Value::String(long('e'));
    body["user"]["username"] = Value::String(long('u'));
    body["player"]["player"] = Value::String(long('p'));
    body["extra"] = json!({});
    let target = 1_040_000;
    for n in 0.. {
        let size = serde_json::to_vec(&body).unwrap().len();
        if size + 100 >= target {
            break;
        }
        let room = target - size - 20;
        body["extra"][format!("pad{n}")] = Value::String("x".repeat(room.min(60 * 1024)));
    }
    let bytes = serde_json::to_vec(&body).unwrap();
    assert!(
        (1_030_000..=1_048_576).contains(&bytes.len()),
        "{} bytes",
        bytes.len()
    );
    bytes
}

/// A nats-server with JetStream at its defaults (max_payload 1 MiB), as an external
/// server often is; killed when dropped.
struct ExternalNats {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl ExternalNats {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = format!(
            "listen: \"127.0.0.1:{port}\"\nauthorization {{ token: \"{NATS_TOKEN}\" }}\n\
             jetstream {{ store_dir: \"{}\", max_file_store: {} }}\n",
            dir.path().join("js").display(),
            // Set as the sidecar sets it: without it the server reserves 75 % of the free
            // disk and refuses the 10 GiB stream on a fuller disk.
            cartographus_engine::bus::stream::MAX_BYTES
        );
        let path = dir.path().join("nats.conf");
        std::fs::write(&path, config).unwrap();
        let child = Command::new(nats_server_bin())
            .arg("-c")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Self {
            child,
            port,
            _dir: dir,
        }
    }
}

impl Drop for ExternalNats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn post_normal_ones(t: &TestEngine) {
    for n in 0..NORMAL {
        let (status, answer) = post(t, "tautulli", "application/json", tautulli_play(n)).await;
        assert_eq!(status, 202, "webhook {n}: {answer}");
    }
}

async fn wait_stored(t: &TestEngine, expected: u64) {
    wait_for("the events stored", Duration::from_secs(30), || async {
        (stored_events(t).await == expected).then_some(())
    })
    .await;
}

fn assert_spool_empty(t: &TestEngine) {
    let spool = t.engine.spool().unwrap().clone();
    assert_eq!(spool.pending(), 0);
    assert_eq!(spool.oldest_pending_at(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_over_the_servers_max_payload_is_refused_413_and_kept_the_rest_stored() {
    let nats = ExternalNats::start();
    let t = TestEngine::start(ConfigLayer {
        nats_embedded: Some(false),
        nats_url: Some(format!("nats://127.0.0.1:{}", nats.port)),
        nats_token: Some(NATS_TOKEN.to_string()),
        ..Default::default()
    })
    .await;
    let big = big_tautulli_play();
    let (status, answer) = post(&t, "tautulli", "application/json", big.clone()).await;
    assert_eq!(status, 413, "{answer}");
    assert_eq!(answer["error"]["code"], "event_too_large");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("1048576"), "names the limit: {message}");
    let size = message
        .split_whitespace()
        .find_map(|word| word.parse::<u64>().ok())
        .unwrap();
    assert!(size > 1_048_576, "names the event's size first: {message}");

    let entries = t
        .engine
        .handle()
        .dlq_entries(DlqFilter::default(), Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].kind, DlqKind::Rejected);
    assert_eq!(entries[0].code.as_deref(), Some("event_too_large"));
    assert_eq!(entries[0].source.as_deref(), Some("tautulli"));
    assert_eq!(
        entries[0].payload.as_bytes(),
        big.as_slice(),
        "the body is kept"
    );

    post_normal_ones(&t).await;
    wait_stored(&t, NORMAL as u64).await;
    assert_spool_empty(&t);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sidecar_takes_an_event_near_the_body_limit_and_nothing_waits_behind_it() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    let (status, answer) = post(&t, "tautulli", "application/json", big_tautulli_play()).await;
    assert_eq!(status, 202, "{answer}");
    post_normal_ones(&t).await;
    wait_stored(&t, NORMAL as u64 + 1).await;
    assert_spool_empty(&t);
    assert_eq!(dlq_count(&t).await, 0);
    t.engine.shutdown().await;
}
