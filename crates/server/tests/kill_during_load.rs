//! The promise, end to end: kill -9 of the server five times during a 10,000-webhook load,
//! restarting each time; afterwards every event whose webhook got a 2xx is in
//! `playback_events` exactly once — whether it was in flight to JetStream, waiting in the
//! writer's batch, or committed but not yet acked when the process died.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cartographus_engine::persist::Database;
use common::*;
use serde_json::Value;

const WEBHOOK_TOKEN: &str = "kill-test-webhook-token";
const API_TOKEN: &str = "kill-test-api-token";
const TOTAL: usize = 10_000;
const KILLS: usize = 5;
const CONNECTIONS: usize = 16;

fn play(n: usize) -> Vec<u8> {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tautulli/play.json");
    let mut body: Value = serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
    body["session"]["session_key"] = Value::String(format!("kill-{n}"));
    body["unixtime"] = Value::String((1_764_251_010 + n).to_string());
    serde_json::to_vec(&body).unwrap()
}

fn start(dir: &Path, port: u16) -> Server {
    Server(serve(
        dir,
        port,
        &[
            ("CARTOGRAPHUS_WEBHOOK_TOKEN", WEBHOOK_TOKEN),
            ("CARTOGRAPHUS_API_TOKEN", API_TOKEN),
            ("NATS_FLUSH_INTERVAL", "200ms"),
        ],
    ))
}

async fn wait_ok(http: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ok = match http.get(format!("{base}/api/v1/health")).send().await {
            Ok(r) => r.status() == 200,
            Err(_) => false,
        };
        if ok {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not become healthy"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Posts webhooks numbered from `next` over several connections until `stop` says so or
/// all are sent; records the ids of those answered 2xx.
async fn load(
    base: String,
    next: Arc<AtomicUsize>,
    acked: Arc<Mutex<HashSet<String>>>,
    stop_after: usize,
) {
    let http = reqwest::Client::new();
    let sent_here = Arc::new(AtomicUsize::new(0));
    let workers = (0..CONNECTIONS).map(|_| {
        let (http, base, next, acked, sent_here) = (
            http.clone(),
            base.clone(),
            next.clone(),
            acked.clone(),
            sent_here.clone(),
        );
        tokio::spawn(async move {
            while sent_here.fetch_add(1, Ordering::SeqCst) < stop_after {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= TOTAL {
                    return;
                }
                let answer = http
                    .post(format!("{base}/webhooks/tautulli?token={WEBHOOK_TOKEN}"))
                    .header("content-type", "application/json")
                    .body(play(n))
                    .timeout(Duration::from_secs(10))
                    .send()
                    .await;
                // A cut answer is simply not acknowledged; the server is gone, so this
                // connection's part of the load ends here (until the next start).
                let Ok(response) = answer else { return };
                if !response.status().is_success() {
                    continue;
                }
                if let Ok(body) = response.json::<Value>().await {
                    if let Some(id) = body["event_id"].as_str() {
                        acked.lock().unwrap().insert(id.to_string());
                    }
                }
            }
        })
    });
    for worker in workers.collect::<Vec<_>>() {
        worker.await.unwrap();
    }
}

/// True once everything that reached the server is in DuckDB: the spool is empty and the
/// writer's consumer has nothing pending or unacknowledged. (A count of stored rows is not
/// enough: events the server made durable but died before answering are stored too.)
async fn drained(http: &reqwest::Client, base: &str) -> Option<bool> {
    let stats: Value = http
        .get(format!("{base}/api/v1/stats"))
        .bearer_auth(API_TOKEN)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    let persist = stats["consumers"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == "persist")?
        .clone();
    Some(
        stats["spool"]["pending"].as_f64() == Some(0.0)
            && persist["pending"].as_f64() == Some(0.0)
            && persist["ack_pending"].as_f64() == Some(0.0),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_event_is_stored_exactly_once_across_five_kill_9s() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let acked = Arc::new(Mutex::new(HashSet::new()));

    for round in 0..KILLS {
        let mut server = start(dir.path(), port);
        wait_ok(&http, &base).await;
        // Kill while the load is running: the loader is still posting when the server dies.
        let loader = tokio::spawn(load(base.clone(), next.clone(), acked.clone(), usize::MAX));
        let target = (round + 1) * TOTAL / (KILLS + 1);
        let deadline = Instant::now() + Duration::from_secs(120);
        while next.load(Ordering::SeqCst) < target {
            assert!(Instant::now() < deadline, "round {round}: the load stalled");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.0.kill().unwrap(); // SIGKILL
        server.0.wait().unwrap();
        loader.abort();
        let _ = loader.await;
        if let Some(pid) = sidecar_pid(dir.path()) {
            wait_until(
                "the orphaned sidecar to exit",
                Duration::from_secs(15),
                || !alive(pid),
            );
        }
    }

    // The last start finishes the load and drains everything into DuckDB.
    let mut server = start(dir.path(), port);
    wait_ok(&http, &base).await;
    load(base.clone(), next.clone(), acked.clone(), usize::MAX).await;
    let acked = acked.lock().unwrap().clone();
    // At most the requests in flight at each kill go unanswered.
    let unanswered = TOTAL - acked.len();
    assert!(
        unanswered <= KILLS * CONNECTIONS,
        "{unanswered} of {TOTAL} unanswered"
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    while drained(&http, &base).await != Some(true) {
        assert!(
            Instant::now() < deadline,
            "the writer did not drain the stream"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(server.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    assert!(server.0.wait().unwrap().success());

    let db = Database::open(&dir.path().join("cartographus.duckdb")).unwrap();
    let rows: Vec<(String, i64)> = db
        .with_conn(|conn| {
            let mut statement =
                conn.prepare("SELECT event_id, count(*) FROM playback_events GROUP BY event_id")?;
            let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
        .unwrap();
    assert!(rows.iter().all(|(_, n)| *n == 1), "a row stored twice");
    let stored: HashSet<String> = rows.into_iter().map(|(id, _)| id).collect();
    let missing: Vec<_> = acked.difference(&stored).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged events missing, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(3)]
    );
    // Unacknowledged ones may be stored too (the server died after the durable write but
    // before answering); nothing else may be.
    assert!(stored.len() <= TOTAL);
}
