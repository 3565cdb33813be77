//! `GET /api/v1/export/{events,sessions}.{csv,parquet}`: the rows the same filters as the lists cover,
//! written by DuckDB into a temporary file and streamed from disk (never whole in memory);
//! the file is removed when the answer ends or is abandoned.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio_util::io::ReaderStream;

use super::error::ApiError;
use super::queries::{parsed, EventsQuery, ListQuery, SessionsQuery};
use super::AppState;
use crate::handle::TempExport;
use crate::persist::export::{ExportFormat, ExportTable};

/// The rows an export file holds, and its format, from its name.
fn parse_file(file: &str) -> Option<(ExportTable, ExportFormat)> {
    let (rows, extension) = file.rsplit_once('.')?;
    let table = match rows {
        "events" => ExportTable::Events,
        "sessions" => ExportTable::Sessions,
        _ => return None,
    };
    let format = ExportFormat::ALL
        .into_iter()
        .find(|f| f.extension() == extension)?;
    Some((table, format))
}

/// `GET /api/v1/export/{events,sessions}.{csv,parquet}` with the list's own filters.
pub async fn download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let Some((table, format)) = parse_file(&file) else {
        return Err(ApiError::not_found(format!(
            "no export {file:?}: events.csv, events.parquet, sessions.csv or sessions.parquet"
        )));
    };
    match table {
        ExportTable::Events => {
            let filter = unpaged(parsed(Query::<EventsQuery>::try_from_uri(&uri))?)?;
            let export = state.engine.export_events_download(filter, format).await?;
            stream("events", format, export).await
        }
        ExportTable::Sessions => {
            let filter = unpaged(parsed(Query::<SessionsQuery>::try_from_uri(&uri))?)?;
            let export = state
                .engine
                .export_sessions_download(filter, format)
                .await?;
            stream("sessions", format, export).await
        }
    }
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
