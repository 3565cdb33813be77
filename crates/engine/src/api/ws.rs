//! The WebSocket at `/api/v1/ws`: messages `{"type": "health"|"event"|"session"|"stats",
//! "data": …}`. Each client reads from watch channels, so a slow client only ever sees the
//! latest state and can never hold up the engine.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

use super::AppState;

#[derive(Serialize)]
#[serde(tag = "type", content = "data", rename_all = "lowercase")]
enum Outgoing<'a> {
    Health(&'a crate::health::Health),
}

pub async fn upgrade(State(state): State<AppState>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| serve_client(socket, state))
}

async fn serve_client(mut socket: WebSocket, state: AppState) {
    let mut health = state.engine.subscribe_health();
    health.mark_changed();
    loop {
        tokio::select! {
            changed = health.changed() => {
                if changed.is_err() {
                    return;
                }
                let text = match serde_json::to_string(&Outgoing::Health(&health.borrow_and_update())) {
                    Ok(text) => text,
                    Err(e) => {
                        tracing::error!("cannot encode health: {e}");
                        return;
                    }
                };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                // Clients have nothing to say yet; pings are answered by axum.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
