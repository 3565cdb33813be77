//! The dead-letter bounds remove only refused bodies, and only their own source's: a flood
//! of bad bodies from one sender never deletes the entries of acknowledged events
//! (`exhausted`, `permanent`) nor another source's, and every eviction is counted.

mod support;

use std::collections::BTreeMap;

use cartographus_engine::config::ConfigLayer;
use cartographus_engine::dlq::store::{self, Attempt, DlqKind, NewEntry};
use cartographus_engine::dlq::MAX_REJECTED_PER_SOURCE;
use support::webhooks::post;
use support::TestEngine;

fn entry(kind: DlqKind, source: &str, hours_ago: i64) -> NewEntry {
    NewEntry {
        kind,
        code: "store_failed".to_string(),
        source: Some(source.to_string()),
        subject: None,
        attempts: vec![Attempt {
            at: chrono::Utc::now() - chrono::Duration::hours(hours_ago),
            error: "an old failure".to_string(),
        }],
        payload: b"{}".to_vec(),
        content_type: None,
        headers: serde_json::Value::Null,
        event_id: None,
        stream_seq: None,
    }
}

/// (kind, source) → entries.
async fn census(t: &TestEngine) -> BTreeMap<(String, String), i64> {
    t.engine
        .database()
        .with_conn(|conn| {
            let mut statement =
                conn.prepare("SELECT kind, source, count(*) FROM dlq_entries GROUP BY ALL")?;
            let rows = statement
                .query_map([], |row| Ok(((row.get(0)?, row.get(1)?), row.get(2)?)))?
                .collect::<Result<BTreeMap<_, _>, _>>()?;
            Ok(rows)
        })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_refused_bodies_evicts_only_its_own_source_refused_entries() {
    let t = TestEngine::start(ConfigLayer {
        nats_enabled: Some(false),
        ..ConfigLayer::default()
    })
    .await;
    // Older than everything else: under an oldest-first cap over all kinds, these go first.
    let ids = t
        .engine
        .database()
        .with_conn(|conn| {
            Ok([
                store::insert(conn, &entry(DlqKind::Exhausted, "tautulli", 48))?.id,
                store::insert(conn, &entry(DlqKind::Permanent, "tautulli", 47))?.id,
                store::insert(conn, &entry(DlqKind::Rejected, "plex", 46))?.id,
            ])
        })
        .await
        .unwrap();
    // The flood so far: a full cap of refused tautulli bodies, written in one go.
    t.engine
        .database()
        .with_conn(|conn| {
            conn.execute(
                "INSERT INTO dlq_entries (id, kind, source, error, attempts, first_failed_at,
                     last_failed_at, payload, headers, code)
                 SELECT 'flood-' || i, 'rejected', 'tautulli', 'invalid_json', '[]',
                     now()::TIMESTAMP - INTERVAL 1 HOUR + i * INTERVAL 1 MILLISECOND,
                     now()::TIMESTAMP - INTERVAL 1 HOUR + i * INTERVAL 1 MILLISECOND,
                     '{'::BLOB, '{}', 'invalid_json'
                 FROM range(?) t(i)",
                [MAX_REJECTED_PER_SOURCE as i64],
            )?;
            Ok(())
        })
        .await
        .unwrap();

    // Three more bad bodies, through the front door.
    for _ in 0..3 {
        let (status, body) = post(&t, "tautulli", "application/json", b"{not json".to_vec()).await;
        assert_eq!(status, 400, "{body}");
    }

    let counts = census(&t).await;
    let count = |kind: &str, source: &str| {
        counts
            .get(&(kind.to_string(), source.to_string()))
            .copied()
            .unwrap_or(0)
    };
    assert_eq!(count("exhausted", "tautulli"), 1, "{counts:?}");
    assert_eq!(count("permanent", "tautulli"), 1, "{counts:?}");
    assert_eq!(count("rejected", "plex"), 1, "{counts:?}");
    assert_eq!(
        count("rejected", "tautulli"),
        MAX_REJECTED_PER_SOURCE as i64,
        "{counts:?}"
    );
    for id in &ids {
        assert!(
            t.engine.handle().dlq_entry(id).await.is_ok(),
            "{id} evicted"
        );
    }
    let stats = t.engine.handle().stats().await.unwrap();
    assert_eq!(stats.dlq_evicted, 3);
    t.engine.shutdown().await;
}
