//! The JSON API (docs/architecture.md#json-api) over real HTTP, sidecar and DuckDB behind it:
//! auth on every route, cursor paging, filters, error shapes, the DLQ / dedup / replay / job
//! routes, stats that move as events flow, and `/metrics` as Prometheus text — one behaviour
//! per test.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::webhooks::{fixture, post};
use support::{load, stored_events, wait_for, TestEngine, API_TOKEN};

async fn engine() -> TestEngine {
    TestEngine::start(ConfigLayer {
        writer_flush_interval: Some(Duration::from_millis(100)),
        ..ConfigLayer::default()
    })
    .await
}

async fn call(
    t: &TestEngine,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = t.http.request(method, t.url(path)).bearer_auth(API_TOKEN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn get(t: &TestEngine, path: &str) -> (StatusCode, Value) {
    call(t, Method::GET, path, None).await
}

/// Polls a job until it is no longer running; its last status.
async fn finished_job(t: &TestEngine, job_id: &str, what: &str) -> Value {
    wait_for(what, Duration::from_secs(30), || async {
        let (_, job) = get(t, &format!("/api/v1/jobs/{job_id}")).await;
        (job["state"] != "running").then_some(job)
    })
    .await
}

fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        !body["error"]["message"].as_str().unwrap_or("").is_empty(),
        "{body}"
    );
}

