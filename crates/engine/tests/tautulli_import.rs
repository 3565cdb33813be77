//! The Tautulli history import over real HTTP, a real nats-server and a real DuckDB file,
//! against the fake Tautulli's generated history: rows become the right events and
//! sessions, a second import stores nothing, webhooks and imports of one playback are kept
//! once either way round (the audit names `cross_origin`), one import at a time, cancel,
//! resume after a failure and a restart, unmappable rows as rejected dead letters, and 409
//! without a connection.

mod support;

use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_fakes::tautulli::history::generate;
use cartographus_fakes::tautulli::FakeTautulli;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::setup_api::call;
use support::webhooks::{fixture, post};
use support::{stored_events, stream_info, wait_for, TestEngine};

const KEY: &str = "tautulli-api-key-5f1e2d";
const JOB_WAIT: Duration = Duration::from_secs(60);

async fn connected(history: Vec<Value>) -> (TestEngine, FakeTautulli) {
    connected_in(tempfile::tempdir().unwrap(), history).await
}

async fn connected_in(dir: tempfile::TempDir, history: Vec<Value>) -> (TestEngine, FakeTautulli) {
    let fake = FakeTautulli::start(KEY).await.unwrap();
    fake.set_history(history);
    let t = TestEngine::start_in(dir, ConfigLayer::default()).await;
    wait_for("JetStream up", Duration::from_secs(20), || async {
        t.engine.bus().map(|_| ())
    })
    .await;
    let (status, answer) = call(
        &t,
        Method::POST,
        "/api/v1/setup/tautulli",
        Some(json!({"url": fake.url, "api_key": KEY})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    (t, fake)
}

async fn start_import(t: &TestEngine, body: Value) -> Value {
    let (status, answer) = call(t, Method::POST, "/api/v1/import/tautulli", Some(body)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    answer
}

async fn job(t: &TestEngine, id: &str) -> Value {
    let (status, job) = call(t, Method::GET, &format!("/api/v1/jobs/{id}"), None).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    job
}

async fn finished_job(t: &TestEngine, id: &str) -> Value {
    wait_for("the import job ends", JOB_WAIT, || async {
        let job = job(t, id).await;
        (job["state"] != "running").then_some(job)
    })
    .await
}

async fn wait_stored(t: &TestEngine, expected: u64) {
    wait_for(&format!("{expected} events stored"), JOB_WAIT, || async {
        (stored_events(t).await == expected).then_some(())
    })
    .await;
}

async fn query_u64(t: &TestEngine, sql: &'static str) -> u64 {
    t.engine
        .database()
        .with_conn(move |conn| Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))?))
        .await
        .unwrap() as u64
}

