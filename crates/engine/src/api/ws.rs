//! The WebSocket at `/api/v1/ws` (and on `CARTOGRAPHUS_WS_PORT`): messages
//! `{"type": "event"|"session"|"stats"|"health", "data": …}`, starting with the current
//! health and live sessions. A browser page of another origin is refused (cross-site
//! WebSocket hijacking); a client that stops reading falls behind the bounded buffer and is
//! closed with a reason, so it can never hold up ingestion; a client message above
//! [`MAX_CLIENT_MESSAGE_BYTES`] is refused after its frame header, never buffered.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::header::{HOST, ORIGIN};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

use super::auth::{is_loopback_host, split_host_port};
use super::error::ApiError;
use super::AppState;
use crate::live::LiveMessage;

/// A send that takes longer than this means the client stopped reading.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Close code 1008 (policy violation) with a reason the client can show.
const TOO_SLOW: u16 = 1008;
/// Close code 1009 (message too big).
const TOO_BIG: u16 = 1009;
/// Clients have nothing to say beyond control frames; anything larger than this is refused.
pub const MAX_CLIENT_MESSAGE_BYTES: usize = 16 * 1024;

/// Origins allowed to open the socket: none (non-browser clients), loopback pages, the
/// desktop app's own webview, and the page this server itself served — an Origin whose
/// host and port are the request's Host (the web UI on a NAS's LAN address).
pub fn origin_allowed(origin: &str, host: Option<&str>) -> bool {
    if matches!(
        origin,
        "tauri://localhost" | "http://tauri.localhost" | "https://tauri.localhost"
    ) {
        return true;
    }
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    let (Some(origin_host), Some(origin_port)) = (url.host_str(), url.port_or_known_default())
    else {
        return false;
    };
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    if is_loopback_host(origin_host) {
        return true;
    }
    host.is_some_and(|host| {
        let (name, port) = split_host_port(host);
        name.eq_ignore_ascii_case(origin_host) && port.unwrap_or(origin_port) == origin_port
    })
}

pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(HOST).and_then(|v| v.to_str().ok());
        if !origin_allowed(origin, host) {
            return ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "forbidden_origin",
                format!("pages from {origin:?} may not open this socket"),
            )
            .into_response();
        }
    }
    // The frame limit makes the socket refuse an oversized frame from its header alone.
    ws.max_message_size(MAX_CLIENT_MESSAGE_BYTES)
        .max_frame_size(MAX_CLIENT_MESSAGE_BYTES)
        .on_upgrade(move |socket| serve_client(socket, state))
}

/// Whether a read failed because the client's message is over the limit. axum hides the
/// WebSocket library's error type, so this reads tungstenite's message ("Space limit
/// exceeded: Message too long: …"); `listener_limits` tests that such a client gets 1009.
fn is_too_big(error: &axum::Error) -> bool {
    error.to_string().contains("Message too long")
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
            .map(|session| LiveMessage::Session(Box::new(session))),
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
                Some(Ok(Message::Close(_))) | None => return,
                Some(Err(e)) => {
                    if is_too_big(&e) {
                        let close = Message::Close(Some(CloseFrame {
                            code: TOO_BIG,
                            reason: format!(
                                "message too big: at most {MAX_CLIENT_MESSAGE_BYTES} bytes"
                            )
                            .into(),
                        }));
                        let _ = tokio::time::timeout(SEND_TIMEOUT, socket.send(close)).await;
                    }
                    return;
                }
                Some(Ok(_)) => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_desktop_and_loopback_pages_may_connect() {
        for origin in [
            "tauri://localhost",
            "http://tauri.localhost",
            "http://127.0.0.1:5173",
            "http://localhost:3857",
            "https://[::1]:3857",
        ] {
            assert!(origin_allowed(origin, Some("127.0.0.1:3857")), "{origin}");
        }
    }

    #[test]
    fn the_page_of_the_requested_host_may_connect() {
        let cases = [
            ("http://192.168.1.20:3857", "192.168.1.20:3857"),
            ("http://NAS.local:3857", "nas.local:3857"),
            ("http://nas.local", "nas.local"),
            ("http://nas.local", "nas.local:80"),
            ("https://nas.local", "nas.local:443"),
            ("http://[fe80::2]:3857", "[fe80::2]:3857"),
        ];
        for (origin, host) in cases {
            assert!(origin_allowed(origin, Some(host)), "{origin} on {host}");
        }
    }

    #[test]
    fn foreign_pages_are_refused() {
        let cases = [
            ("https://evil.example", Some("192.168.1.20:3857")),
            ("http://192.168.1.20:8080", Some("192.168.1.20:3857")),
            ("http://192.168.1.21:3857", Some("192.168.1.20:3857")),
            ("http://nas.local", Some("nas.local:3857")),
            ("http://192.168.1.20:3857", None),
            ("null", Some("192.168.1.20:3857")),
            ("file://", Some("192.168.1.20:3857")),
            ("ftp://192.168.1.20:3857", Some("192.168.1.20:3857")),
        ];
        for (origin, host) in cases {
            assert!(!origin_allowed(origin, host), "{origin} on {host:?}");
        }
    }
}