#[tokio::test]
async fn every_api_route_needs_the_api_token() {
    let t = engine().await;
    for path in [
        "/api/v1/events",
        "/api/v1/events/x",
        "/api/v1/sessions",
        "/api/v1/sessions/live",
        "/api/v1/stats",
        "/api/v1/dlq",
        "/api/v1/dlq/x",
        "/api/v1/dedup",
        "/api/v1/jobs/x",
        "/metrics",
    ] {
        let missing = t.http.get(t.url(path)).send().await.unwrap();
        assert_eq!(missing.status(), 401, "{path} without a token");
        let wrong = t
            .http
            .get(t.url(path))
            .bearer_auth("nope")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401, "{path} with a wrong token");
        let body: Value = wrong.json().await.unwrap();
        assert_error(&body, "unauthorized");
    }
    let replay = t
        .http
        .post(t.url("/api/v1/replay"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
    t.engine.shutdown().await;
}

#[tokio::test]
async fn events_page_by_cursor_and_filter() {
    let t = engine().await;
    let mut acked = HashSet::new();
    for n in 0..7 {
        acked.insert(load::post(&t, n).await.unwrap());
    }
    let (status, jellyfin) = post(
        &t,
        "jellyfin",
        "application/json",
        fixture("jellyfin/PlaybackStart.json"),
    )
    .await;
    assert_eq!(status, 202);
    wait_for("8 stored", Duration::from_secs(30), || async {
        (stored_events(&t).await == 8).then_some(())
    })
    .await;

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/events?source=tautulli&limit=3&cursor={c}"),
            None => "/api/v1/events?source=tautulli&limit=3".to_string(),
        };
        let (status, page) = get(&t, &path).await;
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(
            items
                .iter()
                .map(|e| e["event_id"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7, "no overlap, no gap: {seen:?}");
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), acked);

    let (_, only) = get(&t, "/api/v1/events?source=jellyfin&type=start").await;
    assert_eq!(only["items"].as_array().unwrap().len(), 1);
    assert_eq!(only["items"][0]["event_id"], jellyfin["event_id"]);
    let (_, text) = get(&t, "/api/v1/events?q=long%20night").await;
    assert_eq!(
        text["items"].as_array().unwrap().len(),
        8,
        "every fixture plays this episode"
    );
    let (_, nothing) = get(&t, "/api/v1/events?q=no%20such%20show").await;
    assert!(nothing["items"].as_array().unwrap().is_empty());
    let (_, none) = get(&t, "/api/v1/events?since=2100-01-01T00:00:00Z").await;
    assert!(none["items"].as_array().unwrap().is_empty());

    let id = jellyfin["event_id"].as_str().unwrap();
    let (status, one) = get(&t, &format!("/api/v1/events/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(one["source"], "jellyfin");
    assert!(one["raw"].is_object(), "the source payload is kept");

    let (_, sessions) = get(&t, "/api/v1/sessions?source=jellyfin").await;
    assert_eq!(sessions["items"].as_array().unwrap().len(), 1);
    assert_eq!(sessions["items"][0]["state"], "playing");
    t.engine.shutdown().await;
}

#[tokio::test]
async fn bad_queries_get_a_400_with_a_reason() {
    let t = engine().await;
    for (path, code, parameter) in [
        ("/api/v1/events?source=kodi", "bad_request", "source"),
        ("/api/v1/events?type=launch", "bad_request", "type"),
        ("/api/v1/events?since=yesterday", "bad_request", "since"),
        ("/api/v1/events?limit=0", "bad_request", "limit"),
        ("/api/v1/events?limit=100000", "bad_request", "limit"),
        ("/api/v1/events?limit=ten", "bad_request", "limit"),
        ("/api/v1/events?cursor=garbage", "bad_request", "cursor"),
        ("/api/v1/events?color=red", "bad_request", "color"),
        ("/api/v1/events?rule=session", "bad_request", "rule"),
        ("/api/v1/sessions?state=dancing", "bad_request", "state"),
        ("/api/v1/sessions?type=start", "bad_request", "type"),
        ("/api/v1/sessions?sort=colour", "bad_request", "sort"),
        ("/api/v1/dlq?kind=weird", "bad_request", "kind"),
        ("/api/v1/dlq?source=kodi", "bad_request", "source"),
        ("/api/v1/dedup?rule=vibes", "bad_request", "rule"),
        ("/api/v1/dedup?source=plex", "bad_request", "source"),
    ] {
        let (status, body) = get(&t, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_error(&body, code);
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(parameter), "{path}: {message}");
    }
    let (status, body) = call(&t, Method::DELETE, "/api/v1/dlq?limit=5", None).await;
    assert_eq!(status, 400, "a purge has no pages: {body}");
    assert_error(&body, "bad_request");
    let (status, body) = get(&t, "/api/v1/events/not-an-event").await;
    assert_eq!(status, 404);
    assert_error(&body, "not_found");
    let (status, body) = call(
        &t,
        Method::POST,
        "/api/v1/replay",
        Some(json!({"from": {"no": 1}})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_error(&body, "bad_request");
    let (status, body) = get(&t, "/api/v1/jobs/job-nope").await;
    assert_eq!(status, 404);
    assert_error(&body, "not_found");
    t.engine.shutdown().await;
}

/// Refuses half of Tautulli's play fixture and an Emby body with a wrong type; both are
/// kept as `rejected` dead letters. Returns the Tautulli entry's id.
async fn two_refused_bodies(t: &TestEngine) -> String {
    let good = fixture("tautulli/play.json");
    let (status, _) = post(
        t,
        "tautulli",
        "application/json",
        good[..good.len() / 2].to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = post(t, "emby", "application/json", b"{\"Event\": 3}".to_vec()).await;
    assert_eq!(status, 400);
    let (_, tautulli) = get(t, "/api/v1/dlq?source=tautulli").await;
    tautulli["items"][0]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn dead_letters_are_listed_by_filter_and_read_one_by_one() {
    let t = engine().await;
    let id = two_refused_bodies(&t).await;
    let (_, page) = get(&t, "/api/v1/dlq?kind=rejected").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let (_, tautulli) = get(&t, "/api/v1/dlq?source=tautulli").await;
    let entry = &tautulli["items"][0];
    assert_eq!(entry["kind"], "rejected");
    assert_eq!(entry["payload_encoding"], "utf8");
    let (status, one) = get(&t, &format!("/api/v1/dlq/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(one["id"], id);
    t.engine.shutdown().await;
}

#[tokio::test]
async fn a_dead_letter_that_still_fails_answers_422_and_keeps_the_attempt() {
    let t = engine().await;
    let id = two_refused_bodies(&t).await;
    // Retried unchanged it still fails: 422 with the parser's code, one more attempt kept.
    let (status, body) = call(&t, Method::POST, &format!("/api/v1/dlq/{id}/retry"), None).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        get(&t, &format!("/api/v1/dlq/{id}")).await.1["attempts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (status, body) = call(
        &t,
        Method::POST,
        &format!("/api/v1/dlq/{id}/retry"),
        Some(json!({"payload": 5})),
    )
    .await;
    assert_eq!(status, 422, "a payload that is not an object: {body}");
    t.engine.shutdown().await;
}

#[tokio::test]
async fn a_dead_letter_retried_with_a_fixed_payload_is_stored_and_leaves_the_dlq() {
    let t = engine().await;
    let id = two_refused_bodies(&t).await;
    let fixed: Value = serde_json::from_slice(&fixture("tautulli/play.json")).unwrap();
    let (status, retried) = call(
        &t,
        Method::POST,
        &format!("/api/v1/dlq/{id}/retry"),
        Some(json!({"payload": fixed})),
    )
    .await;
    assert_eq!(status, 200, "{retried}");
    assert_eq!(retried["result"], "stored");
    assert_eq!(stored_events(&t).await, 1);
    let (status, _) = get(&t, &format!("/api/v1/dlq/{id}")).await;
    assert_eq!(status, 404, "a retried entry leaves the DLQ");
    t.engine.shutdown().await;
}

#[tokio::test]
async fn a_bulk_retry_runs_as_a_job_that_counts_what_still_fails() {
    let t = engine().await;
    two_refused_bodies(&t).await;
    let (_, emby) = get(&t, "/api/v1/dlq?source=emby").await;
    let emby_id = emby["items"][0]["id"].as_str().unwrap().to_string();
    let (status, job) = call(
        &t,
        Method::POST,
        "/api/v1/dlq/retry",
        Some(json!({"ids": [emby_id]})),
    )
    .await;
    assert_eq!(status, 202);
    let job_id = job["id"].as_str().unwrap().to_string();
    let finished = finished_job(&t, &job_id, "the bulk retry").await;
    assert_eq!(
        (finished["done"].as_f64(), finished["failed"].as_f64()),
        (Some(0.0), Some(1.0))
    );
    t.engine.shutdown().await;
}

#[tokio::test]
async fn a_dead_letter_is_deleted_once_and_a_purge_says_how_many_went() {
    let t = engine().await;
    two_refused_bodies(&t).await;
    let (_, emby) = get(&t, "/api/v1/dlq?source=emby").await;
    let path = format!("/api/v1/dlq/{}", emby["items"][0]["id"].as_str().unwrap());
    assert_eq!(call(&t, Method::DELETE, &path, None).await.0, 204);
    assert_eq!(call(&t, Method::DELETE, &path, None).await.0, 404);
    let (status, purged) = call(&t, Method::DELETE, "/api/v1/dlq", None).await;
    assert_eq!(
        (status, purged["deleted"].as_u64()),
        (StatusCode::OK, Some(1)),
        "the Tautulli entry is what was left"
    );
    let (status, purged) = call(&t, Method::DELETE, "/api/v1/dlq", None).await;
    assert_eq!(
        (status, purged["deleted"].as_u64()),
        (StatusCode::OK, Some(0))
    );
    t.engine.shutdown().await;
}

#[tokio::test]
async fn a_cross_source_duplicate_is_audited_and_restored_once() {
    let t = engine().await;
    let now = chrono::Utc::now();
    let mut tautulli: Value = serde_json::from_slice(&fixture("tautulli/play.json")).unwrap();
    tautulli["unixtime"] = Value::String(now.timestamp().to_string());
    tautulli["utctime"] = Value::String(now.format("%Y-%m-%dT%H:%M:%S").to_string());
    post(
        &t,
        "tautulli",
        "application/json",
        serde_json::to_vec(&tautulli).unwrap(),
    )
    .await;
    post(
        &t,
        "plex",
        "application/json",
        fixture("plex/media.play.episode.json"),
    )
    .await;
    let records = wait_for("a dedup record", Duration::from_secs(30), || async {
        let (_, page) = get(&t, "/api/v1/dedup?rule=cross_source").await;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        (!items.is_empty()).then_some(items)
    })
    .await;
    let id = records[0]["id"].as_str().unwrap();
    assert_eq!(records[0]["dropped"]["source"], "plex");
    let (status, restored) = call(
        &t,
        Method::POST,
        &format!("/api/v1/dedup/{id}/restore"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(restored["restored"], true);
    assert_eq!(restored["event_id"], records[0]["dropped_event_id"]);
    let (status, again) = call(
        &t,
        Method::POST,
        &format!("/api/v1/dedup/{id}/restore"),
        None,
    )
    .await;
    assert_eq!(status, 409);
    assert_error(&again, "conflict");
    assert_eq!(stored_events(&t).await, 2);
    t.engine.shutdown().await;
}

#[tokio::test]
async fn a_replay_runs_as_a_job_and_stores_nothing_twice() {
    let t = engine().await;
    for n in 0..2 {
        load::post(&t, n).await.unwrap();
    }
    wait_for("2 stored", Duration::from_secs(30), || async {
        (stored_events(&t).await == 2).then_some(())
    })
    .await;
    let (status, job) = call(
        &t,
        Method::POST,
        "/api/v1/replay",
        Some(json!({"from": 1, "to": 2})),
    )
    .await;
    assert_eq!(status, 202, "{job}");
    let job_id = job["id"].as_str().unwrap().to_string();
    let finished = finished_job(&t, &job_id, "the replay").await;
    assert_eq!(finished["state"], "done", "{finished}");
    assert_eq!(finished["done"].as_f64(), Some(2.0));
    assert_eq!(stored_events(&t).await, 2, "replay stores nothing twice");
    t.engine.shutdown().await;
}

#[tokio::test]
async fn stats_move_as_events_flow() {
    let t = engine().await;
    let (_, before) = get(&t, "/api/v1/stats").await;
    assert_eq!(before["events_stored"].as_f64(), Some(0.0));
    let after = five_stored(&t).await;
    assert_eq!(after["events_stored"].as_f64(), Some(5.0));
    assert_eq!(after["writer"]["stored"].as_f64(), Some(5.0));
    assert_eq!(after["latency"]["webhook_ack"]["count"].as_f64(), Some(5.0));
    assert!(after["latency"]["webhook_ack"]["p99_ms"].as_f64().is_some());
    assert_eq!(
        after["latency"]["webhook_to_stored"]["count"].as_f64(),
        Some(5.0)
    );
    assert!(
        after["ingest_rate"]["tautulli"]["last_minute"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert!(after["stream"]["last_seq"].as_f64().unwrap() >= 5.0);
    let consumers = after["consumers"].as_array().unwrap();
    let persist = consumers
        .iter()
        .find(|c| c["name"] == "persist")
        .expect("the writer's consumer");
    assert_eq!(persist["pending"].as_f64(), Some(0.0));
    assert!(after["duckdb_file_bytes"].as_f64().unwrap() > 0.0);
    t.engine.shutdown().await;
}

/// Posts five plays and waits until the writer has stored and counted them.
async fn five_stored(t: &TestEngine) -> Value {
    for n in 0..5 {
        load::post(t, n).await.unwrap();
    }
    // The writer counts a batch just after its commit is visible: wait for both.
    wait_for("5 stored and counted", Duration::from_secs(30), || async {
        if stored_events(t).await != 5 {
            return None;
        }
        let (_, stats) = get(t, "/api/v1/stats").await;
        (stats["writer"]["stored"].as_f64() == Some(5.0)).then_some(stats)
    })
    .await
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text() {
    let t = engine().await;
    five_stored(&t).await;
    let response = t
        .http
        .get(t.url("/metrics"))
        .bearer_auth(API_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    let mut samples = std::collections::HashMap::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix('#') {
            let kind = rest.split_whitespace().next().unwrap();
            assert!(kind == "HELP" || kind == "TYPE", "{line}");
            continue;
        }
        let (name, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample: {line}"));
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {line}"));
        let metric = name.split('{').next().unwrap();
        assert!(
            metric
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        if let Some(labels) = name.strip_prefix(metric) {
            assert!(
                labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')),
                "{line}"
            );
        }
        samples.insert(name.to_string(), value);
    }
    assert_eq!(samples["cartographus_events_stored"], 5.0);
    assert_eq!(samples["cartographus_webhook_ack_seconds_count"], 5.0);
    assert_eq!(
        samples["cartographus_webhook_ack_seconds_bucket{le=\"+Inf\"}"],
        5.0
    );
    assert_eq!(
        samples["cartographus_writer_messages_total{outcome=\"stored\"}"],
        5.0
    );
    t.engine.shutdown().await;
}
