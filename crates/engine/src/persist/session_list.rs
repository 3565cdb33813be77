//! The history of playbacks: which sessions a list covers (filters, free text), in which
//! order (any column, either way) and where a page starts (keyset on the sort value and the
//! session id, so pages stay exact while sessions arrive).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use duckdb::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use super::db::DbError;
use super::events::{escape_like, search_text};
use super::sessions::{from_row, COLUMNS};
use crate::event::{MediaType, Source};
use crate::session::{Session, SessionState};

/// How a playback reached the player, from the sources' transcode decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum StreamDecision {
    DirectPlay,
    /// Tautulli's "copy": the container changed, the streams did not.
    DirectStream,
    Transcode,
    /// No source said.
    Unknown,
}

impl StreamDecision {
    /// The label a person reads, as the analytics keys and the exports give it.
    pub fn label(self) -> &'static str {
        match self {
            StreamDecision::DirectPlay => "direct play",
            StreamDecision::DirectStream => "direct stream",
            StreamDecision::Transcode => "transcode",
            StreamDecision::Unknown => "unknown",
        }
    }
}

/// The decision label of a `sessions` row in SQL: the sources write "direct play", "copy" or
/// "transcode" (Jellyfin's and Emby's methods are mapped to those by the parsers).
pub const DECISION_SQL: &str = "CASE lower(coalesce(transcode_decision, ''))
    WHEN 'direct play' THEN 'direct play' WHEN 'directplay' THEN 'direct play'
    WHEN 'copy' THEN 'direct stream' WHEN 'direct stream' THEN 'direct stream'
    WHEN 'transcode' THEN 'transcode' ELSE 'unknown' END";

/// The column a history list is ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SessionSortKey {
    #[default]
    StartedAt,
    StoppedAt,
    User,
    /// Show, season and episode (or the title alone).
    Title,
    Player,
    Platform,
    Product,
    Source,
    Server,
    /// Time played.
    Duration,
    Paused,
    Percent,
    Decision,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    #[default]
    Desc,
}

impl SessionSortKey {
    pub const ALL: [SessionSortKey; 13] = [
        Self::StartedAt,
        Self::StoppedAt,
        Self::User,
        Self::Title,
        Self::Player,
        Self::Platform,
        Self::Product,
        Self::Source,
        Self::Server,
        Self::Duration,
        Self::Paused,
        Self::Percent,
        Self::Decision,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::StartedAt => "started_at",
            Self::StoppedAt => "stopped_at",
            Self::User => "user",
            Self::Title => "title",
            Self::Player => "player",
            Self::Platform => "platform",
            Self::Product => "product",
            Self::Source => "source",
            Self::Server => "server",
            Self::Duration => "duration",
            Self::Paused => "paused",
            Self::Percent => "percent",
            Self::Decision => "decision",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The sort value as SQL (never NULL, so the keyset comparison holds for every row)
    /// and the type a cursor's text is cast back to.
    fn sql(self) -> (String, &'static str) {
        let text = |column: &str| (format!("lower(coalesce({column}, ''))"), "VARCHAR");
        match self {
            // The column itself: no function over every row for the default order.
            Self::StartedAt => ("started_at".into(), "TIMESTAMPTZ"),
            Self::StoppedAt => ("coalesce(epoch_ms(stopped_at), 0)".into(), "BIGINT"),
            Self::User => text("coalesce(username, user_id)"),
            Self::Title => text("concat_ws(' ', grandparent_title, parent_title, title)"),
            Self::Player => text("player"),
            Self::Platform => text("platform"),
            Self::Product => text("product"),
            Self::Source => text("source"),
            Self::Server => text("coalesce(server_name, server_id)"),
            Self::Duration => ("play_ms".into(), "BIGINT"),
            Self::Paused => ("paused_ms".into(), "BIGINT"),
            Self::Percent => ("coalesce(percent_complete, -1.0)".into(), "DOUBLE"),
            Self::Decision => (format!("({DECISION_SQL})"), "VARCHAR"),
        }
    }
}

/// Which sessions a list or an export covers (`GET /api/v1/sessions`, `list_sessions`,
/// `/api/v1/export/sessions.csv`) and in which order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(default, deny_unknown_fields)]
pub struct SessionFilter {
    pub source: Option<Source>,
    pub state: Option<SessionState>,
    /// A user's name or id.
    pub user: Option<String>,
    pub media_type: Option<MediaType>,
    pub decision: Option<StreamDecision>,
    /// A server's name or id.
    pub server: Option<String>,
    /// Case-insensitive text in the title, show, season, user, player, platform or product.
    pub q: Option<String>,
    /// Started from this time on, inclusive.
    pub since: Option<DateTime<Utc>>,
    /// Started before this time, exclusive.
    pub until: Option<DateTime<Utc>>,
    /// Only open sessions (state not stopped).
    pub open_only: bool,
    /// Newest first by default.
    pub sort: Option<SessionSortKey>,
    pub order: Option<SortOrder>,
}

impl SessionFilter {
    pub fn sort_key(&self) -> SessionSortKey {
        self.sort.unwrap_or_default()
    }

