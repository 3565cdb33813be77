//! The HTTP edge: routes, auth, limits and the web UI. Handlers are thin: each calls one
//! [`EngineHandle`](crate::EngineHandle) function, the same one the desktop commands call.
//! [`serve`] runs a router on a listener with the connection limits.

mod analytics;
pub mod auth;
mod dead_letters;
pub mod error;
mod export;
mod history;
mod import;
mod maintenance;
pub mod queries;
mod replay;
mod serve;
mod settings;
mod setup;
mod ui;
pub mod webhooks;
pub mod ws;

pub(crate) use serve::serve_releasing;
pub use serve::{serve, Limits};

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};

use crate::handle::EngineHandle;

/// Webhook and API bodies above this are refused (413).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub engine: EngineHandle,
}

pub fn router(engine: EngineHandle) -> Router {
    let state = AppState { engine };
    let protected = Router::new()
        .route("/info", get(info))
        .route("/stats", get(stats))
        .route("/stats/history", get(stats_history))
        .route("/events", get(history::events))
        .route("/events/{id}", get(history::event))
        .route("/sessions", get(history::sessions))
        .route("/sessions/live", get(history::live_sessions))
        .route("/analytics/plays", get(analytics::plays))
        .route("/analytics/concurrent", get(analytics::concurrent))
        .route("/export/{file}", get(export::download))
        .route("/dlq", get(dead_letters::list).delete(dead_letters::purge))
        .route("/dlq/retry", post(dead_letters::retry_many))
        .route("/dlq/groups", get(dead_letters::groups))
        .route(
            "/dlq/{id}",
            get(dead_letters::get).delete(dead_letters::delete),
        )
        .route("/dlq/{id}/retry", post(dead_letters::retry))
        .route("/dedup", get(dead_letters::dedup))
        .route("/dedup/{id}/restore", post(dead_letters::restore))
        .route("/replay", post(replay::replay))
        .route("/replay/preview", get(replay::preview))
        .route("/import/tautulli", post(import::tautulli))
        .route(
            "/jobs/{id}",
            get(dead_letters::job).delete(dead_letters::cancel_job),
        )
        .merge(setup::routes())
        .route("/settings", get(settings::get).patch(settings::patch))
        .route("/settings/{key}/secret", get(settings::reveal))
        .route("/settings/{key}/regenerate", post(settings::regenerate))
        .route("/ingestion", get(maintenance::ingestion))
        .route("/ingestion/pause", post(maintenance::pause))
        .route("/ingestion/resume", post(maintenance::resume))
        .route("/logs", get(maintenance::logs))
        .route("/diagnostics", post(maintenance::export_diagnostics))
        .route(
            "/diagnostics/{file_name}",
            get(maintenance::download_diagnostics),
        )
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_api_token,
        ));
    let socket =
        Router::new()
            .route("/ws", get(ws::upgrade))
            .route_layer(middleware::from_fn_with_state(
                state.clone(),
                auth::require_upgrade_token,
            ));
    let metrics =
        Router::new()
            .route("/metrics", get(metrics))
            .route_layer(middleware::from_fn_with_state(
                state.clone(),
                auth::require_api_token,
            ));
    let api = Router::new()
        .route("/health", get(health))
        .merge(protected)
        .merge(socket)
        .fallback(api_not_found)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    Router::new()
        .nest("/api/v1", api)
        .route("/webhooks/{source}", post(webhooks::receive))
        .merge(metrics)
        .merge(ui::routes(state.engine.locations().ui_dir.clone()))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_loopback_host,
        ))
        .layer(
            // Only method and path: query strings carry webhook tokens.
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    tracing::debug_span!("http", method = %request.method(), path = %request.uri().path())
                })
                // A 503 from health is an answer, not an error; failures worth an error are
                // logged where they happen, with their reason.
                .on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)),
        )
        .with_state(state)
}

/// The router of the WebSocket-only port: the same socket, token and Host check as on the
/// main listener, nothing else.
pub fn ws_router(engine: EngineHandle) -> Router {
    let state = AppState { engine };
    Router::new()
        .route("/api/v1/ws", get(ws::upgrade))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_upgrade_token,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_loopback_host,
        ))
        .with_state(state)
}

/// Public: without a token, the verdicts only (monitors need no secret to ask whether we
/// are up); with the API token as a bearer, the details too. A wrong token is refused
/// rather than silently answered with less.
async fn health(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<axum::response::Response, error::ApiError> {
    let presented = auth::bearer_token(&headers);
    if presented.is_some() {
        auth::check(&state.engine.api_token(), presented)?;
    }
    let health = state.engine.health();
    let status = if health.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    Ok(match presented {
        Some(_) => (status, Json(health)).into_response(),
        None => (status, Json(health.public())).into_response(),
    })
}

async fn info(State(state): State<AppState>) -> impl IntoResponse {
    Json(state.engine.info())
}

async fn stats(
    State(state): State<AppState>,
) -> Result<Json<crate::stats::Stats>, error::ApiError> {
    Ok(Json(state.engine.stats().await?))
}

async fn stats_history(
    State(state): State<AppState>,
) -> Result<Json<crate::handle::StatsHistoryView>, error::ApiError> {
    Ok(Json(state.engine.stats_history()?))
}

async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, error::ApiError> {
    let text = state.engine.metrics_text().await?;
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        text,
    ))
}

async fn api_not_found() -> error::ApiError {
    error::ApiError::not_found("no such API route")
}
