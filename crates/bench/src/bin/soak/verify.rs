//! The count at the end: wait until everything that reached the server is in DuckDB (the
//! spool empty, the writer's `persist` consumer with nothing pending or unacknowledged),
//! then read `playback_events` from the file and hold it against what was acknowledged.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use cartographus_bench::server::Api;
use cartographus_engine::persist::Database;

/// How many ids a report lists when some are missing.
const EXAMPLES: usize = 5;

/// Where the pipeline stands: is anything still on its way into DuckDB?
#[derive(Debug, Clone, Serialize)]
pub struct Backlog {
    pub spool_pending: Option<f64>,
    pub persist_pending: Option<f64>,
    pub persist_ack_pending: Option<f64>,
}

impl Backlog {
    /// From `GET /api/v1/stats`. A count of stored rows would not do: events the server made
    /// durable but died before answering are stored too.
    pub fn of(stats: &serde_json::Value) -> Self {
        let persist = stats["consumers"]
            .as_array()
            .and_then(|all| all.iter().find(|c| c["name"] == "persist"));
        Self {
            spool_pending: stats["spool"]["pending"].as_f64(),
            persist_pending: persist.and_then(|c| c["pending"].as_f64()),
            persist_ack_pending: persist.and_then(|c| c["ack_pending"].as_f64()),
        }
    }

    pub fn is_empty(&self) -> bool {
        [
            self.spool_pending,
            self.persist_pending,
            self.persist_ack_pending,
        ]
        .iter()
        .all(|n| *n == Some(0.0))
    }
}

