//! `GET /api/v1/analytics/plays` and `/analytics/concurrent`: the charts' data, each one
//! call into the engine function the desktop commands call.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;

use super::error::ApiError;
use super::queries::parsed;
use super::AppState;
use crate::analytics::{Concurrent, Plays, PlaysQuery, Range};

pub async fn plays(
    State(state): State<AppState>,
    query: Result<Query<PlaysQuery>, QueryRejection>,
) -> Result<Json<Plays>, ApiError> {
    Ok(Json(state.engine.analytics_plays(parsed(query)?).await?))
}

pub async fn concurrent(
    State(state): State<AppState>,
    query: Result<Query<Range>, QueryRejection>,
) -> Result<Json<Concurrent>, ApiError> {
    Ok(Json(
        state.engine.analytics_concurrent(parsed(query)?).await?,
    ))
}
