//! Analytics over the stored playbacks (one play = one session), computed by DuckDB: plays
//! and time played grouped by day, weekday, hour, user, platform, title, media type or
//! stream decision (`plays.rs`), and the most streams at once per day (`concurrent.rs`),
//! each in the user's local time (`zone.rs`).

pub mod concurrent;
pub mod plays;
pub mod zone;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::error::{codes, CodedError, ErrorKind};
use crate::event::Source;
use crate::persist::DbError;

pub use concurrent::{Concurrent, ConcurrentRow};
pub use plays::{Plays, PlaysBy, PlaysOrder, PlaysQuery, PlaysRow, PlaysSeries};
pub use zone::LocalZone;

#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error("{0}")]
    BadZone(String),
    #[error("{0}")]
    BadQuery(String),
    #[error("the analytics cannot be read now: {0}")]
    Db(#[from] DbError),
}

impl CodedError for AnalyticsError {
    fn code(&self) -> &str {
        match self {
            AnalyticsError::BadZone(_) => "bad_time_zone",
            AnalyticsError::BadQuery(_) => codes::BAD_REQUEST,
            AnalyticsError::Db(_) => codes::STORE_FAILED,
        }
    }

    fn kind(&self) -> ErrorKind {
        match self {
            AnalyticsError::BadZone(_) | AnalyticsError::BadQuery(_) => ErrorKind::BadRequest,
            AnalyticsError::Db(_) => ErrorKind::Unavailable,
        }
    }
}

/// The plays a chart counts: started in `[since, until)`, from one source or all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(default, deny_unknown_fields)]
pub struct Range {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub source: Option<Source>,
    /// The user's UTC offsets over the range (see `zone.rs`); UTC when absent.
    pub tz: Option<String>,
}

impl Range {
    pub fn zone(&self) -> Result<LocalZone, AnalyticsError> {
        self.tz
            .as_deref()
            .map(LocalZone::parse)
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// SQL conditions on `sessions` and their parameters.
    pub(crate) fn conditions(&self) -> (Vec<&'static str>, Vec<String>) {
        let mut clauses = Vec::new();
        let mut values = Vec::new();
        if let Some(since) = self.since {
            clauses.push("started_at >= ?::TIMESTAMPTZ");
            values.push(since.to_rfc3339());
        }
        if let Some(until) = self.until {
            clauses.push("started_at < ?::TIMESTAMPTZ");
            values.push(until.to_rfc3339());
        }
        if let Some(source) = self.source {
            clauses.push("source = ?");
            values.push(source.as_str().to_string());
        }
        (clauses, values)
    }
}

pub(crate) fn where_sql(clauses: &[&str]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    }
}