/// The history rows with `changes` made to row `index`.
fn changed(mut rows: Vec<Value>, index: usize, changes: Value) -> Vec<Value> {
    for (k, v) in changes.as_object().unwrap() {
        rows[index][k] = v.clone();
    }
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quirky_history_becomes_sessions_once_and_a_second_import_stores_nothing() {
    let mut rows = generate(11, 3_000);
    // One row no mapping can read, and one playback still running.
    rows = changed(rows, 100, json!({"stopped": 1_000_000_000}));
    rows = changed(rows, 200, json!({"state": "playing", "stopped": 0}));
    let bad_row = rows[100].clone();
    let paused_row = rows
        .iter()
        .find(|r| {
            r["paused_counter"].as_i64().is_some_and(|p| p > 0)
                && r["started"].is_i64()
                && r["stopped"].is_i64()
                && r["percent_complete"].as_i64().is_some()
                && r["reference_id"] == r["id"]
        })
        .cloned()
        .unwrap();
    let (t, fake) = connected(rows).await;

    let started = start_import(&t, json!({})).await;
    assert_eq!(started["resumed_from"], 0, "{started}");
    let id = started["job_id"].as_str().unwrap().to_string();
    let done = finished_job(&t, &id).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["kind"], "tautulli_import");
    assert_eq!(
        (done["done"].as_u64(), done["total"].as_u64()),
        (Some(3_000), Some(3_000))
    );
    assert_eq!(done["failed"], 1, "the unmappable row: {done}");
    assert!(done["rate"].as_f64().is_some_and(|r| r > 0.0), "{done}");
    let starts = fake.history_starts();
    assert_eq!(
        starts,
        vec![0, 1000, 2000],
        "oldest first, a page at a time"
    );

    let playbacks = 3_000 - 2;
    wait_stored(&t, 2 * playbacks).await;
    let sessions = query_u64(&t, "SELECT count(*) FROM sessions WHERE state = 'stopped'").await;
    assert_eq!(sessions, playbacks, "one session per row");
    let imported = query_u64(
        &t,
        "SELECT count(*) FROM playback_events WHERE origin = 'import'",
    )
    .await;
    assert_eq!(imported, 2 * playbacks);

    // The row's paused time, play time and percent reach its session.
    let (started_at, stopped_at, paused) = (
        paused_row["started"].as_i64().unwrap(),
        paused_row["stopped"].as_i64().unwrap(),
        paused_row["paused_counter"].as_i64().unwrap(),
    );
    let percent = paused_row["percent_complete"].as_f64().unwrap();
    let machine = paused_row["machine_id"].as_str().unwrap().to_string();
    let session: (i64, i64, f64, String) = t
        .engine
        .database()
        .with_conn(move |conn| {
            Ok(conn.query_row(
                "SELECT paused_ms, play_ms, percent_complete, username FROM sessions
                 WHERE machine_id = ? AND epoch_ms(started_at) = ?",
                duckdb::params![machine, started_at * 1000],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?)
        })
        .await
        .unwrap();
    assert_eq!(session.0, paused * 1000);
    assert_eq!(session.1, (stopped_at - started_at - paused) * 1000);
    assert_eq!(session.2, percent);
    assert_eq!(session.3, paused_row["user"].as_str().unwrap());

    // The event rows say where they came from.
    let (status, page) = call(&t, Method::GET, "/api/v1/events?limit=5", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["origin"] == "import"),
        "{page}"
    );

    // The unmappable row is a rejected dead letter of tautulli, the row as its payload.
    let (_, dlq) = call(&t, Method::GET, "/api/v1/dlq?kind=rejected", None).await;
    let entries = dlq["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{dlq}");
    assert_eq!(entries[0]["source"], "tautulli");
    assert_eq!(entries[0]["code"], "unmappable_history_row");
    let (_, entry) = call(
        &t,
        Method::GET,
        &format!("/api/v1/dlq/{}", entries[0]["id"].as_str().unwrap()),
        None,
    )
    .await;
    let payload: Value = serde_json::from_str(entry["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload, bad_row, "{entry}");

    // Again: nothing new reaches the stream, the table or the audit.
    let messages = stream_info(&t).await.state.messages;
    let again = start_import(&t, json!({})).await;
    assert_eq!(again["resumed_from"], 0, "a finished import starts over");
    let done = finished_job(&t, again["job_id"].as_str().unwrap()).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(stream_info(&t).await.state.messages, messages);
    assert_eq!(stored_events(&t).await, 2 * playbacks);
    assert_eq!(query_u64(&t, "SELECT count(*) FROM dedup_audit").await, 0);
    t.engine.shutdown().await;
}

/// Tautulli's stop webhook (the fixture) for the playback of `row`.
fn stop_webhook(row: &Value) -> Vec<u8> {
    let mut body: Value = serde_json::from_slice(&fixture("tautulli/stop.json")).unwrap();
    body["unixtime"] = json!(row["stopped"].as_i64().unwrap().to_string());
    body["player"]["machine_id"] = row["machine_id"].clone();
    body["media"]["rating_key"] = json!(row["rating_key"].as_i64().unwrap().to_string());
    serde_json::to_vec(&body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_and_an_import_of_one_playback_are_kept_once_either_way_round() {
    let at = 1_764_251_010_i64;
    let row = |id: i64, rating_key: i64, started: i64| {
        json!({"reference_id": id, "row_id": id, "id": id, "started": started,
               "stopped": started + 2_490, "paused_counter": 0, "user": "dana",
               "user_id": 9123456, "player": "Living Room TV",
               "machine_id": "k2n8x4p6q1w9e3r7t5y0u2i4", "rating_key": rating_key,
               "media_type": "episode", "percent_complete": 92, "state": null})
    };
    let before = row(1, 48213, at);
    let after = row(2, 48214, at + 10_000);
    let (t, _fake) = connected(vec![before.clone(), after.clone()]).await;

    // Webhook first, then the import.
    let (status, answer) = post(&t, "tautulli", "application/json", stop_webhook(&before)).await;
    assert_eq!(status, 202, "{answer}");
    wait_stored(&t, 1).await;
    let started = start_import(&t, json!({})).await;
    finished_job(&t, started["job_id"].as_str().unwrap()).await;
    wait_stored(&t, 4).await;

    // Import first, then the webhook.
    let (status, answer) = post(&t, "tautulli", "application/json", stop_webhook(&after)).await;
    assert_eq!(status, 202, "{answer}");
    let records = wait_for("two audited duplicates", JOB_WAIT, || async {
        let (_, page) = call(&t, Method::GET, "/api/v1/dedup", None).await;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        (items.len() == 2).then_some(items)
    })
    .await;
    for record in &records {
        assert_eq!(record["rule"], "cross_origin", "{record}");
    }
    let dropped: Vec<&str> = records
        .iter()
        .map(|r| r["dropped"]["origin"].as_str().unwrap())
        .collect();
    assert!(
        dropped.contains(&"import") && dropped.contains(&"webhook"),
        "{records:?}"
    );
    assert_eq!(
        stored_events(&t).await,
        4,
        "two playbacks, a start and a stop each"
    );
    let stops = query_u64(
        &t,
        "SELECT count(*) FROM playback_events WHERE event_type = 'stop'",
    )
    .await;
    assert_eq!(stops, 2);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_import_stops_and_the_next_start_resumes_it() {
    let (t, fake) = connected(generate(5, 5_000)).await;
    fake.set_history_delay(Duration::from_millis(400));
    let started = start_import(&t, json!({"since": "2023-12-30"})).await;
    let id = started["job_id"].as_str().unwrap().to_string();
    wait_for("a page done", JOB_WAIT, || async {
        (job(&t, &id).await["done"].as_u64() >= Some(1_000)).then_some(())
    })
    .await;
    // One import at a time.
    let (status, answer) = call(&t, Method::POST, "/api/v1/import/tautulli", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["code"], "import_running", "{answer}");
    let (status, _) = call(&t, Method::DELETE, &format!("/api/v1/jobs/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    let cancelled = finished_job(&t, &id).await;
    assert_eq!(cancelled["state"], "cancelled", "{cancelled}");
    let stopped_at = cancelled["done"].as_u64().unwrap();
    assert!(stopped_at < 5_000, "{cancelled}");

    fake.set_history_delay(Duration::ZERO);
    let resumed = start_import(&t, json!({"since": "2023-12-30"})).await;
    assert_eq!(
        resumed["resumed_from"].as_u64(),
        Some(stopped_at),
        "{resumed}"
    );
    let done = finished_job(&t, resumed["job_id"].as_str().unwrap()).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["done"], 5_000);
    wait_stored(&t, 10_000).await;
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_cut_off_by_a_failure_and_a_restart_goes_on_from_its_checkpoint() {
    let rows = generate(9, 3_000);
    let (t, fake) = connected(rows.clone()).await;
    fake.fail_history_from(Some(2_000));
    let started = start_import(&t, json!({})).await;
    let failed = finished_job(&t, started["job_id"].as_str().unwrap()).await;
    assert_eq!(failed["state"], "failed", "{failed}");
    assert!(
        failed["error"].as_str().unwrap().contains("get_history"),
        "{failed}"
    );
    assert_eq!(failed["done"], 2_000);
    wait_stored(&t, 4_000).await;

    // The engine stops and starts again on the same data; Tautulli is back.
    let dir = {
        let TestEngine { engine, dir, .. } = t;
        engine.shutdown().await;
        dir
    };
    fake.fail_history_from(None);
    let before_restart = fake.history_starts().len();
    let t = TestEngine::start_in(dir, ConfigLayer::default()).await;
    wait_for("JetStream up", Duration::from_secs(20), || async {
        t.engine.bus().map(|_| ())
    })
    .await;
    let resumed = start_import(&t, json!({})).await;
    assert_eq!(resumed["resumed_from"], 2_000, "{resumed}");
    let done = finished_job(&t, resumed["job_id"].as_str().unwrap()).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(fake.history_starts()[before_restart..], [2_000]);
    wait_stored(&t, 6_000).await;
    assert_eq!(query_u64(&t, "SELECT count(*) FROM dedup_audit").await, 0);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_connection_the_import_is_refused_409_not_connected() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..ConfigLayer::default()
    })
    .await;
    let (status, answer) = call(&t, Method::POST, "/api/v1/import/tautulli", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["code"], "not_connected", "{answer}");
    let (status, answer) = call(
        &t,
        Method::POST,
        "/api/v1/import/tautulli",
        Some(json!({"since": "last week"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    t.engine.shutdown().await;
}
