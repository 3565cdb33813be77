//! `POST /api/v1/import/tautulli`: starts (or resumes) the history import job, answered
//! 202 with its id; the job is watched and cancelled at `/api/v1/jobs/{id}`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use super::error::ApiError;
use super::AppState;
use crate::import::{ImportRequest, ImportStarted};

pub async fn tautulli(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportStarted>), ApiError> {
    // The body is optional: no body is an import of everything.
    let request = if body.iter().all(u8::is_ascii_whitespace) {
        ImportRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("the body is not an import request: {e}")))?
    };
    let started = state.engine.import_tautulli(request).await?;
    Ok((StatusCode::ACCEPTED, Json(started)))
}
