//! The user's time zone as the UI states it: the offsets from UTC over the asked range,
//! `tz=60,120@2026-03-29T01:00:00Z,60@2026-10-25T01:00:00Z` (minutes east of UTC, each from
//! the instant after `@`). The bundled DuckDB has no ICU and the engine no zone database, so
//! the browser — which knows the zone and its daylight-saving rules — names the changes, and
//! the engine shifts each UTC instant by the offset in force (plain integer arithmetic on
//! epoch milliseconds).

use chrono::{DateTime, Utc};

use super::AnalyticsError;

/// Offsets never reach beyond ±18 h (RFC 3339's range); more is a mistake in the request.
const MAX_OFFSET_MIN: i32 = 18 * 60;
/// A year of hourly changes at most: keeps the SQL of one query bounded.
const MAX_CHANGES: usize = 400;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalZone {
    /// The offset before the first change.
    base_min: i32,
    /// (from, offset) in time order.
    changes: Vec<(DateTime<Utc>, i32)>,
}

impl Default for LocalZone {
    /// UTC.
    fn default() -> Self {
        Self {
            base_min: 0,
            changes: Vec::new(),
        }
    }
}

impl LocalZone {
    pub fn parse(text: &str) -> Result<Self, AnalyticsError> {
        let bad = |why: &str| AnalyticsError::BadZone(format!("tz {text:?}: {why}"));
        let mut items = text.split(',').map(str::trim);
        let base_min = offset(items.next().unwrap_or_default()).ok_or_else(|| {
            bad("the first item is the offset in minutes east of UTC, like 60 or -300")
        })?;
        let mut changes: Vec<(DateTime<Utc>, i32)> = Vec::new();
        for item in items {
            let (minutes, from) = item
                .split_once('@')
                .ok_or_else(|| bad("a later item is minutes@RFC 3339 instant"))?;
            let minutes = offset(minutes).ok_or_else(|| bad("an offset is out of range"))?;
            let from = DateTime::parse_from_rfc3339(from)
                .map_err(|_| bad("an instant is not RFC 3339"))?
                .with_timezone(&Utc);
            if changes.last().is_some_and(|(last, _)| *last >= from) {
                return Err(bad("the changes are not in time order"));
            }
            changes.push((from, minutes));
        }
        if changes.len() > MAX_CHANGES {
            return Err(bad("too many changes"));
        }
        Ok(Self { base_min, changes })
    }

    /// Local wall-clock time of `epoch_ms` (a BIGINT SQL expression of UTC milliseconds),
    /// as epoch milliseconds. Every value in the SQL is a number the parser produced.
    pub fn local_ms_sql(&self, epoch_ms: &str) -> String {
        if self.changes.is_empty() {
            return format!("({epoch_ms} + {})", i64::from(self.base_min) * 60_000);
        }
        let mut sql = format!("({epoch_ms} + CASE");
        for (from, minutes) in self.changes.iter().rev() {
            sql.push_str(&format!(
                " WHEN {epoch_ms} >= {} THEN {}",
                from.timestamp_millis(),
                i64::from(*minutes) * 60_000
            ));
        }
        sql.push_str(&format!(" ELSE {} END)", i64::from(self.base_min) * 60_000));
        sql
    }
}

fn offset(text: &str) -> Option<i32> {
    text.parse::<i32>()
        .ok()
        .filter(|m| m.abs() <= MAX_OFFSET_MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_changes_parse_in_order() {
        let zone = LocalZone::parse("60,120@2026-03-29T01:00:00Z,60@2026-10-25T01:00:00Z").unwrap();
        assert_eq!(zone.base_min, 60);
        assert_eq!(zone.changes.len(), 2);
        assert_eq!(zone.changes[0].1, 120);
        assert_eq!(LocalZone::parse("-300").unwrap().base_min, -300);
    }

    #[test]
    fn nonsense_is_refused_with_the_reason() {
        for bad in [
            "",
            "Europe/Berlin",
            "2000",
            "60,120",
            "60,120@yesterday",
            "60,120@2026-10-25T01:00:00Z,60@2026-03-29T01:00:00Z",
        ] {
            let error = LocalZone::parse(bad).unwrap_err();
            assert!(error.to_string().contains("tz"), "{bad}: {error}");
        }
    }
}