/// Waits until the backlog is empty; the seconds it took, or what was left at the deadline.
pub async fn drain(api: &Api, within: Duration) -> Result<f64, String> {
    let started = Instant::now();
    loop {
        let left = match api.stats().await {
            Ok(stats) => {
                let backlog = Backlog::of(&stats);
                if backlog.is_empty() {
                    return Ok(started.elapsed().as_secs_f64());
                }
                format!("{backlog:?}")
            }
            Err(e) => e,
        };
        if started.elapsed() > within {
            return Err(format!(
                "the pipeline did not drain into DuckDB within {within:?} (last: {left})"
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// What DuckDB holds, against what was sent and acknowledged.
#[derive(Debug, Serialize, PartialEq)]
pub struct Count {
    /// Distinct event ids answered 2xx.
    pub acknowledged: usize,
    /// Distinct event ids in `playback_events`.
    pub stored: usize,
    /// Acknowledged, not stored: the promise broken.
    pub missing: usize,
    pub missing_examples: Vec<String>,
    /// Event ids with more than one row (the primary key forbids it; counted anyway).
    pub stored_more_than_once: usize,
    /// Stored, never answered 2xx: made durable just before a kill cut the answer (fine).
    pub stored_unacknowledged: usize,
    /// Stored, but no webhook of this run has that id (must be none).
    pub stored_never_sent: usize,
    pub dead_letters: u64,
    pub dedup_dropped: u64,
}

impl Count {
    /// Holds the rows (event id, row count) against the acknowledged and the sent ids.
    pub fn of(
        rows: &HashMap<String, u64>,
        acknowledged: &HashSet<String>,
        sent: &HashSet<String>,
    ) -> Self {
        let mut missing: Vec<String> = acknowledged
            .iter()
            .filter(|id| !rows.contains_key(*id))
            .cloned()
            .collect();
        missing.sort();
        Self {
            acknowledged: acknowledged.len(),
            stored: rows.len(),
            missing: missing.len(),
            missing_examples: missing.into_iter().take(EXAMPLES).collect(),
            stored_more_than_once: rows.values().filter(|n| **n > 1).count(),
            stored_unacknowledged: rows.keys().filter(|id| !acknowledged.contains(*id)).count(),
            stored_never_sent: rows.keys().filter(|id| !sent.contains(*id)).count(),
            dead_letters: 0,
            dedup_dropped: 0,
        }
    }

    /// What breaks "every acknowledged event stored exactly once".
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.missing > 0 {
            problems.push(format!(
                "{} acknowledged events are not in playback_events, e.g. {:?}",
                self.missing, self.missing_examples
            ));
        }
        if self.stored_more_than_once > 0 {
            problems.push(format!(
                "{} event ids are stored more than once",
                self.stored_more_than_once
            ));
        }
        if self.stored_never_sent > 0 {
            problems.push(format!(
                "{} stored events match no webhook this run sent",
                self.stored_never_sent
            ));
        }
        problems
    }
}

/// Reads the stopped server's DuckDB file and counts.
pub async fn count(
    db_file: &Path,
    acknowledged: &HashSet<String>,
    sent: &HashSet<String>,
) -> Result<Count, String> {
    let db =
        Database::open(db_file).map_err(|e| format!("cannot open {}: {e}", db_file.display()))?;
    let (rows, dead_letters, dedup_dropped) = db
        .with_conn(|conn| {
            let mut statement =
                conn.prepare("SELECT event_id, count(*) FROM playback_events GROUP BY event_id")?;
            let rows = statement
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
                .map(|row| row.map(|(id, n)| (id, n.max(0) as u64)))
                .collect::<Result<HashMap<_, _>, _>>()?;
            let total = |table: &str| -> Result<u64, duckdb::Error> {
                conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|n| n.max(0) as u64)
            };
            Ok((rows, total("dlq_entries")?, total("dedup_audit")?))
        })
        .await
        .map_err(|e| format!("cannot read {}: {e}", db_file.display()))?;
    Ok(Count {
        dead_letters,
        dedup_dropped,
        ..Count::of(&rows, acknowledged, sent)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(list: &[&str]) -> HashSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn counts_missing_twice_and_foreign_rows() {
        let rows: HashMap<String, u64> = [("a", 1), ("b", 2), ("c", 1), ("z", 1)]
            .into_iter()
            .map(|(id, n)| (id.to_string(), n))
            .collect();
        let count = Count::of(&rows, &ids(&["a", "b", "d"]), &ids(&["a", "b", "c", "d"]));
        assert_eq!(count.acknowledged, 3);
        assert_eq!(count.stored, 4);
        assert_eq!(
            (count.missing, count.missing_examples.clone()),
            (1, vec!["d".to_string()])
        );
        assert_eq!(count.stored_more_than_once, 1);
        assert_eq!(count.stored_unacknowledged, 2);
        assert_eq!(count.stored_never_sent, 1);
        assert_eq!(count.problems().len(), 3);
    }

    #[test]
    fn a_clean_count_has_no_problems() {
        let rows: HashMap<String, u64> = [("a".to_string(), 1), ("c".to_string(), 1)].into();
        let count = Count::of(&rows, &ids(&["a"]), &ids(&["a", "b", "c"]));
        assert!(count.problems().is_empty(), "{:?}", count.problems());
        assert_eq!(count.stored_unacknowledged, 1);
    }

    #[test]
    fn the_backlog_is_empty_only_when_every_figure_is_zero() {
        let stats = |spool: f64, pending: f64, ack_pending: f64| {
            json!({
                "spool": {"pending": spool, "bytes": 0.0},
                "consumers": [
                    {"name": "live", "pending": 9.0, "ack_pending": 9.0, "redelivered": 0.0},
                    {"name": "persist", "pending": pending, "ack_pending": ack_pending,
                     "redelivered": 0.0},
                ],
            })
        };
        assert!(Backlog::of(&stats(0.0, 0.0, 0.0)).is_empty());
        assert!(!Backlog::of(&stats(1.0, 0.0, 0.0)).is_empty());
        assert!(!Backlog::of(&stats(0.0, 3.0, 0.0)).is_empty());
        assert!(!Backlog::of(&stats(0.0, 0.0, 2.0)).is_empty());
        // No persist consumer (JetStream down): not drained.
        assert!(!Backlog::of(&json!({"spool": {"pending": 0.0}, "consumers": []})).is_empty());
    }
}
