use std::collections::BTreeMap;

use bytes::Bytes;

use super::*;

fn message(n: usize) -> Outgoing {
    Outgoing {
        subject: "playback.tautulli.movie".into(),
        msg_id: format!("id-{n}"),
        payload: Bytes::from(format!("{{\"event_id\":\"id-{n}\",\"title\":\"A film\"}}")),
    }
}

fn records_on_disk(dir: &Path) -> Vec<record::Record> {
    segment::list_segments(dir)
        .unwrap()
        .into_iter()
        .flat_map(|id| segment::read_records(&segment::segment_path(dir, id)).unwrap())
        .map(|bytes| record::decode(&bytes).unwrap())
        .collect()
}

fn ids_on_disk(dir: &Path) -> Vec<String> {
    records_on_disk(dir)
        .into_iter()
        .map(|record| record.message.msg_id)
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
                spool.append(&message(sender * 1000 + i)).await.unwrap();
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
async fn a_record_is_the_published_message_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let spool = Spool::open(dir.path(), 1 << 30).unwrap();
    let before = Utc::now();
    spool.append(&message(7)).await.unwrap();
    let records = records_on_disk(dir.path());
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].message, message(7));
    assert!(records[0].spooled_at >= before - chrono::Duration::milliseconds(1));
}

/// Pending, bytes and age come from the segments and their cursors, whatever ran before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_bytes_and_age_after_a_reopen_come_from_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let mut spooled_at = Vec::new();
    {
        let spool = Spool::open(dir.path(), 1 << 30).unwrap();
        for n in 0..10 {
            if n == 6 {
                // A second segment.
                spool.seal().await.unwrap();
            }
            spooled_at.push(Utc::now());
            spool.append(&message(n)).await.unwrap();
        }
    }
    let reopened = Spool::open(dir.path(), 1 << 30).unwrap();
    assert_eq!(reopened.pending(), 10);
    let sealed = reopened.seal().await.unwrap();
    assert_eq!(sealed.len(), 2, "{sealed:?}");
    // Four records of the first segment acknowledged before a crash.
    segment::write_cursor(&sealed[0], 4).unwrap();
    let again = Spool::open(dir.path(), 1 << 30).unwrap();
    assert_eq!(again.pending(), 6);
    let on_disk: u64 = sealed
        .iter()
        .map(|path| std::fs::metadata(path).unwrap().len())
        .sum();
    assert_eq!(again.bytes(), on_disk);
    let oldest = again.oldest_pending_at().unwrap();
    let window = chrono::Duration::milliseconds(2);
    assert!(
        oldest >= spooled_at[4] - window && oldest < spooled_at[5] + window,
        "the oldest unsent record is the fifth: {oldest} vs {:?}",
        &spooled_at[4..6]
    );
    // The whole first segment acknowledged: the age moves to the second one.
    segment::write_cursor(&sealed[0], 6).unwrap();
    let drained_first = Spool::open(dir.path(), 1 << 30).unwrap();
    assert_eq!(drained_first.pending(), 4);
    assert!(drained_first.oldest_pending_at().unwrap() >= spooled_at[6] - window);
}

/// The case: a cursor left behind after its segment was deleted, and the spool
/// otherwise empty. It must neither skip the first records of a new segment nor let a new
/// segment take its id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_left_without_its_segment_never_skips_new_records() {
    let dir = tempfile::tempdir().unwrap();
    let orphan = segment::segment_path(dir.path(), 0);
    segment::write_cursor(&orphan, 3).unwrap();
    {
        let spool = Spool::open(dir.path(), 1 << 30).unwrap();
        for n in 0..5 {
            spool.append(&message(n)).await.unwrap();
        }
        assert_eq!(spool.pending(), 5);
    }
    assert!(
        segment::list_cursors(dir.path()).unwrap().is_empty(),
        "the orphan cursor is removed"
    );
    let ids = segment::list_segments(dir.path()).unwrap();
    assert!(!ids.contains(&0), "id 0 was used before: {ids:?}");
    let reopened = Spool::open(dir.path(), 1 << 30).unwrap();
    assert_eq!(reopened.pending(), 5, "no record skipped");
    assert_eq!(
        ids_on_disk(dir.path()),
        (0..5).map(|n| format!("id-{n}")).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segment_ids_only_grow_across_reopens_and_empty_segments_go() {
    let dir = tempfile::tempdir().unwrap();
    let mut highest = None;
    for round in 0..4 {
        let spool = Spool::open(dir.path(), 1 << 30).unwrap();
        if round == 1 {
            spool.append(&message(1)).await.unwrap();
        }
        let ids = segment::list_segments(dir.path()).unwrap();
        let newest = *ids.last().unwrap();
        assert!(highest.is_none_or(|h| newest > h), "round {round}: {ids:?}");
        highest = Some(newest);
        // Only the active segment and the one holding the record: no empty leftovers.
        assert!(ids.len() <= 2, "round {round}: {ids:?}");
    }
    assert_eq!(ids_on_disk(dir.path()), vec!["id-1".to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_spool_refuses_with_a_clear_error_and_keeps_what_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let one = record::encode(&message(0), Utc::now()).unwrap().len() as u64 + 8;
    let spool = Spool::open(dir.path(), one * 3).unwrap();
    for n in 0..3 {
        spool.append(&message(n)).await.unwrap();
    }
    let err = spool.append(&message(3)).await.unwrap_err();
    assert!(matches!(err, SpoolError::Full { .. }), "{err}");
    assert_eq!(err.code(), "spool_full");
    assert!(err.to_string().contains("full"), "{err}");
    assert_eq!(spool.pending(), 3);
    assert_eq!(ids_on_disk(dir.path()).len(), 3);
}
