//! Pausing ingestion, the log tail and the diagnostics export over HTTP, each one call into
//! the engine function the desktop commands call.

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::Json;

use super::error::ApiError;
use super::queries::parsed;
use super::AppState;
use crate::diagnostics::DiagnosticsExport;
use crate::handle::IngestionState;
use crate::logs::{LogQuery, LogTail};

pub async fn ingestion(State(state): State<AppState>) -> Json<IngestionState> {
    Json(state.engine.ingestion())
}

pub async fn pause(State(state): State<AppState>) -> Json<IngestionState> {
    Json(state.engine.pause_ingestion())
}

pub async fn resume(State(state): State<AppState>) -> Json<IngestionState> {
    Json(state.engine.resume_ingestion())
}

pub async fn logs(
    State(state): State<AppState>,
    query: Result<Query<LogQuery>, QueryRejection>,
) -> Result<Json<LogTail>, ApiError> {
    Ok(Json(state.engine.log_tail(parsed(query)?).await?))
}

pub async fn export_diagnostics(
    State(state): State<AppState>,
) -> Result<Json<DiagnosticsExport>, ApiError> {
    Ok(Json(state.engine.export_diagnostics().await?))
}

/// The zip of an earlier export, as a download.
pub async fn download_diagnostics(
    State(state): State<AppState>,
    Path(file_name): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let path = state.engine.diagnostics_file(&file_name)?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| ApiError::not_found(format!("no diagnostics export named {file_name:?}")))?;
    Ok((
        [
            (CONTENT_TYPE, "application/zip".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        Body::from(bytes),
    ))
}
