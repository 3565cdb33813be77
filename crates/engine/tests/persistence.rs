//! The whole chain with real parts — HTTP webhooks, the nats-server sidecar, the `persist`
//! consumer, a DuckDB file: events stored once, duplicates audited, write failures backed
//! off then dead-lettered and retried, replay, and the direct path doing the same.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::dlq::store::{DlqFilter, DlqKind};
use cartographus_engine::error::CodedError;
use cartographus_engine::handle::page::PageRequest;
use cartographus_engine::handle::RetrySelection;
use cartographus_engine::jobs::JobState;
use cartographus_engine::persist::replay::{Bound, ReplayRange};
use cartographus_engine::persist::Database;
use serde_json::Value;
use support::webhooks::{fixture, post};
use support::{load, stored_events, wait_for, TestEngine};

fn fast_writer() -> ConfigLayer {
    ConfigLayer {
        writer_flush_interval: Some(Duration::from_millis(100)),
        ..ConfigLayer::default()
    }
}

/// The Tautulli play fixture, happening now (so Plex's arrival-time event is in its window).
fn tautulli_play_now() -> Vec<u8> {
    let mut body: Value = serde_json::from_slice(&fixture("tautulli/play.json")).unwrap();
    let now = chrono::Utc::now();
    body["unixtime"] = Value::String(now.timestamp().to_string());
    body["utctime"] = Value::String(now.format("%Y-%m-%dT%H:%M:%S").to_string());
    serde_json::to_vec(&body).unwrap()
}

async fn wait_stored(t: &TestEngine, n: u64) {
    wait_for(
        &format!("{n} stored events"),
        Duration::from_secs(30),
        || async { (stored_events(t).await == n).then_some(()) },
    )
    .await;
}

async fn dlq_total(t: &TestEngine) -> usize {
    let page = t
        .engine
        .handle()
        .dlq_entries(
            DlqFilter::default(),
            PageRequest {
                cursor: None,
                limit: Some(500),
            },
        )
        .await
        .unwrap();
    page.items.len()
}

/// A real DuckDB failure for every write of an event: the table is gone.
async fn break_writes(db: &Database) {
    rename_events_table(db, "ALTER TABLE playback_events RENAME TO away").await;
}

async fn mend_writes(db: &Database) {
    rename_events_table(db, "ALTER TABLE away RENAME TO playback_events").await;
}

async fn rename_events_table(db: &Database, sql: &'static str) {
    db.with_conn(move |conn| Ok(conn.execute_batch(sql)?))
        .await
        .unwrap();
}

async fn one_playback_from_two_sources_is_stored_once(t: &TestEngine) {
    let (status, tautulli) = post(t, "tautulli", "application/json", tautulli_play_now()).await;
    assert_eq!(status, 202, "{tautulli}");
    let (status, plex) = post(
        t,
        "plex",
        "application/json",
        fixture("plex/media.play.episode.json"),
    )
    .await;
    assert_eq!(status, 202, "{plex}");
    let engine = t.engine.handle();
    let records = wait_for("the dedup record", Duration::from_secs(30), || async {
        let page = engine
            .dedup_records(Default::default(), PageRequest::default())
            .await
            .unwrap();
        (!page.items.is_empty()).then_some(page.items)
    })
    .await;
    assert_eq!(stored_events(t).await, 1);
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].kept_event_id,
        tautulli["event_id"].as_str().unwrap()
    );
    assert_eq!(
        records[0].dropped_event_id,
        plex["event_id"].as_str().unwrap()
    );
    let stats = engine.stats().await.unwrap();
    assert_eq!(stats.duplicates_dropped, 1);
    assert_eq!(
        stats.duplicates_by_rule,
        [("cross_source".to_string(), 1)].into_iter().collect()
    );

    let restored = engine.restore_duplicate(&records[0].id).await.unwrap();
    assert_eq!(restored.event_id, records[0].dropped_event_id);
    assert_eq!(stored_events(t).await, 2);
    let again = engine.restore_duplicate(&records[0].id).await.unwrap_err();
    assert_eq!(again.code(), "conflict");
    let sessions = engine
        .sessions(Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(sessions.items.len(), 1, "both reports are one playback");
}

#[tokio::test]
async fn jetstream_path_stores_a_tautulli_plex_pair_once_and_restores_the_drop() {
    let t = TestEngine::start(fast_writer()).await;
    assert!(t.engine.bus().is_some());
    one_playback_from_two_sources_is_stored_once(&t).await;
    t.engine.shutdown().await;
}

#[tokio::test]
async fn direct_path_stores_a_tautulli_plex_pair_once_and_restores_the_drop() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..ConfigLayer::default()
    })
    .await;
    assert!(t.engine.bus().is_none());
    one_playback_from_two_sources_is_stored_once(&t).await;
    t.engine.shutdown().await;
}

