//! Where a history import stopped, kept in DuckDB (`import_checkpoints`, one row per source)
//! after every page whose events are durable: a restarted, failed or cancelled import goes
//! on from its last page instead of starting over.

use chrono::Utc;
use duckdb::{params, Connection, OptionalExt};

use crate::persist::DbError;

/// What the last run of an import did, and whether it finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub job_id: String,
    /// The `since` day the run was asked for (`YYYY-MM-DD`), if any.
    pub since: Option<String>,
    /// The history offset of the first row not yet made durable.
    pub next_start: u64,
    /// Rows the source said match, at the last page.
    pub total: u64,
    /// Events made durable so far (before dedup).
    pub events: u64,
    /// Rows dead-lettered so far.
    pub rejected: u64,
    pub finished: bool,
}

impl Checkpoint {
    pub fn load(conn: &Connection, source: &str) -> Result<Option<Checkpoint>, DbError> {
        let found = conn
            .query_row(
                "SELECT job_id, since, next_start, total, events, rejected, state
                 FROM import_checkpoints WHERE source = ?",
                params![source],
                |row| {
                    let state: String = row.get(6)?;
                    Ok(Checkpoint {
                        job_id: row.get(0)?,
                        since: row.get(1)?,
                        next_start: count(row.get(2)?),
                        total: count(row.get(3)?),
                        events: count(row.get(4)?),
                        rejected: count(row.get(5)?),
                        finished: state == "done",
                    })
                },
            )
            .optional()?;
        Ok(found)
    }

    pub fn save(&self, conn: &Connection, source: &str) -> Result<(), DbError> {
        let number = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        conn.execute(
            "INSERT OR REPLACE INTO import_checkpoints
                 (source, job_id, since, next_start, total, events, rejected, state, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::TIMESTAMPTZ)",
            params![
                source,
                self.job_id,
                self.since,
                number(self.next_start),
                number(self.total),
                number(self.events),
                number(self.rejected),
                if self.finished { "done" } else { "unfinished" },
                Utc::now().to_rfc3339(),
            ],
        )?;
        Ok(())
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::Database;

    #[tokio::test]
    async fn a_checkpoint_is_saved_replaced_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("c.duckdb")).unwrap();
        let loaded = db
            .with_conn(|conn| {
                assert_eq!(Checkpoint::load(conn, "tautulli")?, None);
                let mut checkpoint = Checkpoint {
                    job_id: "job-1".into(),
                    since: Some("2025-01-01".into()),
                    next_start: 2000,
                    total: 5000,
                    events: 4000,
                    rejected: 3,
                    finished: false,
                };
                checkpoint.save(conn, "tautulli")?;
                checkpoint.next_start = 5000;
                checkpoint.finished = true;
                checkpoint.save(conn, "tautulli")?;
                Checkpoint::load(conn, "tautulli")
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(loaded.next_start, 5000);
        assert!(loaded.finished);
        assert_eq!(loaded.since.as_deref(), Some("2025-01-01"));
        assert_eq!(loaded.rejected, 3);
    }
}
