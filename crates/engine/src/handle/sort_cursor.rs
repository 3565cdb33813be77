//! The cursor of a sorted session list: the sort it belongs to, the last row's sort value
//! and id, opaque to callers. A cursor from another sort is refused rather than misread.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::OpError;
use crate::persist::sessions::{SessionFilter, SortPosition};

pub fn encode(filter: &SessionFilter, position: &SortPosition) -> String {
    let parts = [
        filter.sort_key().as_str(),
        order_name(filter),
        position.value.as_str(),
        position.session_id.as_str(),
    ];
    // Serialising four strings cannot fail; an empty cursor would only restart the list.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&parts).unwrap_or_default())
}

pub fn decode(filter: &SessionFilter, cursor: &str) -> Result<SortPosition, OpError> {
    let bad = || OpError::BadRequest(format!("cursor {cursor:?} is not one this API gave out"));
    let [key, order, value, session_id]: [String; 4] = URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(bad)?;
    if key != filter.sort_key().as_str() || order != order_name(filter) {
        return Err(OpError::BadRequest(format!(
            "cursor {cursor:?} belongs to another sort ({key} {order}); start the list again"
        )));
    }
    Ok(SortPosition { value, session_id })
}

fn order_name(filter: &SessionFilter) -> &'static str {
    match filter.sort_order() {
        crate::persist::sessions::SortOrder::Asc => "asc",
        crate::persist::sessions::SortOrder::Desc => "desc",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::sessions::{SessionSortKey, SortOrder};

    #[test]
    fn a_cursor_round_trips_and_another_sorts_cursor_is_refused() {
        let by_user = SessionFilter {
            sort: Some(SessionSortKey::User),
            order: Some(SortOrder::Asc),
            ..SessionFilter::default()
        };
        let position = SortPosition {
            value: "a|b\"c".into(),
            session_id: "s-1".into(),
        };
        let cursor = encode(&by_user, &position);
        assert_eq!(decode(&by_user, &cursor).unwrap(), position);
        let newest = SessionFilter::default();
        assert!(matches!(
            decode(&newest, &cursor),
            Err(OpError::BadRequest(m)) if m.contains("another sort")
        ));
        assert!(matches!(
            decode(&newest, "garbage"),
            Err(OpError::BadRequest(_))
        ));
    }
}
