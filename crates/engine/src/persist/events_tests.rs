//! Tests of `events.rs`: the candidate lookup whichever form its key lists take.
use super::*;
use crate::event::EventType::Start;
use crate::event::Source::{Plex, Tautulli};
use crate::testkit::event;

fn candidate_ids(conn: &Connection, batch: &[MediaEvent]) -> Vec<String> {
    let refs: Vec<&MediaEvent> = batch.iter().collect();
    let mut ids: Vec<String> = candidates(conn, &refs)
        .unwrap()
        .into_iter()
        .map(|c| c.event_id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn candidates_are_found_by_id_and_key_whichever_form_the_query_takes() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = super::super::db::open_for_tests(&dir.path().join("c.duckdb"));
    let plain = event(Tautulli, Start, 0);
    let mut odd = event(Tautulli, Start, 10);
    odd.event_id = "odd".into();
    odd.correlation_key = "a\u{1f}b".into();
    let tx = conn.transaction().unwrap();
    insert_many(&tx, &[(&plain, None, None), (&odd, None, None)]).unwrap();
    tx.commit().unwrap();

    // The same play from another source: found by its correlation key (one list).
    let mut twin = event(Plex, Start, 4);
    twin.correlation_key = plain.correlation_key.clone();
    assert_eq!(
        in_list([twin.correlation_key.as_str()].into_iter())
            .values
            .len(),
        1
    );
    assert_eq!(candidate_ids(&conn, &[twin.clone()]), ["tautulli-start-0"]);

    // A key holding the separator takes the placeholder form and is still found.
    let mut odd_twin = event(Plex, Start, 12);
    odd_twin.correlation_key = odd.correlation_key.clone();
    assert_eq!(
        in_list([odd_twin.correlation_key.as_str()].into_iter())
            .values
            .len(),
        1
    );
    assert!(in_list(["a", "a\u{1f}b"].into_iter())
        .sql
        .starts_with("?, ?"));
    assert_eq!(
        candidate_ids(&conn, &[twin, odd_twin]),
        ["odd", "tautulli-start-0"]
    );

    // By id alone, whatever its time.
    let mut resent = plain.clone();
    resent.correlation_key = "elsewhere".into();
    resent.occurred_at += chrono::Duration::days(30);
    assert_eq!(candidate_ids(&conn, &[resent]), ["tautulli-start-0"]);
}
