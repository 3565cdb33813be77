//! One page of Tautulli's `get_history`, asked for the way an import needs it: ungrouped
//! (one row per playback segment), without current activity, oldest first, from a row
//! offset. `recordsFiltered` is how many rows match (what the import has to do).

use chrono::NaiveDate;
use serde_json::Value;

use crate::setup::tautulli_client::TautulliClient;
use crate::setup::SetupError;

pub struct HistoryPage {
    /// Rows matching the filter, all pages together.
    pub records_filtered: u64,
    pub rows: Vec<Value>,
}

/// Reads rows `start..start + length`, oldest first, of the plays on or after `since`.
pub async fn fetch(
    client: &TautulliClient,
    since: Option<NaiveDate>,
    start: u64,
    length: usize,
) -> Result<HistoryPage, SetupError> {
    let start = start.to_string();
    let length = length.to_string();
    // Tautulli's `after` keeps days strictly after it (in its own time zone), so the day
    // before `since` is sent to keep `since` itself.
    let after = since
        .and_then(|day| day.pred_opt())
        .map(|day| day.format("%Y-%m-%d").to_string());
    let mut params = vec![
        ("grouping", "0"),
        ("include_activity", "0"),
        ("order_column", "started"),
        ("order_dir", "asc"),
        ("start", start.as_str()),
        ("length", length.as_str()),
    ];
    if let Some(after) = after.as_deref() {
        params.push(("after", after));
    }
    let data = client.call("get_history", &params).await?;
    read(data)
}

fn read(data: Value) -> Result<HistoryPage, SetupError> {
    let shape = |what: &str| SetupError::TautulliError(format!("get_history answered {what}"));
    let records_filtered = match data.get("recordsFiltered") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| shape("no recordsFiltered"))?;
    let rows = match data {
        Value::Object(mut fields) => match fields.remove("data") {
            Some(Value::Array(rows)) => rows,
            Some(Value::Null) | None => Vec::new(),
            Some(_) => return Err(shape("a data that is not a list")),
        },
        _ => Vec::new(),
    };
    Ok(HistoryPage {
        records_filtered,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn counts_as_numbers_or_strings_and_an_empty_page_read() {
        let page = read(json!({"recordsFiltered": "12", "data": [{"row_id": 1}]})).unwrap();
        assert_eq!(page.records_filtered, 12);
        assert_eq!(page.rows.len(), 1);
        let page = read(json!({"recordsFiltered": 0, "data": null})).unwrap();
        assert!(page.rows.is_empty());
        let err = read(json!({"data": []})).err().unwrap();
        assert_eq!(err.code(), "tautulli_error");
    }
}
