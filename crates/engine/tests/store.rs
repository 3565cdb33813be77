//! The store path on a real DuckDB file, fed by the real parsers from fixtures: dedup with
//! its audit and restore, sessions per source with their durations, and the DLQ functions
//! (limits, filters, edit-and-retry). The same path the writer, direct mode and retries use.

mod support;

use chrono::{DateTime, Duration, Utc};
use duckdb::Connection;

use cartographus_engine::dlq::retry::{retry, RetriedAs, RetryError};
use cartographus_engine::dlq::store::{self as dlq, Attempt, DlqFilter, DlqKind, NewEntry};
use cartographus_engine::event::{MediaEvent, Source};
use cartographus_engine::persist::store::{restore, store, Outcome, RestoreError};
use cartographus_engine::persist::{audit, events, sessions, Database};
use cartographus_engine::session::{Session, SessionState};
use cartographus_engine::sources::{parse, Incoming, Parsed};
use support::webhooks::fixture;

fn open() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    drop(Database::open(&dir.path().join("c.duckdb")).unwrap());
    let conn = Connection::open(dir.path().join("c.duckdb")).unwrap();
    (dir, conn)
}

/// Parses a fixture as its source would send it, arriving at `received_at`.
fn parsed(source: Source, path: &str, received_at: DateTime<Utc>) -> MediaEvent {
    let body = fixture(path);
    let incoming = Incoming {
        source,
        content_type: Some("application/json"),
        body: &body,
        received_at,
    };
    match parse(&incoming) {
        Ok(Parsed::Playback(event)) => event,
        other => panic!("{path}: {other:?}"),
    }
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn store_all(conn: &mut Connection, events: &[MediaEvent]) -> Vec<Outcome> {
    let items: Vec<_> = events.iter().cloned().map(|e| (e, None)).collect();
    store(conn, &items).unwrap()
}

fn all_sessions(conn: &Connection) -> Vec<Session> {
    sessions::list(conn, &sessions::SessionFilter::default(), None, 100)
        .unwrap()
        .into_iter()
        .map(|listed| listed.session)
        .collect()
}

/// The same playback as Tautulli and Plex report it. Plex's webhook carries no time: it
/// happened when it arrived, 3 s after Tautulli's.
fn one_playback_from_two_sources() -> (MediaEvent, MediaEvent) {
    (
        parsed(
            Source::Tautulli,
            "tautulli/play.json",
            at("2025-11-27T13:43:31Z"),
        ),
        parsed(
            Source::Plex,
            "plex/media.play.episode.json",
            at("2025-11-27T13:43:33Z"),
        ),
    )
}

#[test]
fn one_playback_from_tautulli_and_plex_is_stored_once_and_the_drop_can_be_restored() {
    let (_dir, mut conn) = open();
    let (tautulli, plex) = one_playback_from_two_sources();
    assert_ne!(tautulli.event_id, plex.event_id);

    let outcomes = store_all(&mut conn, std::slice::from_ref(&tautulli));
    assert!(matches!(outcomes[0], Outcome::Stored { .. }));
    let outcomes = store_all(&mut conn, std::slice::from_ref(&plex));
    assert!(
        matches!(&outcomes[0], Outcome::Duplicate { kept_event_id, .. } if *kept_event_id == tautulli.event_id)
    );
    assert_eq!(events::count_events(&conn).unwrap(), 1);

    let records = audit::list(&conn, audit::DedupFilter::default(), None, 10).unwrap();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record.kept_event_id, tautulli.event_id);
    assert_eq!(record.dropped_event_id, plex.event_id);
    assert_eq!(record.rule, "cross_source");
    assert_eq!(
        record.dropped, plex,
        "the audit keeps the whole dropped event"
    );

    // Sent again (a redelivery or a resend), the dropped one is not audited twice.
    store_all(&mut conn, std::slice::from_ref(&plex));
    assert_eq!(
        audit::list(&conn, audit::DedupFilter::default(), None, 10)
            .unwrap()
            .len(),
        1
    );

    let restored = restore(&mut conn, &record.id).unwrap();
    assert_eq!(restored.event_id, plex.event_id);
    assert_eq!(events::count_events(&conn).unwrap(), 2);
    assert_eq!(
        events::get(&conn, &plex.event_id).unwrap().unwrap().title,
        plex.title
    );
    assert!(audit::get(&conn, &record.id).unwrap().unwrap().restored);
    assert!(matches!(
        restore(&mut conn, &record.id),
        Err(RestoreError::AlreadyRestored(_))
    ));
    assert!(matches!(
        restore(&mut conn, "d-nope"),
        Err(RestoreError::NotFound(_))
    ));
    // Once restored, it is stored: another copy is a plain id duplicate.
    let again = store_all(&mut conn, &[plex]);
    assert!(again[0].is_duplicate());
    assert_eq!(events::count_events(&conn).unwrap(), 2);
}

