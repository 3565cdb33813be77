//! Plays (sessions) and time played, grouped by one dimension and optionally split by a
//! series (media type or stream decision) for the stacked per-day charts. Keys are what a
//! person reads: a local `YYYY-MM-DD`, `Monday`, `0`–`23`, a username, a title.

use chrono::{DateTime, Utc};
use duckdb::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use super::{where_sql, AnalyticsError, LocalZone, Range};
use crate::event::Source;
use crate::persist::session_list::DECISION_SQL;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PlaysBy {
    Day,
    Weekday,
    Hour,
    User,
    Platform,
    /// The show for episodes (the artist for tracks), else the title.
    Title,
    MediaType,
    /// Direct play, direct stream or transcode.
    Transcode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PlaysSeries {
    MediaType,
    Transcode,
}

/// What ranks a top list (user, platform, title).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PlaysOrder {
    #[default]
    Plays,
    Duration,
}

/// `GET /api/v1/analytics/plays`, `get_analytics_plays`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct PlaysQuery {
    pub by: PlaysBy,
    /// Split each time bucket (day, weekday, hour) by this.
    #[serde(default)]
    pub series: Option<PlaysSeries>,
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    #[serde(default)]
    pub source: Option<Source>,
    /// The user's UTC offsets over the range (`zone.rs`); UTC when absent.
    #[serde(default)]
    pub tz: Option<String>,
    /// The length of a top list (user, platform, title): 10 unless given, at most 500.
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub order: Option<PlaysOrder>,
}

impl PlaysQuery {
    pub fn range(&self) -> Range {
        Range {
            since: self.since,
            until: self.until,
            source: self.source,
            tz: self.tz.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PlaysRow {
    pub key: String,
    /// The series value (a media type or a decision) when the query asked for a series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    pub plays: u64,
    pub duration_s: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Plays {
    pub by: PlaysBy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<PlaysSeries>,
    pub rows: Vec<PlaysRow>,
}

const DEFAULT_TOP: u32 = 10;
const MAX_TOP: u32 = 500;
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl PlaysBy {
    fn is_top_list(self) -> bool {
        matches!(self, PlaysBy::User | PlaysBy::Platform | PlaysBy::Title)
    }

    /// The group key per row: integers for the time buckets (cheap to compute and group over
    /// every session; named after grouping by [`Self::label_sql`]), text for the rest.
    fn key_sql(self, zone: &LocalZone) -> String {
        let local_ms = zone.local_ms_sql("epoch_ms(started_at)");
        match self {
            // Days since 1970-01-01 in local time (every stored time is after it).
            PlaysBy::Day => format!("({local_ms} // {DAY_MS})"),
            // ISO weekday, 1 = Monday: 1970-01-01 was a Thursday (4).
            PlaysBy::Weekday => format!("((({local_ms} // {DAY_MS}) + 3) % 7 + 1)"),
            PlaysBy::Hour => format!("(({local_ms} // 3600000) % 24)"),
            PlaysBy::User => "coalesce(username, user_id, 'unknown')".into(),
            PlaysBy::Platform => "coalesce(platform, 'unknown')".into(),
            PlaysBy::Title => "coalesce(grandparent_title, title, 'unknown')".into(),
            PlaysBy::MediaType => "coalesce(media_type, 'other')".into(),
            PlaysBy::Transcode => format!("({DECISION_SQL})"),
        }
    }

    /// The key as a person reads it, from the grouped key.
    fn label_sql(self) -> String {
        match self {
            PlaysBy::Day => format!("strftime(epoch_ms(key * {DAY_MS}), '%Y-%m-%d')"),
            PlaysBy::Weekday | PlaysBy::Hour => "CAST(key AS VARCHAR)".into(),
            _ => "key".into(),
        }
    }
}

const DAY_MS: i64 = 86_400_000;

impl PlaysSeries {
    fn sql(self) -> String {
        match self {
            PlaysSeries::MediaType => "coalesce(media_type, 'other')".into(),
            PlaysSeries::Transcode => format!("({DECISION_SQL})"),
        }
    }
}

pub fn plays(conn: &Connection, query: &PlaysQuery) -> Result<Plays, AnalyticsError> {
    let zone = query.range().zone()?;
    if query.series.is_some()
        && !matches!(query.by, PlaysBy::Day | PlaysBy::Weekday | PlaysBy::Hour)
    {
        return Err(AnalyticsError::BadQuery(
            "series splits day, weekday or hour only".into(),
        ));
    }
    let limit = match query.limit {
        Some(n) if !(1..=MAX_TOP).contains(&n) => {
            return Err(AnalyticsError::BadQuery(format!(
                "limit {n} is out of range; use 1 to {MAX_TOP}"
            )))
        }
        Some(n) => n,
        None => DEFAULT_TOP,
    };
    let (clauses, values) = query.range().conditions();
    let key = query.by.key_sql(&zone);
    let series = query
        .series
        .map_or_else(|| "NULL".to_string(), PlaysSeries::sql);
    let rank = match query.order.unwrap_or_default() {
        PlaysOrder::Plays => "plays DESC, duration_s DESC",
        PlaysOrder::Duration => "duration_s DESC, plays DESC",
    };
    let (order, limit_sql) = match query.by {
        PlaysBy::Day | PlaysBy::Weekday | PlaysBy::Hour => {
            ("key, series".to_string(), String::new())
        }
        by if by.is_top_list() => (format!("{rank}, key"), format!("LIMIT {limit}")),
        _ => (format!("{rank}, key"), String::new()),
    };
    let sql = format!(
        "SELECT {label} AS label, series, plays, duration_s FROM (
             SELECT key, series, count(*) AS plays,
                    CAST(round(coalesce(sum(play_ms), 0) / 1000.0) AS BIGINT) AS duration_s
             FROM (SELECT {key} AS key, {series} AS series, play_ms FROM sessions {})
             GROUP BY key, series ORDER BY {order} {limit_sql})
         ORDER BY {order}",
        where_sql(&clauses),
        label = query.by.label_sql(),
    );
    let mut statement = conn.prepare(&sql).map_err(crate::persist::DbError::from)?;
    let rows = statement
        .query_map(params_from_iter(values), |row| {
            Ok(PlaysRow {
                key: row.get(0)?,
                series: row.get(1)?,
                plays: row.get::<_, i64>(2)?.max(0) as u64,
                duration_s: row.get::<_, i64>(3)?.max(0) as u64,
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(crate::persist::DbError::from)?;
    let rows = match query.by {
        PlaysBy::Weekday => name_weekdays(rows),
        _ => rows,
    };
    Ok(Plays {
        by: query.by,
        series: query.series,
        rows,
    })
}

/// ISO weekday numbers (1 = Monday) become names.
fn name_weekdays(rows: Vec<PlaysRow>) -> Vec<PlaysRow> {
    rows.into_iter()
        .map(|mut row| {
            let index = row.key.parse::<usize>().ok().and_then(|n| n.checked_sub(1));
            if let Some(name) = index.and_then(|i| WEEKDAYS.get(i)) {
                row.key = (*name).to_string();
            }
            row
        })
        .collect()
}
