//! kill -9 of the server while events wait in the spool (NATS stopped): the next start
//! forwards every one of them to JetStream, and none twice.

mod common;

use std::path::Path;
use std::time::Duration;

use cartographus_engine::testkit::{freeze, wait_for};
use common::*;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::Value;

const TOKEN: &str = "spool-test-token";

/// Health with its details (the spool's), which need the API token.
async fn health(http: &reqwest::Client, base: &str) -> Option<Value> {
    http.get(format!("{base}/api/v1/health"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()
}

fn play(n: usize) -> Vec<u8> {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tautulli/play.json");
    let mut body: Value = serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
    body["session"]["session_key"] = Value::String(format!("spool-{n}"));
    serde_json::to_vec(&body).unwrap()
}

/// Reads every event id in MEDIA_EVENTS through the running sidecar's own config.
async fn stream_ids(data_dir: &Path) -> Vec<String> {
    let conf = std::fs::read_to_string(data_dir.join("nats/nats-server.conf")).unwrap();
    let field = |key: &str| -> String {
        let line = conf.lines().find(|l| l.contains(key)).unwrap();
        line.split('"').nth(1).unwrap().to_string()
    };
    let listen = field("listen:");
    let token = field("token:");
    let client = async_nats::ConnectOptions::with_token(token)
        .connect(format!("nats://{listen}"))
        .await
        .unwrap();
    let jetstream = async_nats::jetstream::new(client);
    let mut stream = jetstream.get_stream("MEDIA_EVENTS").await.unwrap();
    let last = stream.info().await.unwrap().state.last_sequence;
    let mut ids = Vec::new();
    for seq in 1..=last {
        let message = stream.get_raw_message(seq).await.unwrap();
        let event: Value = serde_json::from_slice(&message.payload).unwrap();
        ids.push(event["event_id"].as_str().unwrap().to_string());
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spool_left_by_kill_9_is_drained_at_the_next_start_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();

    let mut server = serve(
        dir.path(),
        port,
        &[
            ("CARTOGRAPHUS_WEBHOOK_TOKEN", TOKEN),
            ("CARTOGRAPHUS_API_TOKEN", TOKEN),
        ],
    );
    wait_for("health ok", Duration::from_secs(30), || async {
        health(&http, &base).await.filter(|h| h["status"] == "ok")
    })
    .await;
    let nats = sidecar_pid(dir.path()).unwrap();
    freeze(nats).await;

    let mut acked = Vec::new();
    for n in 0..40 {
        let response = http
            .post(format!("{base}/webhooks/tautulli?token={TOKEN}"))
            .header("content-type", "application/json")
            .body(play(n))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["spooled"], true, "{body}");
        acked.push(body["event_id"].as_str().unwrap().to_string());
    }

    server.kill().unwrap(); // SIGKILL, spool not empty
    server.wait().unwrap();
    // The stopped sidecar holds its PDEATHSIG until it may run again.
    kill(Pid::from_raw(nats as i32), Signal::SIGCONT).unwrap();
    wait_for(
        "the orphaned sidecar to exit",
        Duration::from_secs(10),
        || async { (!alive(nats)).then_some(()) },
    )
    .await;

    let mut again = serve(
        dir.path(),
        port,
        &[
            ("CARTOGRAPHUS_WEBHOOK_TOKEN", TOKEN),
            ("CARTOGRAPHUS_API_TOKEN", TOKEN),
        ],
    );
    wait_for(
        "the spool drained after restart",
        Duration::from_secs(60),
        || async {
            health(&http, &base)
                .await
                .filter(|h| h["status"] == "ok" && h["parts"]["spool"]["detail"] == "empty")
        },
    )
    .await;
    let mut ids = stream_ids(dir.path()).await;
    ids.sort();
    acked.sort();
    assert_eq!(
        ids, acked,
        "every acknowledged event exactly once, nothing else"
    );

    kill(Pid::from_raw(again.id() as i32), Signal::SIGTERM).unwrap();
    assert!(again.wait().unwrap().success());
}