#[test]
fn a_pair_inside_one_batch_is_caught_too() {
    let (_dir, mut conn) = open();
    let (tautulli, plex) = one_playback_from_two_sources();
    let outcomes = store_all(&mut conn, &[plex, tautulli]);
    assert!(matches!(outcomes[0], Outcome::Stored { .. }));
    assert!(outcomes[1].is_duplicate());
    assert_eq!(events::count_events(&conn).unwrap(), 1);
}

#[test]
fn a_tautulli_session_counts_play_and_pause_time_from_its_fixtures() {
    let (_dir, mut conn) = open();
    let names = ["play", "pause", "resume", "buffer", "watched", "stop"];
    let all: Vec<MediaEvent> = names
        .iter()
        .map(|n| parsed(Source::Tautulli, &format!("tautulli/{n}.json"), Utc::now()))
        .collect();
    // Each arrives in its own batch, as webhooks do.
    for event in &all {
        store_all(&mut conn, std::slice::from_ref(event));
    }
    let sessions = all_sessions(&conn);
    assert_eq!(sessions.len(), 1, "{sessions:#?}");
    let s = &sessions[0];
    assert_eq!(s.state, SessionState::Stopped);
    assert_eq!(s.started_at, at("2025-11-27T13:43:30Z"));
    assert_eq!(s.stopped_at, Some(at("2025-11-27T14:25:00Z")));
    // 13:43:30–13:53:52 playing, paused until 13:58:20, playing (buffering counts) to 14:25:00.
    assert_eq!(s.play_ms, ((622 + 1600) * 1000) as f64);
    assert_eq!(s.paused_ms, (268 * 1000) as f64);
    assert_eq!(s.last_position_ms, Some(1_980_000.0));
    assert_eq!(s.duration_ms, Some(2_712_000.0));
    assert_eq!(s.event_count, 6);
    assert_eq!(s.username.as_deref(), Some("dana"));
    assert_eq!(
        s.grandparent_title.as_deref(),
        Some("Harbor Lights"),
        "the show, for the live view"
    );
    assert_eq!(s.transcode_decision.as_deref(), Some("direct play"));
    assert!(!s.closed_by_timeout);
    let linked: i64 = conn
        .query_row(
            "SELECT count(*) FROM playback_events WHERE session_id = ?",
            [&s.session_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(linked, 6);
}

#[test]
fn plex_jellyfin_and_emby_sessions_follow_their_events() {
    let (_dir, mut conn) = open();
    let t = at("2025-11-27T20:00:00Z");
    let plex: Vec<MediaEvent> = [
        ("media.play.episode", 0),
        ("media.pause.episode", 300),
        ("media.resume.episode", 360),
        ("media.stop.episode", 900),
    ]
    .iter()
    .map(|(name, secs)| {
        parsed(
            Source::Plex,
            &format!("plex/{name}.json"),
            t + Duration::seconds(*secs),
        )
    })
    .collect();
    for event in &plex {
        store_all(&mut conn, std::slice::from_ref(event));
    }
    let jellyfin: Vec<MediaEvent> = ["PlaybackStart", "PlaybackProgress", "PlaybackStop"]
        .iter()
        .map(|n| parsed(Source::Jellyfin, &format!("jellyfin/{n}.json"), Utc::now()))
        .collect();
    store_all(&mut conn, &jellyfin);
    let emby: Vec<MediaEvent> = ["playback.start", "playback.pause"]
        .iter()
        .map(|n| parsed(Source::Emby, &format!("emby/{n}.json"), Utc::now()))
        .collect();
    store_all(&mut conn, &emby);

    let sessions = all_sessions(&conn);
    let of = |source| {
        sessions
            .iter()
            .find(|s| s.source == source)
            .unwrap_or_else(|| panic!("{source:?}: {sessions:#?}"))
    };
    let plex = of(Source::Plex);
    assert_eq!(
        (plex.state, plex.play_ms, plex.paused_ms),
        (SessionState::Stopped, 840_000.0, 60_000.0)
    );
    let jellyfin = of(Source::Jellyfin);
    assert_eq!(jellyfin.state, SessionState::Stopped);
    // UtcTimestamp 13:43:30.123 → 14:25:00.500, no pause (each span counted in whole ms).
    assert!(
        (jellyfin.play_ms - 2_490_377.0).abs() < 5.0,
        "{}",
        jellyfin.play_ms
    );
    assert_eq!(jellyfin.last_position_ms, Some(1_980_000.0));
    let emby = of(Source::Emby);
    assert_eq!(emby.state, SessionState::Paused);
    assert_eq!(sessions.len(), 3);
}

#[test]
fn a_new_start_on_the_same_player_closes_the_open_session_and_stale_ones_time_out() {
    let (_dir, mut conn) = open();
    let first = parsed(
        Source::Plex,
        "plex/media.play.episode.json",
        at("2025-11-27T20:00:00Z"),
    );
    let mut second = parsed(
        Source::Plex,
        "plex/media.play.episode.json",
        at("2025-11-27T21:00:00Z"),
    );
    // Plex's ids come from the payload alone; a real second playback differs in it.
    second.event_id = "a-second-playback".to_string();
    store_all(&mut conn, &[first]);
    store_all(&mut conn, &[second]);
    let sessions = all_sessions(&conn);
    assert_eq!(sessions.len(), 2);
    assert!(sessions[1].closed_by_timeout && sessions[1].state == SessionState::Stopped);
    assert!(sessions[0].is_open());

    // Silent by its events' clock, but the writer wrote it just now: not yet (an imported
    // start from long ago waits for its stop in the next batch).
    let closed = sessions::close_stale(&mut conn, at("2025-11-27T21:00:01Z")).unwrap();
    assert_eq!(closed, 0);
    // Silent by both clocks.
    let closed = sessions::close_stale(&mut conn, Utc::now() + Duration::seconds(1)).unwrap();
    assert_eq!(closed, 1);
    let sessions = all_sessions(&conn);
    assert!(sessions.iter().all(|s| s.closed_by_timeout && !s.is_open()));
}

fn dead_letter(kind: DlqKind, source: &str, payload: &[u8], minutes_ago: i64) -> NewEntry {
    NewEntry {
        kind,
        code: "invalid_json".to_string(),
        source: Some(source.to_string()),
        subject: None,
        attempts: vec![Attempt {
            at: Utc::now() - Duration::minutes(minutes_ago),
            error: format!("broken {source}"),
        }],
        payload: payload.to_vec(),
        content_type: None,
        headers: serde_json::Value::Null,
        event_id: None,
        stream_seq: None,
    }
}

/// Five refused Plex bodies (0–4 minutes old), a binary Emby one (1 minute), and a Tautulli
/// event that failed validation eight days ago.
fn seven_dead_letters() -> (tempfile::TempDir, Connection) {
    let (dir, conn) = open();
    for i in 0..5 {
        dlq::insert(
            &conn,
            &dead_letter(
                DlqKind::Rejected,
                "plex",
                format!("plex body {i}").as_bytes(),
                i,
            ),
        )
        .unwrap();
    }
    dlq::insert(
        &conn,
        &dead_letter(DlqKind::Rejected, "emby", b"\xff\xfe binary", 1),
    )
    .unwrap();
    dlq::insert(
        &conn,
        &dead_letter(DlqKind::Permanent, "tautulli", b"{}", 60 * 24 * 8),
    )
    .unwrap();
    (dir, conn)
}

fn listed(conn: &Connection, filter: DlqFilter) -> Vec<dlq::DlqEntry> {
    dlq::list(conn, &filter, None, 100).unwrap()
}

#[test]
fn dead_letters_are_filtered_by_source_kind_text_and_time() {
    let (_dir, conn) = seven_dead_letters();
    let by = |filter: DlqFilter| listed(&conn, filter).len();
    assert_eq!(by(DlqFilter::default()), 7);
    assert_eq!(
        by(DlqFilter {
            source: Some(Source::Plex),
            ..Default::default()
        }),
        5
    );
    assert_eq!(
        by(DlqFilter {
            kind: Some(DlqKind::Permanent),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        by(DlqFilter {
            q: Some("body 3".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        by(DlqFilter {
            q: Some("100%".into()),
            ..Default::default()
        }),
        0,
        "% is a character"
    );
    assert_eq!(
        by(DlqFilter {
            since: Some(Utc::now() - Duration::seconds(150)),
            ..Default::default()
        }),
        4
    );
}

#[test]
fn a_payload_that_is_not_utf8_is_shown_as_base64() {
    let (_dir, conn) = seven_dead_letters();
    let binary = &listed(
        &conn,
        DlqFilter {
            source: Some(Source::Emby),
            ..Default::default()
        },
    )[0];
    assert_eq!(binary.payload_encoding, "base64");
}

#[test]
fn dead_letters_page_newest_first_without_overlap_or_gap() {
    let (_dir, conn) = seven_dead_letters();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = dlq::list(&conn, &DlqFilter::default(), after.clone(), 2).unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|e| (e.last_failed_at, e.id.clone()));
        seen.extend(page.into_iter().map(|e| e.id));
    }
    assert_eq!(seen.len(), 7);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7);
}

#[test]
fn only_refused_bodies_expire_after_seven_days() {
    let (_dir, conn) = seven_dead_letters();
    assert_eq!(
        dlq::expire(&conn, Utc::now()).unwrap(),
        0,
        "an acknowledged event's entry never expires, however old"
    );
    dlq::insert(
        &conn,
        &dead_letter(DlqKind::Rejected, "tautulli", b"{", 60 * 24 * 8),
    )
    .unwrap();
    assert_eq!(
        dlq::expire(&conn, Utc::now()).unwrap(),
        1,
        "a refused body older than 7 days"
    );
}

#[test]
fn a_purge_deletes_what_its_filter_matches_and_nothing_else() {
    let (_dir, conn) = seven_dead_letters();
    assert_eq!(
        dlq::purge(
            &conn,
            &DlqFilter {
                source: Some(Source::Plex),
                ..Default::default()
            }
        )
        .unwrap(),
        5
    );
    assert_eq!(dlq::count(&conn).unwrap(), 2);
}

#[test]
fn refused_bodies_are_capped_per_source_and_nothing_else_is_evicted() {
    let (_dir, conn) = open();
    conn.execute_batch(
        "INSERT INTO dlq_entries (id, kind, source, error, attempts, first_failed_at, last_failed_at)
         SELECT 'old-' || i, 'rejected', 'plex', 'x', '[]', now()::TIMESTAMP - INTERVAL 1 HOUR + i * INTERVAL 1 MILLISECOND,
                now()::TIMESTAMP - INTERVAL 1 HOUR + i * INTERVAL 1 MILLISECOND
         FROM range(10000) t(i)",
    )
    .unwrap();
    // Older than the flood: an acknowledged event's entry, and another source's body.
    let exhausted =
        dlq::insert(&conn, &dead_letter(DlqKind::Exhausted, "plex", b"e", 600)).unwrap();
    let other = dlq::insert(&conn, &dead_letter(DlqKind::Rejected, "emby", b"o", 600)).unwrap();
    assert_eq!((exhausted.evicted, other.evicted), (0, 0));

    let newest = dlq::insert(&conn, &dead_letter(DlqKind::Rejected, "plex", b"new", 0)).unwrap();
    assert_eq!(newest.evicted, 1);
    assert_eq!(dlq::count(&conn).unwrap(), 10_002);
    assert!(dlq::get(&conn, &newest.id).unwrap().is_some());
    assert!(
        dlq::get(&conn, "old-0").unwrap().is_none(),
        "the oldest refused plex body made room"
    );
    assert!(dlq::get(&conn, "old-1").unwrap().is_some());
    assert!(dlq::get(&conn, &exhausted.id).unwrap().is_some());
    assert!(dlq::get(&conn, &other.id).unwrap().is_some());
}

#[test]
fn a_refused_body_fixed_by_an_edit_is_stored_once_and_leaves_the_dlq() {
    let (_dir, mut conn) = open();
    let good = fixture("tautulli/play.json");
    let broken = &good[..good.len() / 2];
    let id = dlq::insert(
        &conn,
        &dead_letter(DlqKind::Rejected, "tautulli", broken, 0),
    )
    .unwrap()
    .id;

    // Unchanged, it fails again and keeps the attempt.
    let err = retry(&mut conn, &id, None, Utc::now()).unwrap_err();
    assert!(matches!(err, RetryError::StillFailing { .. }), "{err}");
    let entry = dlq::get(&conn, &id).unwrap().unwrap();
    assert_eq!(entry.attempts.len(), 2);
    assert!(entry.error.starts_with("retry: "), "{}", entry.error);

    let retried = retry(&mut conn, &id, Some(&good), Utc::now()).unwrap();
    assert!(matches!(retried.result, RetriedAs::Stored));
    assert!(dlq::get(&conn, &id).unwrap().is_none());
    assert_eq!(events::count_events(&conn).unwrap(), 1);
    assert!(matches!(
        retry(&mut conn, &id, None, Utc::now()),
        Err(RetryError::NotFound(_))
    ));

    // The same body dead-lettered again (a second copy) lands as a duplicate, not a row.
    let again = dlq::insert(&conn, &dead_letter(DlqKind::Rejected, "tautulli", &good, 0))
        .unwrap()
        .id;
    assert!(matches!(
        retry(&mut conn, &again, None, Utc::now()).unwrap().result,
        RetriedAs::Duplicate
    ));
    assert_eq!(events::count_events(&conn).unwrap(), 1);
    assert_eq!(dlq::count(&conn).unwrap(), 0);
}

#[test]
fn an_invalid_event_stays_dead_until_its_payload_is_fixed() {
    let (_dir, mut conn) = open();
    let mut event = parsed(Source::Tautulli, "tautulli/play.json", Utc::now());
    event.occurred_at = at("1970-01-02T00:00:00Z");
    let payload = serde_json::to_vec(&event).unwrap();
    let id = dlq::insert(
        &conn,
        &dead_letter(DlqKind::Permanent, "tautulli", &payload, 0),
    )
    .unwrap()
    .id;
    let err = retry(&mut conn, &id, None, Utc::now()).unwrap_err();
    assert!(err.to_string().contains("occurred_at"), "{err}");

    event.occurred_at = at("2025-11-27T13:43:30Z");
    let fixed = serde_json::to_vec(&event).unwrap();
    let retried = retry(&mut conn, &id, Some(&fixed), Utc::now()).unwrap();
    assert_eq!(retried.event_id.as_deref(), Some(event.event_id.as_str()));
    assert_eq!(events::count_events(&conn).unwrap(), 1);
}

#[test]
fn history_pages_in_time_order_across_sparse_and_dense_stretches() {
    let (_dir, mut conn) = open();
    // Dense minutes, then gaps of days and months: every probe width gets used.
    let base = parsed(Source::Tautulli, "tautulli/play.json", Utc::now());
    let offsets: Vec<i64> = (0..12)
        .map(|i| i * 60)
        .chain([3 * 86_400, 40 * 86_400, 41 * 86_400, 400 * 86_400])
        .collect();
    let events: Vec<MediaEvent> = offsets
        .iter()
        .map(|secs| {
            let mut e = base.clone();
            e.event_id = format!("e{secs:012}");
            e.session_key = Some(format!("k{secs}"));
            e.occurred_at = at("2024-01-01T00:00:00Z") + Duration::seconds(*secs);
            e
        })
        .collect();
    store_all(&mut conn, &events);
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let filter = events::EventFilter::default();
        let page = events::list(&conn, &filter, after.as_ref(), 5).unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|e| (e.occurred_at, e.event_id.clone()));
        seen.extend(page.into_iter().map(|e| e.occurred_at));
    }
    let mut expected: Vec<_> = events.iter().map(|e| e.occurred_at).collect();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, expected, "newest first, each once");
}
