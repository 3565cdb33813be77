//! The query string of each list route as its own type, deserialised straight into the
//! engine's enums and times: a bad value or a parameter the route does not know is a 400
//! naming it (axum reports the field's path). Paging (`limit`, `cursor`) stays two plain
//! fields on each list query — serde's `flatten` would read numbers from a query string as
//! text and ignore `deny_unknown_fields` — and leaves as a [`PageRequest`], apart from the
//! filter the persistence layer sees.

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::error::ApiError;
use crate::dlq::{DlqFilter, DlqKind};
use crate::event::{EventType, MediaType, Source};
use crate::handle::page::PageRequest;
use crate::persist::audit::DedupFilter;
use crate::persist::dedup::DedupRule;
use crate::persist::events::EventFilter;
use crate::persist::sessions::{SessionFilter, SessionSortKey, SortOrder, StreamDecision};
use crate::session::SessionState;

/// The query, or a 400 whose message names the parameter that is wrong.
pub fn parsed<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

/// A list query: its filter and where its page starts.
pub trait ListQuery {
    type Filter;
    fn split(self) -> (Self::Filter, PageRequest);
}

/// `server=` (empty) filters nothing, like a parameter left out.
fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

fn page(limit: Option<usize>, cursor: Option<String>) -> PageRequest {
    PageRequest { cursor, limit }
}

/// `GET /api/v1/events`
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventsQuery {
    source: Option<Source>,
    server: Option<String>,
    #[serde(rename = "type")]
    event_type: Option<EventType>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    q: Option<String>,
    session: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

impl ListQuery for EventsQuery {
    type Filter = EventFilter;

    fn split(self) -> (EventFilter, PageRequest) {
        let filter = EventFilter {
            source: self.source,
            server: non_empty(self.server),
            event_type: self.event_type,
            since: self.since,
            until: self.until,
            q: self.q,
            session: self.session,
        };
        (filter, page(self.limit, self.cursor))
    }
}

/// `GET /api/v1/sessions`
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionsQuery {
    source: Option<Source>,
    server: Option<String>,
    state: Option<SessionState>,
    user: Option<String>,
    media_type: Option<MediaType>,
    decision: Option<StreamDecision>,
    q: Option<String>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    sort: Option<SessionSortKey>,
    order: Option<SortOrder>,
    limit: Option<usize>,
    cursor: Option<String>,
}

impl ListQuery for SessionsQuery {
    type Filter = SessionFilter;

    fn split(self) -> (SessionFilter, PageRequest) {
        let filter = SessionFilter {
            source: self.source,
            server: non_empty(self.server),
            state: self.state,
            user: self.user,
            media_type: self.media_type,
            decision: self.decision,
            q: self.q,
            since: self.since,
            until: self.until,
            open_only: false,
            sort: self.sort,
            order: self.order,
        };
        (filter, page(self.limit, self.cursor))
    }
}

/// `GET /api/v1/dlq`; `DELETE /api/v1/dlq` takes the [`DlqFilter`] alone (a purge has no
/// pages).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DlqQuery {
    source: Option<Source>,
    kind: Option<DlqKind>,
    code: Option<String>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    q: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

impl ListQuery for DlqQuery {
    type Filter = DlqFilter;

    fn split(self) -> (DlqFilter, PageRequest) {
        let filter = DlqFilter {
            source: self.source,
            kind: self.kind,
            code: self.code,
            since: self.since,
            until: self.until,
            q: self.q,
        };
        (filter, page(self.limit, self.cursor))
    }
}

/// `GET /api/v1/dedup`
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupQuery {
    rule: Option<DedupRule>,
    limit: Option<usize>,
    cursor: Option<String>,
}

impl ListQuery for DedupQuery {
    type Filter = DedupFilter;

    fn split(self) -> (DedupFilter, PageRequest) {
        (
            DedupFilter { rule: self.rule },
            page(self.limit, self.cursor),
        )
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Uri;

    use super::*;

    fn query<T: serde::de::DeserializeOwned>(q: &str) -> Result<T, String> {
        let uri: Uri = format!("/x?{q}").parse().unwrap();
        Query::<T>::try_from_uri(&uri)
            .map(|Query(q)| q)
            .map_err(|rejection| rejection.body_text())
    }

    #[test]
    fn values_land_in_the_engines_types() {
        let (filter, page) = query::<EventsQuery>(
            "source=plex&type=start&since=2026-11-27T20:00:00Z&q=night&limit=3&cursor=abc",
        )
        .unwrap()
        .split();
        assert_eq!(filter.source, Some(Source::Plex));
        assert_eq!(filter.event_type, Some(EventType::Start));
        assert_eq!(
            filter.since.unwrap().to_rfc3339(),
            "2026-11-27T20:00:00+00:00"
        );
        assert_eq!(filter.q.as_deref(), Some("night"));
        assert_eq!((page.limit, page.cursor.as_deref()), (Some(3), Some("abc")));
        let (filter, _) = query::<EventsQuery>("server=srv-1").unwrap().split();
        assert_eq!(filter.server.as_deref(), Some("srv-1"));
        let (filter, _) = query::<SessionsQuery>("server=&source=jellyfin")
            .unwrap()
            .split();
        assert_eq!(filter.server, None);
        assert_eq!(filter.source, Some(Source::Jellyfin));
        let (dlq, _) = query::<DlqQuery>("source=emby&kind=rejected")
            .unwrap()
            .split();
        assert_eq!(dlq.source, Some(Source::Emby));
        assert_eq!(dlq.kind, Some(DlqKind::Rejected));
        let (dedup, _) = query::<DedupQuery>("rule=cross_source").unwrap().split();
        assert_eq!(dedup.rule, Some(DedupRule::CrossSource));
    }

    #[test]
    fn a_bad_value_is_refused_naming_its_parameter() {
        for (q, parameter) in [
            ("source=kodi", "source"),
            ("type=launch", "type"),
            ("since=yesterday", "since"),
            ("limit=ten", "limit"),
        ] {
            let error = query::<EventsQuery>(q).unwrap_err();
            assert!(error.contains(parameter), "{q}: {error}");
        }
        let error = query::<SessionsQuery>("state=dancing").unwrap_err();
        assert!(error.contains("state"), "{error}");
        let error = query::<DlqQuery>("kind=weird").unwrap_err();
        assert!(error.contains("kind"), "{error}");
        let error = query::<DedupQuery>("rule=vibes").unwrap_err();
        assert!(error.contains("rule"), "{error}");
    }

    #[test]
    fn a_parameter_of_another_route_is_refused() {
        for q in ["color=red", "rule=session", "kind=rejected"] {
            let error = query::<EventsQuery>(q).unwrap_err();
            assert!(error.contains("unknown field"), "{q}: {error}");
        }
        assert!(query::<DedupQuery>("source=plex").is_err());
        assert!(query::<SessionsQuery>("type=start").is_err());
        let purge = query::<DlqFilter>("limit=5").unwrap_err();
        assert!(purge.contains("limit"), "{purge}");
    }
}