    pub fn sort_order(&self) -> SortOrder {
        self.order.unwrap_or_default()
    }
}

/// Where the previous page ended: its last row's sort value (as text) and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortPosition {
    pub value: String,
    pub session_id: String,
}

/// A session and its sort value, which the next page's cursor carries.
pub struct Listed {
    pub session: Session,
    pub sort_value: String,
}

/// The filter as SQL conditions (joined with AND) and their parameters in order; the list
/// and the export read the same rows.
pub(crate) fn conditions(filter: &SessionFilter) -> (Vec<String>, Vec<String>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    let mut add = |clause: &str, params: &[&str]| {
        clauses.push(clause.to_string());
        values.extend(params.iter().map(|p| p.to_string()));
    };
    if let Some(source) = filter.source {
        add("source = ?", &[source.as_str()]);
    }
    if let Some(state) = filter.state {
        add("state = ?", &[state.as_str()]);
    }
    if filter.open_only {
        add("state <> 'stopped'", &[]);
    }
    if let Some(user) = &filter.user {
        add("(username = ? OR user_id = ?)", &[user, user]);
    }
    if let Some(media_type) = filter.media_type {
        add("media_type = ?", &[media_type.as_str()]);
    }
    if let Some(decision) = filter.decision {
        add(&format!("({DECISION_SQL}) = ?"), &[decision.label()]);
    }
    if let Some(server) = &filter.server {
        add("(server_name = ? OR server_id = ?)", &[server, server]);
    }
    if let Some(since) = filter.since {
        add("started_at >= ?::TIMESTAMPTZ", &[&since.to_rfc3339()]);
    }
    if let Some(until) = filter.until {
        add("started_at < ?::TIMESTAMPTZ", &[&until.to_rfc3339()]);
    }
    if let Some(text) = search_text(filter.q.as_deref()) {
        let pattern = format!("%{}%", escape_like(text.trim()));
        let columns = [
            "title",
            "parent_title",
            "grandparent_title",
            "username",
            "player",
            "platform",
            "product",
        ];
        let any = columns
            .iter()
            .map(|c| format!("{c} ILIKE ? ESCAPE '\\'"))
            .collect::<Vec<_>>()
            .join(" OR ");
        add(&format!("({any})"), &vec![pattern.as_str(); columns.len()]);
    }
    (clauses, values)
}

/// `ORDER BY` of a filter's sort, with the id as the tie-breaker.
pub(crate) fn order_by(filter: &SessionFilter) -> String {
    let (expr, _) = filter.sort_key().sql();
    let direction = match filter.sort_order() {
        SortOrder::Asc => "ASC",
        SortOrder::Desc => "DESC",
    };
    format!("{expr} {direction}, session_id {direction}")
}

/// At most `limit` sessions in the filter's order, strictly after `after`.
pub fn list(
    conn: &Connection,
    filter: &SessionFilter,
    after: Option<&SortPosition>,
    limit: usize,
) -> Result<Vec<Listed>, DbError> {
    let (mut clauses, mut values) = conditions(filter);
    let (expr, cast) = filter.sort_key().sql();
    if let Some(after) = after {
        let beyond = match filter.sort_order() {
            SortOrder::Asc => ">",
            SortOrder::Desc => "<",
        };
        clauses.push(format!(
            "({expr} {beyond} ?::{cast} OR ({expr} = ?::{cast} AND session_id {beyond} ?))"
        ));
        values.push(after.value.clone());
        values.push(after.value.clone());
        values.push(after.session_id.clone());
    }
    let filter_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    // The page's ids and sort values first, over narrow rows (DuckDB projects before its
    // top-N, so selecting the wide columns here would read them for every matching row) …
    let direction = match filter.sort_order() {
        SortOrder::Asc => "ASC",
        SortOrder::Desc => "DESC",
    };
    let ids_sql = format!(
        "SELECT session_id, CAST(sort_key AS VARCHAR) FROM (
             SELECT session_id, {expr} AS sort_key FROM sessions {filter_sql}
             ORDER BY {} LIMIT {limit})
         ORDER BY sort_key {direction}, session_id {direction}",
        order_by(filter)
    );
    let mut statement = conn.prepare(&ids_sql)?;
    let page: Vec<(String, String)> = statement
        .query_map(params_from_iter(values), |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    if page.is_empty() {
        return Ok(Vec::new());
    }
    // … then the wide rows of the page alone, by primary key.
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions WHERE session_id IN ({})",
        vec!["?"; page.len()].join(", ")
    );
    let mut statement = conn.prepare(&sql)?;
    let ids = page.iter().map(|(id, _)| id.as_str());
    let mut found: HashMap<String, Session> = statement
        .query_map(params_from_iter(ids), from_row)?
        .map(|row| row.map(|session| (session.session_id.clone(), session)))
        .collect::<Result<_, _>>()?;
    Ok(page
        .into_iter()
        .filter_map(|(id, sort_value)| {
            found.remove(&id).map(|session| Listed {
                session,
                sort_value,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_round_trip_their_names() {
        for key in SessionSortKey::ALL {
            assert_eq!(SessionSortKey::parse(key.as_str()), Some(key));
            let json = serde_json::to_string(&key).unwrap();
            assert_eq!(json, format!("\"{}\"", key.as_str()));
        }
    }
}
