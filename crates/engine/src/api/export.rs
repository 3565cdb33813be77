//! `GET /api/v1/export/{events,sessions}.csv`: the rows the same filters as the lists cover,
//! written by DuckDB into a temporary file and streamed from disk (never whole in memory);
//! the file is removed when the answer ends or is abandoned.

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio_util::io::ReaderStream;

use super::error::ApiError;
use super::queries::{parsed, EventsQuery, ListQuery, SessionsQuery};
use super::AppState;
use crate::handle::TempExport;
use crate::persist::export::ExportFormat;

pub async fn events_csv(
    State(state): State<AppState>,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = unpaged(parsed(query)?)?;
    let export = state
        .engine
        .export_events_download(filter, ExportFormat::Csv)
        .await?;
    stream("events", ExportFormat::Csv, export).await
}

pub async fn sessions_csv(
    State(state): State<AppState>,
    query: Result<Query<SessionsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = unpaged(parsed(query)?)?;
    let export = state
        .engine
        .export_sessions_download(filter, ExportFormat::Csv)
        .await?;
    stream("sessions", ExportFormat::Csv, export).await
}

/// The list's filter; an export is every row, so paging parameters are a mistake.
fn unpaged<Q: ListQuery>(query: Q) -> Result<Q::Filter, ApiError> {
    let (filter, page) = query.split();
    if page.limit.is_some() || page.cursor.is_some() {
        return Err(ApiError::bad_request(
            "an export holds every row the filters cover; leave out limit and cursor",
        ));
    }
    Ok(filter)
}

async fn stream(
    rows: &str,
    format: ExportFormat,
    export: TempExport,
) -> Result<Response, ApiError> {
    let name = format!("cartographus-{rows}.{}", format.extension());
    let file = tokio::fs::File::open(&export.path)
        .await
        .map_err(|e| ApiError::from(crate::handle::OpError::Unavailable(e.to_string())))?;
    let body = Body::from_stream(keep_until_streamed(ReaderStream::new(file), export));
    Ok((
        [
            (CONTENT_TYPE, format.content_type().to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// The file's chunks; the guard travels with the stream, so the file is removed once the
/// last chunk is sent or the client goes away.
fn keep_until_streamed<S>(
    stream: S,
    export: TempExport,
) -> impl futures_util::Stream<Item = S::Item> + Send + 'static
where
    S: futures_util::Stream + Send + 'static,
{
    stream.map(move |chunk| {
        let _held = &export;
        chunk
    })
}
