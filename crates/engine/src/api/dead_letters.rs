//! DLQ, dedup audit and jobs over HTTP (docs/architecture.md#json-api). Each handler parses
//! and checks its input, then calls the engine function the desktop commands call too.

use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::error::ApiError;
use super::queries::{parsed, DedupQuery, DlqQuery, ListQuery};
use super::AppState;
use crate::dlq::retry::Retried;
use crate::dlq::{DlqEntry, DlqFilter, DlqGroup};
use crate::handle::page::Page;
use crate::handle::{Purged, Restored, RetryPayload, RetrySelection};
use crate::jobs::JobStatus;
use crate::persist::audit::DedupRecord;

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(b)| b)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<DlqQuery>, QueryRejection>,
) -> Result<Json<Page<DlqEntry>>, ApiError> {
    let (filter, page) = parsed(query)?.split();
    Ok(Json(state.engine.dlq_entries(filter, page).await?))
}

pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<DlqEntry>, ApiError> {
    Ok(Json(state.engine.dlq_entry(&id).await?))
}

/// Body of a single retry: `{"payload": …}` replaces the stored payload first; no body
/// retries it as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RetryBody {
    payload: Option<RetryPayload>,
}

pub async fn retry(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Retried>, ApiError> {
    let request: RetryBody = if body.iter().all(u8::is_ascii_whitespace) {
        RetryBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad_request(format!("the body is not {{\"payload\": …}}: {e}"))
        })?
    };
    Ok(Json(state.engine.dlq_retry(&id, request.payload).await?))
}

pub async fn retry_many(
    State(state): State<AppState>,
    body: Result<Json<RetrySelection>, JsonRejection>,
) -> Result<(StatusCode, Json<JobStatus>), ApiError> {
    let selection = json_body(body)?;
    let job = state.engine.dlq_retry_many(selection).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.engine.dlq_delete(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/v1/dlq?…` purges what the filter matches; with no filter, everything.
pub async fn groups(
    State(state): State<AppState>,
    query: Result<Query<DlqFilter>, QueryRejection>,
) -> Result<Json<Vec<DlqGroup>>, ApiError> {
    Ok(Json(state.engine.dlq_groups(parsed(query)?).await?))
}

pub async fn purge(
    State(state): State<AppState>,
    query: Result<Query<DlqFilter>, QueryRejection>,
) -> Result<Json<Purged>, ApiError> {
    Ok(Json(state.engine.dlq_purge(parsed(query)?).await?))
}

pub async fn dedup(
    State(state): State<AppState>,
    query: Result<Query<DedupQuery>, QueryRejection>,
) -> Result<Json<Page<DedupRecord>>, ApiError> {
    let (filter, page) = parsed(query)?.split();
    Ok(Json(state.engine.dedup_records(filter, page).await?))
}

pub async fn restore(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Restored>, ApiError> {
    Ok(Json(state.engine.restore_duplicate(&id).await?))
}

pub async fn job(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JobStatus>, ApiError> {
    Ok(Json(state.engine.job(&id)?))
}

pub async fn cancel_job(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JobStatus>, ApiError> {
    Ok(Json(state.engine.cancel_job(&id)?))
}
