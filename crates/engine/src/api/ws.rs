//! The WebSocket at `/api/v1/ws` (and on `CARTOGRAPHUS_WS_PORT`): messages
//! `{"type": "event"|"session"|"stats"|"health", "data": …}`, starting with the current
//! health and live sessions. A browser page of another origin is refused (DNS rebinding);
//! a client that stops reading falls behind the bounded buffer and is closed with a reason,
//! so it can never hold up ingestion.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::header::ORIGIN;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

use super::auth::is_loopback_host;
use super::error::ApiError;
use super::AppState;
use crate::live::LiveMessage;

/// A send that takes longer than this means the client stopped reading.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Close code 1008 (policy violation) with a reason the client can show.
const TOO_SLOW: u16 = 1008;

/// Origins allowed to open the socket: none (non-browser clients), loopback pages, and
/// the desktop app's own webview.
pub fn origin_allowed(origin: &str) -> bool {
    if matches!(
        origin,
        "tauri://localhost" | "http://tauri.localhost" | "https://tauri.localhost"
    ) {
        return true;
    }
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(is_loopback_host)
}

pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        if !origin_allowed(origin) {
            return ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "forbidden_origin",
                format!("pages from {origin:?} may not open this socket"),
            )
            .into_response();
        }
    }
    ws.on_upgrade(move |socket| serve_client(socket, state))
}

fn encode(message: &LiveMessage) -> Option<Message> {
    match serde_json::to_string(message) {
        Ok(text) => Some(Message::Text(text.into())),
        Err(e) => {
            tracing::error!("cannot encode a live message: {e}");
            None
        }
    }
}

async fn send(socket: &mut WebSocket, message: &LiveMessage) -> Result<(), &'static str> {
    let Some(frame) = encode(message) else {
        return Ok(());
    };
    match tokio::time::timeout(SEND_TIMEOUT, socket.send(frame)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err("gone"),
        Err(_) => Err("too slow: the client stopped reading"),
    }
}

async fn serve_client(mut socket: WebSocket, state: AppState) {
    // Subscribe before the first view so nothing between the two is missed.
    let mut updates = state.engine.subscribe_live_messages();
    let mut first = vec![LiveMessage::Health(state.engine.health())];
    first.extend(
        state
            .engine
            .live_snapshot()
            .sessions
            .into_iter()
            .map(LiveMessage::Session),
    );
    for message in &first {
        if send(&mut socket, message).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            update = updates.recv() => {
                let outcome = match update {
                    Ok(message) => send(&mut socket, &message).await,
                    Err(RecvError::Lagged(missed)) => {
                        tracing::info!(missed, "closing a WebSocket client that fell behind");
                        Err("too slow: the client fell behind the live feed")
                    }
                    Err(RecvError::Closed) => Err("the engine is stopping"),
                };
                if let Err(reason) = outcome {
                    if reason != "gone" {
                        let _ = socket
                            .send(Message::Close(Some(CloseFrame {
                                code: TOO_SLOW,
                                reason: reason.into(),
                            })))
                            .await;
                    }
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                // Clients have nothing to say; pings are answered by axum.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