#[tokio::test]
async fn write_failures_back_off_then_dead_letter_and_a_retry_stores_each_once() {
    let t = TestEngine::start(fast_writer()).await;
    let engine = t.engine.handle();
    // A real DuckDB failure: the table the writer inserts into is gone.
    break_writes(t.engine.database()).await;
    let mut acked = HashSet::new();
    for n in 0..3 {
        acked.insert(load::post(&t, n).await.expect("202 while DuckDB fails"));
    }
    // Five deliveries, 1 + 2 + 4 + 8 s apart (±10%), then the DLQ.
    let started = std::time::Instant::now();
    wait_for(
        "three exhausted dead letters",
        Duration::from_secs(40),
        || async { (dlq_total(&t).await == 3).then_some(()) },
    )
    .await;
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(13),
        "backoff was skipped: {waited:?}"
    );
    let entries = engine
        .dlq_entries(
            DlqFilter {
                kind: Some(DlqKind::Exhausted),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(entries.len(), 3);
    for entry in &entries {
        assert_eq!(
            entry.attempts.len(),
            5,
            "one attempt per delivery: {entry:?}"
        );
        assert!(
            entry.error.contains("away") || entry.error.contains("playback_events"),
            "{}",
            entry.error
        );
        assert!(acked.contains(entry.event_id.as_deref().unwrap()));
        assert!(entry
            .subject
            .as_deref()
            .unwrap()
            .starts_with("playback.tautulli."));
    }

    // The cause goes away; a bulk retry by filter stores each event once.
    mend_writes(t.engine.database()).await;
    let stats = engine.stats().await.unwrap();
    assert_eq!(
        stats.writer.naks, 12,
        "four naks per event: {:?}",
        stats.writer
    );
    assert_eq!(stats.writer.dead_lettered, 3);
    assert_eq!(stats.dlq_by_kind.get("exhausted"), Some(&3));
    let job = engine
        .dlq_retry_many(RetrySelection {
            ids: None,
            filter: DlqFilter {
                source: Some(cartographus_engine::event::Source::Tautulli),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    assert_eq!(job.total, 3);
    let done = wait_for("the retry job", Duration::from_secs(10), || async {
        let status = engine.job(&job.id).unwrap();
        (status.state != JobState::Running).then_some(status)
    })
    .await;
    assert_eq!((done.state, done.done, done.failed), (JobState::Done, 3, 0));
    assert_eq!(stored_events(&t).await, 3);
    assert_eq!(dlq_total(&t).await, 0);
    for id in &acked {
        assert_eq!(&engine.event(id).await.unwrap().event_id, id);
    }
    t.engine.shutdown().await;
}

#[tokio::test]
async fn replay_of_the_stream_restores_lost_rows_exactly_once() {
    let t = TestEngine::start(fast_writer()).await;
    let engine = t.engine.handle();
    for n in 0..20 {
        load::post(&t, n).await.expect("202");
    }
    wait_stored(&t, 20).await;
    // Replaying what is stored changes nothing.
    let job = engine.replay(ReplayRange::default()).unwrap();
    let finished = |id: String| {
        let engine = engine.clone();
        async move {
            wait_for("the replay", Duration::from_secs(30), || async {
                let status = engine.job(&id).unwrap();
                (status.state != JobState::Running).then_some(status)
            })
            .await
        }
    };
    let status = finished(job.id).await;
    assert_eq!(
        (status.state, status.done, status.total),
        (JobState::Done, 20, 20)
    );
    assert_eq!(stored_events(&t).await, 20);

    // Rows lost from DuckDB come back from the stream, once, and only those in the range.
    t.engine
        .database()
        .with_conn(|conn| {
            Ok(conn.execute_batch("DELETE FROM playback_events WHERE stream_seq > 10")?)
        })
        .await
        .unwrap();
    assert_eq!(stored_events(&t).await, 10);
    let job = engine
        .replay(ReplayRange {
            from: Some(Bound::Seq(11)),
            to: Some(Bound::Seq(15)),
        })
        .unwrap();
    let status = finished(job.id).await;
    assert_eq!((status.done, status.total), (5, 5));
    assert_eq!(stored_events(&t).await, 15);
    let job = engine
        .replay(ReplayRange {
            from: Some(Bound::Seq(1)),
            to: None,
        })
        .unwrap();
    finished(job.id).await;
    assert_eq!(stored_events(&t).await, 20);
    t.engine.shutdown().await;
}

#[tokio::test]
async fn replay_is_refused_on_the_direct_path() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..ConfigLayer::default()
    })
    .await;
    let err = t
        .engine
        .handle()
        .replay(ReplayRange::default())
        .unwrap_err();
    assert_eq!(err.code(), "unavailable");
    t.engine.shutdown().await;
}

#[tokio::test]
async fn the_direct_path_dead_letters_what_it_cannot_store_and_answers_202() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..ConfigLayer::default()
    })
    .await;
    let engine = t.engine.handle();
    break_writes(t.engine.database()).await;
    let id = load::post(&t, 1)
        .await
        .expect("durable in the DLQ, so accepted");
    assert_eq!(dlq_total(&t).await, 1);
    mend_writes(t.engine.database()).await;
    let entry = &engine
        .dlq_entries(DlqFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .items[0];
    let retried = engine.dlq_retry(&entry.id, None).await.unwrap();
    assert_eq!(retried.event_id.as_deref(), Some(id.as_str()));
    assert_eq!(stored_events(&t).await, 1);
    assert_eq!(dlq_total(&t).await, 0);
    t.engine.shutdown().await;
}
