//! Commands over the pipeline: the live feed (batches over an IPC channel), history, the
//! dead-letter queue, the dedup audit, replay and jobs. Each is one call into the same
//! engine function the HTTP API calls.

use cartographus_engine::dlq::retry::Retried;
use cartographus_engine::dlq::{DlqEntry, DlqFilter, DlqGroup};
use cartographus_engine::event::MediaEvent;
use cartographus_engine::handle::page::{Page, PageRequest};
use cartographus_engine::handle::{Purged, Restored, RetryPayload, RetrySelection};
use cartographus_engine::import::{ImportRequest, ImportStarted};
use cartographus_engine::jobs::JobStatus;
use cartographus_engine::live::subscription::LiveBatch;
use cartographus_engine::live::LiveSnapshot;
use cartographus_engine::persist::audit::{DedupFilter, DedupRecord};
use cartographus_engine::persist::events::EventFilter;
use cartographus_engine::persist::replay::ReplayRange;
use cartographus_engine::persist::replay_range::ReplayPreview;
use cartographus_engine::persist::sessions::SessionFilter;
use cartographus_engine::session::Session;
use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::State;

use super::CommandError;
use crate::state::DesktopState;

/// Where a page starts (the `next_cursor` of the previous one) and how long it is.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(default)]
pub struct PageArgs {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

impl From<PageArgs> for PageRequest {
    fn from(args: PageArgs) -> Self {
        PageRequest {
            cursor: args.cursor,
            limit: args.limit.map(|n| n as usize),
        }
    }
}

/// Streams the live view to `channel`: a snapshot first, then batches every ~25 ms while
/// anything changes. A new subscription (a reloaded page) replaces the previous one.
#[tauri::command]
#[specta::specta]
pub fn subscribe_live(
    state: State<'_, DesktopState>,
    channel: Channel<LiveBatch>,
) -> Result<(), CommandError> {
    let mut subscription = state.engine_handle()?.subscribe_live();
    let feed = tauri::async_runtime::spawn(async move {
        while let Some(batch) = subscription.next().await {
            if channel.send(batch).is_err() {
                break;
            }
        }
    });
    state.replace_live_feed(feed);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub fn get_live_snapshot(state: State<'_, DesktopState>) -> Result<LiveSnapshot, CommandError> {
    Ok(state.engine_handle()?.live_snapshot())
}

#[tauri::command]
#[specta::specta]
pub async fn list_events(
    state: State<'_, DesktopState>,
    filter: EventFilter,
    page: PageArgs,
) -> Result<Page<MediaEvent>, CommandError> {
    Ok(state.engine_handle()?.events(filter, page.into()).await?)
}

/// One stored event by its id (the Duplicates view's kept twin).
#[tauri::command]
#[specta::specta]
pub async fn get_event(
    state: State<'_, DesktopState>,
    id: String,
) -> Result<MediaEvent, CommandError> {
    Ok(state.engine_handle()?.event(&id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_sessions(
    state: State<'_, DesktopState>,
    filter: SessionFilter,
    page: PageArgs,
) -> Result<Page<Session>, CommandError> {
    Ok(state.engine_handle()?.sessions(filter, page.into()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_dlq(
    state: State<'_, DesktopState>,
    filter: DlqFilter,
    page: PageArgs,
) -> Result<Page<DlqEntry>, CommandError> {
    Ok(state
        .engine_handle()?
        .dlq_entries(filter, page.into())
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_dlq_entry(
    state: State<'_, DesktopState>,
    id: String,
) -> Result<DlqEntry, CommandError> {
    Ok(state.engine_handle()?.dlq_entry(&id).await?)
}

/// Retries one dead letter; `payload` replaces the stored one first (a string is the edited
/// text, anything else JSON), as `POST /api/v1/dlq/{id}/retry` takes it.
#[tauri::command]
#[specta::specta]
pub async fn retry_dlq_entry(
    state: State<'_, DesktopState>,
    id: String,
    payload: Option<RetryPayload>,
) -> Result<Retried, CommandError> {
    Ok(state.engine_handle()?.dlq_retry(&id, payload).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn retry_dlq_entries(
    state: State<'_, DesktopState>,
    selection: RetrySelection,
) -> Result<JobStatus, CommandError> {
    Ok(state.engine_handle()?.dlq_retry_many(selection).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_dlq_entry(
    state: State<'_, DesktopState>,
    id: String,
) -> Result<(), CommandError> {
    Ok(state.engine_handle()?.dlq_delete(&id).await?)
}

/// The dead letters the filter matches, grouped by source, kind and error code.
#[tauri::command]
#[specta::specta]
pub async fn list_dlq_groups(
    state: State<'_, DesktopState>,
    filter: DlqFilter,
) -> Result<Vec<DlqGroup>, CommandError> {
    Ok(state.engine_handle()?.dlq_groups(filter).await?)
}

/// Deletes every dead letter the filter matches.
#[tauri::command]
#[specta::specta]
pub async fn purge_dlq(
    state: State<'_, DesktopState>,
    filter: DlqFilter,
) -> Result<Purged, CommandError> {
    Ok(state.engine_handle()?.dlq_purge(filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_dedup(
    state: State<'_, DesktopState>,
    filter: DedupFilter,
    page: PageArgs,
) -> Result<Page<DedupRecord>, CommandError> {
    Ok(state
        .engine_handle()?
        .dedup_records(filter, page.into())
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn restore_dedup(
    state: State<'_, DesktopState>,
    id: String,
) -> Result<Restored, CommandError> {
    Ok(state.engine_handle()?.restore_duplicate(&id).await?)
}

/// Runs `range` of the stream through the store as a job; watch it with `get_job`.
// Async, so it runs on the runtime: a JetStream context spawns a task when made, and a
// synchronous command runs on the main thread, where that panicked and aborted the app.
#[tauri::command]
#[specta::specta]
pub async fn start_replay(
    state: State<'_, DesktopState>,
    range: ReplayRange,
) -> Result<JobStatus, CommandError> {
    Ok(state.engine_handle()?.replay(range)?)
}

/// What a replay of `range` would cover (`GET /api/v1/replay/preview`).
#[tauri::command]
#[specta::specta]
pub async fn preview_replay(
    state: State<'_, DesktopState>,
    range: ReplayRange,
) -> Result<ReplayPreview, CommandError> {
    Ok(state.engine_handle()?.replay_preview(range).await?)
}

/// Starts (or resumes) the Tautulli history import; watch it with `get_job`.
#[tauri::command]
#[specta::specta]
pub async fn import_tautulli(
    state: State<'_, DesktopState>,
    request: ImportRequest,
) -> Result<ImportStarted, CommandError> {
    Ok(state.engine_handle()?.import_tautulli(request).await?)
}

#[tauri::command]
#[specta::specta]
pub fn get_job(state: State<'_, DesktopState>, id: String) -> Result<JobStatus, CommandError> {
    Ok(state.engine_handle()?.job(&id)?)
}

#[tauri::command]
#[specta::specta]
pub fn cancel_job(state: State<'_, DesktopState>, id: String) -> Result<JobStatus, CommandError> {
    Ok(state.engine_handle()?.cancel_job(&id)?)
}
