//! `GET /api/v1/events`, `/events/{id}`, `/sessions`, `/sessions/live`: the history and the
//! live view, each a thin call into the engine with its query parsed and checked here.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::error::ApiError;
use super::AppState;
use crate::engine::page::{Page, PageRequest};
use crate::event::{EventType, MediaEvent, Source};
use crate::live::LiveSession;
use crate::persist::events::EventFilter;
use crate::persist::sessions::SessionFilter;
use crate::session::{Session, SessionState};

/// Query parameters shared by the lists; unknown values are refused with a reason.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListQuery {
    pub source: Option<String>,
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    pub state: Option<String>,
    pub user: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub q: Option<String>,
    pub kind: Option<String>,
    pub code: Option<String>,
    pub rule: Option<String>,
    pub limit: Option<usize>,
    pub cursor: Option<String>,
}

pub fn parsed(query: Result<Query<ListQuery>, QueryRejection>) -> Result<ListQuery, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

impl ListQuery {
    pub fn page(&self) -> PageRequest {
        PageRequest {
            cursor: self.cursor.clone(),
            limit: self.limit,
        }
    }

    pub fn source(&self) -> Result<Option<Source>, ApiError> {
        self.source
            .as_deref()
            .map(|s| {
                Source::parse(s).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "unknown source {s:?}; use tautulli, plex, jellyfin or emby"
                    ))
                })
            })
            .transpose()
    }

    pub fn time(name: &str, value: &Option<String>) -> Result<Option<DateTime<Utc>>, ApiError> {
        value
            .as_deref()
            .map(|v| {
                DateTime::parse_from_rfc3339(v)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| {
                        ApiError::bad_request(format!(
                            "{name}={v:?} is not an RFC 3339 time (2026-11-27T20:00:00Z): {e}"
                        ))
                    })
            })
            .transpose()
    }

    pub fn text(&self) -> Option<String> {
        self.q.clone().filter(|q| !q.trim().is_empty())
    }
}

pub async fn events(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<MediaEvent>>, ApiError> {
    let q = parsed(query)?;
    let event_type = q
        .event_type
        .as_deref()
        .map(|t| {
            EventType::parse(t).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "unknown type {t:?}; use start, stop, pause, resume, progress, watched, buffer or error"
                ))
            })
        })
        .transpose()?;
    let filter = EventFilter {
        source: q.source()?,
        event_type,
        since: ListQuery::time("since", &q.since)?,
        until: ListQuery::time("until", &q.until)?,
        text: q.text(),
        ..EventFilter::default()
    };
    Ok(Json(state.engine.events(filter, q.page()).await?))
}

pub async fn event(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<MediaEvent>, ApiError> {
    Ok(Json(state.engine.event(&id).await?))
}

pub async fn sessions(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<Session>>, ApiError> {
    let q = parsed(query)?;
    let session_state = q
        .state
        .as_deref()
        .map(|s| {
            SessionState::parse(s).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "unknown state {s:?}; use playing, paused, buffering or stopped"
                ))
            })
        })
        .transpose()?;
    let filter = SessionFilter {
        source: q.source()?,
        state: session_state,
        user: q.user.clone(),
        since: ListQuery::time("since", &q.since)?,
        until: ListQuery::time("until", &q.until)?,
        ..SessionFilter::default()
    };
    Ok(Json(state.engine.sessions(filter, q.page()).await?))
}

pub async fn live_sessions(State(state): State<AppState>) -> Json<Vec<LiveSession>> {
    Json(state.engine.live_sessions())
}
