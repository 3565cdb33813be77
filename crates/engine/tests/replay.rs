//! Replay over real HTTP with the nats-server sidecar and a DuckDB file behind it: the preview
//! counts what a sequence or time range covers, a replay restores exactly the rows lost from
//! DuckDB and reports the rest as already stored, cancel stops it, and bad ranges are 400s.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::setup_api::call;
use support::webhooks::{fixture, post};
use support::{load, stored_events, wait_for, TestEngine};

async fn engine(batch_size: u32) -> TestEngine {
    TestEngine::start(ConfigLayer {
        writer_flush_interval: Some(Duration::from_millis(100)),
        writer_batch_size: Some(batch_size),
        ..ConfigLayer::default()
    })
    .await
}

async fn preview(t: &TestEngine, query: &str) -> Value {
    let (status, body) = call(
        t,
        Method::GET,
        &format!("/api/v1/replay/preview{query}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

/// Webhooks 0..n, one at a time (so each message has its own time), all stored.
async fn stored_stream(t: &TestEngine, n: usize) {
    for i in 0..n {
        load::post(t, i).await.expect("202");
    }
    wait_for("every event stored", Duration::from_secs(30), || async {
        (stored_events(t).await == n as u64).then_some(())
    })
    .await;
}

/// When the stream stored message `seq`, read straight from JetStream.
async fn stored_at(t: &TestEngine, seq: u64) -> DateTime<Utc> {
    let jetstream = t.engine.bus().expect("a bus").jetstream();
    let stream = jetstream.get_stream("MEDIA_EVENTS").await.unwrap();
    let message = stream.get_raw_message(seq).await.unwrap();
    DateTime::from_timestamp_nanos(message.time.unix_timestamp_nanos() as i64)
}

fn time_of(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value["time"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
        .replace('+', "%2B")
}

/// (messages, first seq, last seq) of a preview; 0 for an absent end.
fn covers(preview: &Value) -> (u64, u64, u64) {
    let seq = |end: &str| preview[end]["seq"].as_u64().unwrap_or(0);
    (
        preview["messages"].as_u64().unwrap(),
        seq("first"),
        seq("last"),
    )
}

async fn finished_job(t: &TestEngine, job_id: &str) -> Value {
    wait_for("the replay to end", Duration::from_secs(30), || async {
        let (_, job) = call(t, Method::GET, &format!("/api/v1/jobs/{job_id}"), None).await;
        (job["state"] != "running").then_some(job)
    })
    .await
}

async fn stored_ids(t: &TestEngine) -> BTreeSet<String> {
    support::stored_event_ids(t.engine.database())
        .await
        .into_iter()
        .collect()
}

async fn delete_rows(t: &TestEngine, sql: &'static str) {
    t.engine
        .database()
        .with_conn(move |conn| Ok(conn.execute_batch(sql)?))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_preview_counts_what_a_sequence_or_time_range_covers() {
    let t = engine(100).await;
    let empty = preview(&t, "").await;
    assert_eq!(empty["stream_messages"], 0, "{empty}");
    assert_eq!(covers(&empty), (0, 0, 0));
    assert!(empty["stream_first"].is_null());

    stored_stream(&t, 10).await;
    let all = preview(&t, "").await;
    assert_eq!(all["stream_messages"], 10);
    assert_eq!(covers(&all), (10, 1, 10));
    assert_eq!(time_of(&all["stream_first"]), stored_at(&t, 1).await);
    assert_eq!(time_of(&all["stream_last"]), stored_at(&t, 10).await);

    // Sequences: inclusive, clipped to the stream.
    let some = preview(&t, "?from=3&to=8").await;
    assert_eq!(covers(&some), (6, 3, 8));
    assert_eq!(time_of(&some["first"]), stored_at(&t, 3).await);
    assert_eq!(time_of(&some["last"]), stored_at(&t, 8).await);
    assert_eq!(covers(&preview(&t, "?from=0&to=999").await), (10, 1, 10));
    assert_eq!(covers(&preview(&t, "?from=7").await), (4, 7, 10));
    assert_eq!(covers(&preview(&t, "?from=11").await), (0, 0, 0));

    // Times: from the first message stored at or after `from` to the last at or before `to`.
    let (at4, at7) = (stored_at(&t, 4).await, stored_at(&t, 7).await);
    let nano = chrono::Duration::nanoseconds(1);
    let by_time = |from: DateTime<Utc>, to: DateTime<Utc>| {
        format!("?from={}&to={}", rfc3339(from), rfc3339(to))
    };
    assert_eq!(covers(&preview(&t, &by_time(at4, at7)).await), (4, 4, 7));
    assert_eq!(
        covers(&preview(&t, &by_time(at4 + nano, at7 - nano)).await),
        (2, 5, 6)
    );
    let hour = chrono::Duration::hours(1);
    assert_eq!(
        covers(&preview(&t, &format!("?from={}", rfc3339(at4 - hour))).await),
        (10, 1, 10),
        "a time before the stream starts at its first message"
    );
    assert_eq!(
        covers(&preview(&t, &format!("?to={}", rfc3339(at4 - hour))).await),
        (0, 0, 0),
        "a range that ends before the stream covers nothing"
    );
    // A time and a sequence mix.
    assert_eq!(
        covers(&preview(&t, &format!("?from={}&to=5", rfc3339(at4))).await),
        (2, 4, 5)
    );
    t.engine.shutdown().await;
}

#[tokio::test]
async fn bad_ranges_are_refused_with_the_reason() {
    let t = engine(100).await;
    let tomorrow = rfc3339(Utc::now() + chrono::Duration::days(1));
    let hour_ago = rfc3339(Utc::now() - chrono::Duration::hours(1));
    let two_hours_ago = rfc3339(Utc::now() - chrono::Duration::hours(2));
    for (query, says) in [
        ("?from=9&to=3".to_string(), "comes after"),
        (
            format!("?from={hour_ago}&to={two_hours_ago}"),
            "comes after",
        ),
        ("?from=yesterday".to_string(), "from: \"yesterday\""),
        ("?to=-4".to_string(), "to: \"-4\""),
        (format!("?from={tomorrow}"), "in the future"),
    ] {
        let (status, body) = call(
            &t,
            Method::GET,
            &format!("/api/v1/replay/preview{query}"),
            None,
        )
        .await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["code"], "invalid_range", "{query}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{query}: {message}");
    }
    let (status, body) = call(&t, Method::GET, "/api/v1/replay/preview?since=3", None).await;
    assert_eq!(status, 400, "unknown parameter: {body}");

    // The replay itself refuses the same ranges, before starting a job.
    let (status, body) = call(
        &t,
        Method::POST,
        "/api/v1/replay",
        Some(json!({"from": 9, "to": 3})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "invalid_range");
    let (status, body) = call(
        &t,
        Method::POST,
        "/api/v1/replay",
        Some(json!({"from": Utc::now() + chrono::Duration::days(1)})),
    )
    .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_range"))
    );
    t.engine.shutdown().await;
}

/// The Tautulli play fixture, happening now (so Plex's arrival-time event is in its window).
fn tautulli_play_now() -> Vec<u8> {
    let mut body: Value = serde_json::from_slice(&fixture("tautulli/play.json")).unwrap();
    let now = Utc::now();
    body["unixtime"] = Value::String(now.timestamp().to_string());
    body["utctime"] = Value::String(now.format("%Y-%m-%dT%H:%M:%S").to_string());
    serde_json::to_vec(&body).unwrap()
}

#[tokio::test]
async fn a_replay_restores_exactly_the_lost_rows_and_says_what_it_found_stored() {
    let t = engine(100).await;
    stored_stream(&t, 12).await;
    // One playback reported by Tautulli and by Plex: the second is a dedup-rule duplicate.
    let (status, body) = post(&t, "tautulli", "application/json", tautulli_play_now()).await;
    assert_eq!(status, 202, "{body}");
    let (status, body) = post(
        &t,
        "plex",
        "application/json",
        fixture("plex/media.play.episode.json"),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    wait_for("the duplicate dropped", Duration::from_secs(30), || async {
        let (_, page) = call(&t, Method::GET, "/api/v1/dedup", None).await;
        (page["items"].as_array().map_or(0, Vec::len) == 1).then_some(())
    })
    .await;
    assert_eq!(stored_events(&t).await, 13);
    let before = stored_ids(&t).await;

    delete_rows(
        &t,
        "DELETE FROM playback_events WHERE stream_seq IN (2, 5, 9)",
    )
    .await;
    assert_eq!(stored_events(&t).await, 10);
    let expected = preview(&t, "").await;
    assert_eq!(covers(&expected), (14, 1, 14));

    let (status, job) = call(&t, Method::POST, "/api/v1/replay", Some(json!({}))).await;
    assert_eq!(status, 202, "{job}");
    let done = finished_job(&t, job["id"].as_str().unwrap()).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(
        (done["total"].as_u64(), done["done"].as_u64()),
        (Some(14), Some(14))
    );
    assert_eq!(
        done["outcome"],
        json!({"stored": 3, "already_stored": 10, "duplicates": 1, "undecodable": 0}),
        "{done}"
    );
    assert_eq!(
        stored_ids(&t).await,
        before,
        "exactly the deleted rows are back"
    );

    // Again: everything is already there.
    let (_, job) = call(
        &t,
        Method::POST,
        "/api/v1/replay",
        Some(json!({"from": 1, "to": 14})),
    )
    .await;
    let again = finished_job(&t, job["id"].as_str().unwrap()).await;
    assert_eq!(
        again["outcome"],
        json!({"stored": 0, "already_stored": 13, "duplicates": 1, "undecodable": 0}),
        "{again}"
    );
    assert_eq!(stored_events(&t).await, 13);
    t.engine.shutdown().await;
}

#[tokio::test]
async fn cancel_stops_a_replay_between_batches() {
    let t = engine(5).await;
    stored_stream(&t, 20).await;
    delete_rows(&t, "DELETE FROM playback_events").await;

    // Hold DuckDB's one connection, so the replay waits at its first store.
    let (holding_tx, holding) = tokio::sync::oneshot::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let database = t.engine.database().clone();
    let held = tokio::spawn(async move {
        database
            .with_conn(move |_| {
                let _ = holding_tx.send(());
                let _ = released.recv();
                Ok(())
            })
            .await
    });
    holding.await.unwrap();

    let (status, job) = call(&t, Method::POST, "/api/v1/replay", Some(json!({}))).await;
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap().to_string();
    let (status, cancelled) = call(&t, Method::DELETE, &format!("/api/v1/jobs/{id}"), None).await;
    assert_eq!(status, 200, "{cancelled}");
    release.send(()).unwrap();
    held.await.unwrap().unwrap();

    let end = finished_job(&t, &id).await;
    assert_eq!(end["state"], "cancelled", "{end}");
    let done = end["done"].as_u64().unwrap();
    assert!(done <= 5, "stopped after at most the batch in hand: {end}");
    let stored = end["outcome"]["stored"].as_u64().unwrap();
    assert_eq!(stored, done, "{end}");
    assert_eq!(
        stored_events(&t).await,
        stored,
        "nothing stored after the cancel"
    );
    t.engine.shutdown().await;
}
