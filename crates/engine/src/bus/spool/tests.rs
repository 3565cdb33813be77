use std::collections::BTreeMap;

use chrono::Utc;

use super::*;
use crate::event::{EventType, MediaType, Source};

fn event(n: usize) -> MediaEvent {
    MediaEvent {
        event_id: format!("id-{n}"),
        event_type: EventType::Start,
        source: Source::Tautulli,
        server_id: None,
        server_name: None,
        session_key: Some(n.to_string()),
        correlation_key: format!("p|{n}|start"),
        occurred_at: Utc::now(),
        received_at: Utc::now(),
        user_id: None,
        username: None,
        media_type: MediaType::Movie,
        title: Some("A film".into()),
        parent_title: None,
        grandparent_title: None,
        rating_key: None,
        year: None,
        duration_ms: None,
        view_offset_ms: None,
        player: None,
        platform: None,
        product: None,
        device: None,
        machine_id: None,
        ip_address: None,
        location: None,
        transcode_decision: None,
        video_resolution: None,
        raw: serde_json::Value::Object(serde_json::Map::new()),
    }
}

fn ids_on_disk(dir: &Path) -> Vec<String> {
    segment::list_segments(dir)
        .unwrap()
        .into_iter()
        .flat_map(|id| segment::read_records(&segment::segment_path(dir, id)).unwrap())
        .map(|record| {
            serde_json::from_slice::<MediaEvent>(&record)
                .unwrap()
                .event_id
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appends_are_all_durable_in_arrival_order_per_sender() {
    let dir = tempfile::tempdir().unwrap();
    let spool = Spool::open(dir.path(), 1 << 30).unwrap();
    let mut tasks = Vec::new();
    for sender in 0..8 {
        let spool = spool.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..50 {
                spool.append(&event(sender * 1000 + i)).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(spool.pending(), 400);
    let ids = ids_on_disk(dir.path());
    assert_eq!(ids.len(), 400);
    // Each sender's events keep their order.
    let mut last: BTreeMap<usize, usize> = BTreeMap::new();
    for id in ids {
        let n: usize = id.trim_start_matches("id-").parse().unwrap();
        let (sender, i) = (n / 1000, n % 1000);
        if let Some(previous) = last.insert(sender, i) {
            assert!(i > previous, "sender {sender}: {i} after {previous}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsent_events_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let spool = Spool::open(dir.path(), 1 << 30).unwrap();
        for n in 0..10 {
            spool.append(&event(n)).await.unwrap();
        }
    }
    let reopened = Spool::open(dir.path(), 1 << 30).unwrap();
    assert_eq!(reopened.pending(), 10);
    let sealed = reopened.seal().await.unwrap();
    assert!(!sealed.is_empty());
    // Half of the first segment acknowledged before a crash: only the rest is pending.
    segment::write_cursor(&sealed[0], 4).unwrap();
    let again = Spool::open(dir.path(), 1 << 30).unwrap();
    assert_eq!(again.pending(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_spool_refuses_with_a_clear_error_and_keeps_what_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let one = serde_json::to_vec(&event(0)).unwrap().len() as u64 + 8;
    let spool = Spool::open(dir.path(), one * 3).unwrap();
    for n in 0..3 {
        spool.append(&event(n)).await.unwrap();
    }
    let err = spool.append(&event(3)).await.unwrap_err();
    assert!(matches!(err, SpoolError::Full { .. }), "{err}");
    assert!(err.to_string().contains("full"), "{err}");
    assert_eq!(spool.pending(), 3);
    assert_eq!(ids_on_disk(dir.path()).len(), 3);
}
