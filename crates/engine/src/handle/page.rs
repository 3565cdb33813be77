//! Cursor paging shared by every list: a page of items and an opaque cursor naming the
//! last one (its sort time and id), so the next page starts strictly after it even while
//! new rows arrive.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::OpError;

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Where a page starts and how long it is.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

impl PageRequest {
    pub fn limit(&self) -> Result<usize, OpError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(n) => Err(OpError::BadRequest(format!(
                "limit {n} is out of range; use 1 to {MAX_LIMIT}"
            ))),
        }
    }

    pub fn after(&self) -> Result<Option<(DateTime<Utc>, String)>, OpError> {
        self.cursor.as_deref().map(decode).transpose()
    }
}

pub fn encode(at: DateTime<Utc>, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{id}", at.timestamp_millis()))
}

fn decode(cursor: &str) -> Result<(DateTime<Utc>, String), OpError> {
    let bad = || OpError::BadRequest(format!("cursor {cursor:?} is not one this API gave out"));
    let text = URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    let (millis, id) = text.split_once('|').ok_or_else(bad)?;
    let at = millis
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .ok_or_else(bad)?;
    Ok((at, id.to_string()))
}

/// Builds a page from `limit + 1` fetched rows: the extra one only says there is more.
pub fn page<T>(
    mut items: Vec<T>,
    limit: usize,
    key: impl Fn(&T) -> (DateTime<Utc>, String),
) -> Page<T> {
    let more = items.len() > limit;
    items.truncate(limit);
    let next_cursor = match items.last() {
        Some(last) if more => {
            let (at, id) = key(last);
            Some(encode(at, &id))
        }
        _ => None,
    };
    Page { items, next_cursor }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let at = DateTime::from_timestamp_millis(1_764_251_010_123).unwrap();
        let request = PageRequest {
            cursor: Some(encode(at, "abc|def")),
            limit: None,
        };
        assert_eq!(request.after().unwrap(), Some((at, "abc|def".to_string())));
        for garbage in ["", "!!!", "bm9waXBl"] {
            let request = PageRequest {
                cursor: Some(garbage.to_string()),
                limit: None,
            };
            assert!(
                matches!(request.after(), Err(OpError::BadRequest(_))),
                "{garbage}"
            );
        }
    }

    #[test]
    fn limits_are_bounded() {
        let with = |n| {
            PageRequest {
                cursor: None,
                limit: Some(n),
            }
            .limit()
        };
        assert_eq!(with(1).unwrap(), 1);
        assert!(with(0).is_err());
        assert!(with(MAX_LIMIT + 1).is_err());
    }

    #[test]
    fn a_page_has_a_cursor_only_when_more_follow() {
        let at = DateTime::from_timestamp_millis(0).unwrap();
        let full = page(vec![1, 2, 3], 2, |n| (at, n.to_string()));
        assert_eq!(full.items, [1, 2]);
        assert_eq!(full.next_cursor, Some(encode(at, "2")));
        let last = page(vec![1, 2], 2, |n| (at, n.to_string()));
        assert_eq!(last.next_cursor, None);
    }
}
