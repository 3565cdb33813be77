//! `GET /api/v1/events`, `/events/{id}`, `/sessions`, `/sessions/live`: the history and the
//! live view, each a thin call into the engine with its typed query (`queries.rs`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;

use super::error::ApiError;
use super::queries::{parsed, EventsQuery, ListQuery, SessionsQuery};
use super::AppState;
use crate::event::MediaEvent;
use crate::handle::page::Page;
use crate::live::LiveSession;
use crate::session::Session;

pub async fn events(
    State(state): State<AppState>,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Json<Page<MediaEvent>>, ApiError> {
    let (filter, page) = parsed(query)?.split();
    Ok(Json(state.engine.events(filter, page).await?))
}

pub async fn event(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<MediaEvent>, ApiError> {
    Ok(Json(state.engine.event(&id).await?))
}

pub async fn sessions(
    State(state): State<AppState>,
    query: Result<Query<SessionsQuery>, QueryRejection>,
) -> Result<Json<Page<Session>>, ApiError> {
    let (filter, page) = parsed(query)?.split();
    Ok(Json(state.engine.sessions(filter, page).await?))
}

pub async fn live_sessions(State(state): State<AppState>) -> Json<Vec<LiveSession>> {
    Json(state.engine.live_sessions())
}
