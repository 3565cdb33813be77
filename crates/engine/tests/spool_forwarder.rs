//! The spool forwarder with the real sidecar and DuckDB: a record that can never be
//! published (too large, no stream for its subject, unreadable) becomes a dead letter and
//! the records behind it are still forwarded and stored.

mod support;

use std::time::Duration;

use bytes::Bytes;
use cartographus_engine::bus::publisher::Outgoing;
use cartographus_engine::bus::spool::{record, segment};
use cartographus_engine::config::ConfigLayer;
use cartographus_engine::dlq::store::{DlqEntry, DlqFilter, DlqKind};
use cartographus_engine::event::{MediaEvent, Source};
use cartographus_engine::sources::{self, Incoming, Parsed};
use cartographus_engine::testkit::freeze;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::json;
use support::load::tautulli_play;
use support::*;

fn event(n: usize) -> MediaEvent {
    let body = tautulli_play(n);
    let incoming = Incoming {
        source: Source::Tautulli,
        content_type: Some("application/json"),
        body: &body,
        received_at: chrono::Utc::now(),
    };
    match sources::parse(&incoming).unwrap() {
        Parsed::Playback(event) => event,
        _ => panic!("fixture {n} is not a playback"),
    }
}

async fn dead_letters(t: &TestEngine) -> Vec<DlqEntry> {
    t.engine
        .handle()
        .dlq_entries(DlqFilter::default(), Default::default())
        .await
        .unwrap()
        .items
}

async fn wait_drained_and_stored(t: &TestEngine, stored: u64) {
    let spool = t.engine.spool().unwrap().clone();
    wait_for(
        "the spool drained and every event stored",
        Duration::from_secs(30),
        || {
            let spool = spool.clone();
            async move { (spool.pending() == 0 && stored_events(t).await == stored).then_some(()) }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_jetstream_can_never_take_are_dead_lettered_and_the_rest_forwarded() {
    let t = TestEngine::start(ConfigLayer::default()).await;
    let spool = t.engine.spool().unwrap().clone();
    let nats = Pid::from_raw(sidecar_pid(&t) as i32);
    // Stopped, so everything below waits in the spool, in this order.
    freeze(sidecar_pid(&t)).await;
    let too_big = json!({ "event_id": "too-big", "raw": "x".repeat(9 * 1024 * 1024) });
    let too_big = Outgoing {
        subject: "playback.tautulli.movie".into(),
        msg_id: "too-big".into(),
        payload: Bytes::from(serde_json::to_vec(&too_big).unwrap()),
    };
    spool.append(&too_big).await.unwrap();
    let mut nowhere = Outgoing::from_event(&event(1_000)).unwrap();
    nowhere.subject = "nowhere.tautulli.movie".into();
    spool.append(&nowhere).await.unwrap();
    for n in 0..10 {
        let (status, answer) =
            support::webhooks::post(&t, "tautulli", "application/json", tautulli_play(n)).await;
        assert_eq!(status, 202, "{answer}");
        assert_eq!(answer["spooled"], true, "{answer}");
    }
    kill(nats, Signal::SIGCONT).unwrap();

    wait_drained_and_stored(&t, 10).await;
    let entries = dead_letters(&t).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    let with_code = |code: &str| {
        entries
            .iter()
            .find(|e| e.code.as_deref() == Some(code))
            .unwrap_or_else(|| panic!("no {code} entry: {entries:?}"))
    };
    let (no_stream, big) = (with_code("no_stream"), with_code("event_too_large"));
    assert_eq!(big.event_id.as_deref(), Some("too-big"));
    assert_eq!(big.kind, DlqKind::Permanent);
    assert_eq!(big.payload_bytes as usize, too_big.payload.len());
    assert_eq!(no_stream.event_id.as_deref(), Some(nowhere.msg_id.as_str()));
    assert_eq!(no_stream.subject.as_deref(), Some("nowhere.tautulli.movie"));
    assert_eq!(no_stream.source.as_deref(), Some("tautulli"));
    // The event itself is kept: a retry stores it.
    t.engine
        .handle()
        .dlq_retry(&no_stream.id, None)
        .await
        .unwrap();
    assert_eq!(stored_events(&t).await, 11);
    t.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_records_are_dead_lettered_and_draining_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let spool_dir = dir.path().join("spool");
    std::fs::create_dir_all(&spool_dir).unwrap();
    let readable = |n| {
        record::encode(
            &Outgoing::from_event(&event(n)).unwrap(),
            chrono::Utc::now(),
        )
        .unwrap()
    };
    // What an older version spooled: the bare event JSON.
    let legacy = serde_json::to_vec(&event(2)).unwrap();
    let garbage = b"\x07checksummed, but not a record".to_vec();
    let mut segment_bytes = Vec::new();
    for bytes in [readable(1), legacy.clone(), garbage.clone(), readable(3)] {
        segment::encode(&bytes, &mut segment_bytes);
    }
    std::fs::write(segment::segment_path(&spool_dir, 0), segment_bytes).unwrap();

    let t = TestEngine::start_in(dir, ConfigLayer::default()).await;
    wait_drained_and_stored(&t, 2).await;
    let entries = dead_letters(&t).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    for entry in &entries {
        assert_eq!(entry.kind, DlqKind::Permanent);
        assert_eq!(entry.code.as_deref(), Some("spool_record_unreadable"));
    }
    let legacy_entry = entries
        .iter()
        .find(|e| e.event_id == Some(event(2).event_id))
        .expect("the legacy record, found by its event id");
    assert_eq!(legacy_entry.payload.as_bytes(), legacy.as_slice());
    assert!(entries
        .iter()
        .any(|e| e.payload.as_bytes() == garbage.as_slice()));
    assert!(
        segment::list_segments(&t.dir.path().join("spool"))
            .unwrap()
            .iter()
            .all(|id| *id > 0),
        "the drained segment is gone"
    );
    // Nothing is lost to the upgrade: the legacy record's event can still be stored.
    t.engine
        .handle()
        .dlq_retry(&legacy_entry.id, None)
        .await
        .unwrap();
    assert_eq!(stored_events(&t).await, 3);
    t.engine.shutdown().await;
}
