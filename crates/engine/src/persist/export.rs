//! Exports of the history: DuckDB writes the rows a list filter covers straight into a file
//! with `COPY (…) TO`, so no export passes through the engine's memory. `COPY` takes no
//! parameters, so the filter's values are inlined as SQL string literals (quotes doubled).

use std::path::Path;

use duckdb::Connection;
use serde::{Deserialize, Serialize};

use super::db::DbError;
use super::events::{self, EventFilter};
use super::session_list::{self, SessionFilter, DECISION_SQL};

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportTable {
    Events,
    Sessions,
}

/// The file format. Parquet is written by DuckDB's parquet extension, linked into the
/// bundled build (never downloaded: docs/adr/0005), with its columns' types kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Parquet,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 2] = [ExportFormat::Csv, ExportFormat::Parquet];

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Parquet => "parquet",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Parquet => "application/vnd.apache.parquet",
        }
    }

    fn copy_options(self) -> &'static str {
        match self {
            ExportFormat::Csv => "FORMAT csv, HEADER true",
            ExportFormat::Parquet => "FORMAT parquet, COMPRESSION zstd",
        }
    }
}

/// Events as stored, without the raw payload (it can be large and adds nothing a column
/// does not say), newest first.
const EVENT_COLUMNS: &str = "event_id, event_type, source, server_id, server_name, session_id,
    occurred_at, received_at, user_id, username, media_type, title, parent_title,
    grandparent_title, rating_key, year, duration_ms, view_offset_ms, player, platform, product,
    device, machine_id, ip_address, location, transcode_decision, video_resolution";

fn session_columns() -> String {
    format!(
        "session_id, source, server_id, server_name, user_id, username, media_type, title,
         parent_title, grandparent_title, rating_key, player, platform, product, machine_id,
         state, started_at, stopped_at, play_ms, paused_ms, duration_ms, percent_complete,
         ({DECISION_SQL}) AS stream_decision, transcode_decision, closed_by_timeout,
         event_count"
    )
}

/// Writes the events `filter` covers into `path`; returns how many rows.
pub fn events_to(
    conn: &Connection,
    filter: &EventFilter,
    format: ExportFormat,
    path: &Path,
) -> Result<u64, DbError> {
    let (clauses, values) = events::conditions(filter);
    let select = format!(
        "SELECT {EVENT_COLUMNS} FROM playback_events {} ORDER BY occurred_at DESC, event_id DESC",
        inlined_where(&clauses, &values)
    );
    copy(conn, &select, format, path)
}

/// Writes the sessions `filter` covers into `path`, in the list's order; returns how many.
pub fn sessions_to(
    conn: &Connection,
    filter: &SessionFilter,
    format: ExportFormat,
    path: &Path,
) -> Result<u64, DbError> {
    let (clauses, values) = session_list::conditions(filter);
    let select = format!(
        "SELECT {} FROM sessions {} ORDER BY {}",
        session_columns(),
        inlined_where(&clauses, &values),
        session_list::order_by(filter)
    );
    copy(conn, &select, format, path)
}

fn copy(
    conn: &Connection,
    select: &str,
    format: ExportFormat,
    path: &Path,
) -> Result<u64, DbError> {
    let path = path
        .to_str()
        .ok_or_else(|| DbError::Task(format!("the export path {} is not UTF-8", path.display())))?;
    let sql = format!(
        "COPY ({select}) TO {} ({})",
        literal(path),
        format.copy_options()
    );
    let rows = conn.execute(&sql, [])?;
    Ok(rows as u64)
}

/// The conditions with each `?` replaced by its value as a string literal; every value is
/// cast by its clause (`?::TIMESTAMPTZ`) exactly as when bound.
fn inlined_where<S: AsRef<str>>(clauses: &[S], values: &[String]) -> String {
    if clauses.is_empty() {
        return String::new();
    }
    let joined = clauses
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(" AND ");
    let mut values = values.iter();
    let mut sql = String::from("WHERE ");
    for (i, part) in joined.split('?').enumerate() {
        if i > 0 {
            sql.push_str(
                &values
                    .next()
                    .map(|v| literal(v))
                    .unwrap_or_else(|| "NULL".into()),
            );
        }
        sql.push_str(part);
    }
    sql
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_inlined_as_literals_in_order() {
        let sql = inlined_where(
            &["a = ?", "(b ILIKE ? OR c = ?)"],
            &[
                "x".into(),
                "%o'brien%".into(),
                "2026-01-01T00:00:00+00:00".into(),
            ],
        );
        assert_eq!(
            sql,
            "WHERE a = 'x' AND (b ILIKE '%o''brien%' OR c = '2026-01-01T00:00:00+00:00')"
        );
        assert_eq!(inlined_where::<&str>(&[], &[]), "");
    }
}
