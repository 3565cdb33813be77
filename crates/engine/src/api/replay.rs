//! Replay over HTTP: what a range covers (`GET /api/v1/replay/preview?from=&to=`) and running
//! it as a job (`POST /api/v1/replay`). Each parses its input, then calls the engine function
//! the desktop commands call too.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::error::ApiError;
use super::queries::parsed;
use super::AppState;
use crate::jobs::JobStatus;
use crate::persist::replay::{Bound, ReplayRange};
use crate::persist::replay_range::ReplayPreview;

/// `from` and `to` as text: digits are a stream sequence, anything else an RFC 3339 time;
/// empty or left out is that end of the stream.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PreviewQuery {
    from: Option<String>,
    to: Option<String>,
}

impl PreviewQuery {
    fn range(&self) -> Result<ReplayRange, ApiError> {
        let bound = |end: &'static str, text: &Option<String>| match text.as_deref() {
            None | Some("") => Ok(None),
            Some(text) => Bound::parse(end, text).map(Some),
        };
        Ok(ReplayRange {
            from: bound("from", &self.from)?,
            to: bound("to", &self.to)?,
        })
    }
}

pub async fn preview(
    State(state): State<AppState>,
    query: Result<Query<PreviewQuery>, QueryRejection>,
) -> Result<Json<ReplayPreview>, ApiError> {
    let range = parsed(query)?.range()?;
    Ok(Json(state.engine.replay_preview(range).await?))
}

pub async fn replay(
    State(state): State<AppState>,
    body: Result<Json<ReplayRange>, JsonRejection>,
) -> Result<(StatusCode, Json<JobStatus>), ApiError> {
    let range = body
        .map(|Json(b)| b)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    Ok((StatusCode::ACCEPTED, Json(state.engine.replay(range)?)))
}
