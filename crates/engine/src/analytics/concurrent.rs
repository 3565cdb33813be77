//! The most streams playing at once on each local day: every session is a +1 at its start
//! and a −1 at its stop (or its last sign of life while open), summed in time order; a stop
//! and a start at the same instant do not overlap.

use duckdb::{params_from_iter, Connection};
use serde::Serialize;

use super::{where_sql, AnalyticsError, Range};
use crate::persist::DbError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ConcurrentRow {
    /// The local day, `YYYY-MM-DD`.
    pub key: String,
    pub peak: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Concurrent {
    pub rows: Vec<ConcurrentRow>,
}

pub fn concurrent(conn: &Connection, range: &Range) -> Result<Concurrent, AnalyticsError> {
    let zone = range.zone()?;
    // Sessions that overlap the range, including those started before it; only instants
    // inside it make a day's peak.
    let mut clauses: Vec<&str> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    if let Some(until) = range.until {
        clauses.push("started_at < ?::TIMESTAMPTZ");
        values.push(until.to_rfc3339());
    }
    if let Some(since) = range.since {
        clauses.push("coalesce(stopped_at, last_event_at, started_at) >= ?::TIMESTAMPTZ");
        values.push(since.to_rfc3339());
    }
    if let Some(source) = range.source {
        clauses.push("source = ?");
        values.push(source.as_str().to_string());
    }
    // One sort key per edge: 2t for a stop, 2t + 1 for a start, so at the same instant the
    // stop comes first; days are grouped as integers and named only once per day.
    let local_day = format!("({} // 86400000)", zone.local_ms_sql("(k // 2)"));
    let inside = match range.since {
        Some(since) => format!("WHERE k >= {}", since.timestamp_millis() * 2),
        None => String::new(),
    };
    let sql = format!(
        "WITH spans AS (
             SELECT epoch_ms(started_at) AS a,
                    greatest(epoch_ms(coalesce(stopped_at, last_event_at, started_at)),
                             epoch_ms(started_at)) AS b
             FROM sessions {}),
         edges AS (SELECT a * 2 + 1 AS k FROM spans UNION ALL SELECT b * 2 AS k FROM spans),
         running AS (
             SELECT k, sum(CASE WHEN k % 2 = 1 THEN 1 ELSE -1 END)
                       OVER (ORDER BY k ROWS UNBOUNDED PRECEDING) AS n
             FROM edges)
         SELECT strftime(epoch_ms(day * 86400000), '%Y-%m-%d') AS key, peak FROM (
             SELECT {local_day} AS day, max(n) AS peak FROM running {inside} GROUP BY day)
         ORDER BY day",
        where_sql(&clauses)
    );
    let mut statement = conn.prepare(&sql).map_err(DbError::from)?;
    let rows = statement
        .query_map(params_from_iter(values), |row| {
            Ok(ConcurrentRow {
                key: row.get(0)?,
                peak: row.get::<_, i64>(1)?.max(0) as u64,
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(DbError::from)?;
    Ok(Concurrent { rows })
}
