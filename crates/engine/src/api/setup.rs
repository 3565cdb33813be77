//! The setup wizard over HTTP (`/api/v1/setup…`, behind the API token): each handler reads
//! its input and calls the engine function the desktop command calls too. Moving the
//! listener is answered from the old address, which then stops taking connections.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};

use super::error::ApiError;
use super::AppState;
use crate::listen::{CheckListenRequest, ListenChanged, ListenCheck, SetListenRequest};
use crate::setup::{
    PlexConnectRequest, PlexPin, PlexPinStatus, PlexRegistered, SetupOverview,
    TautulliConnectRequest, TautulliConnected, TautulliTestResult,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/setup", get(overview))
        .route("/setup/listen", put(set_listen))
        .route("/setup/listen/check", post(check_listen))
        .route(
            "/setup/tautulli",
            post(connect_tautulli).delete(disconnect_tautulli),
        )
        .route("/setup/tautulli/test", post(test_tautulli))
        .route("/setup/plex", post(connect_plex).delete(disconnect_plex))
        .route("/setup/plex/pin", post(start_plex_pin))
        .route("/setup/plex/pin/{id}", get(check_plex_pin))
}

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(b)| b)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

async fn overview(State(state): State<AppState>) -> Result<Json<SetupOverview>, ApiError> {
    Ok(Json(state.engine.get_setup().await?))
}

async fn set_listen(
    State(state): State<AppState>,
    body: Result<Json<SetListenRequest>, JsonRejection>,
) -> Result<Json<ListenChanged>, ApiError> {
    let request = json_body(body)?;
    Ok(Json(state.engine.set_listen(request).await?))
}

/// The body is optional: none checks where the app listens now.
async fn check_listen(
    State(state): State<AppState>,
    body: Result<Option<Json<CheckListenRequest>>, JsonRejection>,
) -> Result<Json<ListenCheck>, ApiError> {
    let request = body
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?
        .map(|Json(b)| b)
        .unwrap_or_default();
    Ok(Json(state.engine.check_listen(request).await?))
}

async fn connect_tautulli(
    State(state): State<AppState>,
    body: Result<Json<TautulliConnectRequest>, JsonRejection>,
) -> Result<Json<TautulliConnected>, ApiError> {
    let request = json_body(body)?;
    Ok(Json(state.engine.connect_tautulli(request).await?))
}

async fn test_tautulli(
    State(state): State<AppState>,
) -> Result<Json<TautulliTestResult>, ApiError> {
    Ok(Json(state.engine.test_tautulli().await?))
}

async fn disconnect_tautulli(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    state.engine.disconnect_tautulli().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn connect_plex(
    State(state): State<AppState>,
    body: Result<Json<PlexConnectRequest>, JsonRejection>,
) -> Result<Json<PlexRegistered>, ApiError> {
    let request = json_body(body)?;
    Ok(Json(state.engine.connect_plex(request).await?))
}

async fn disconnect_plex(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    state.engine.disconnect_plex().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn start_plex_pin(State(state): State<AppState>) -> Result<Json<PlexPin>, ApiError> {
    Ok(Json(state.engine.start_plex_pin().await?))
}

async fn check_plex_pin(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PlexPinStatus>, ApiError> {
    Ok(Json(state.engine.check_plex_pin(&id).await?))
}
