//! A fake plex.tv speaking the v2 calls the setup uses, as documented: the account's
//! webhook list (`X-Plex-Token`, 401 for a bad one; a POST of `urls[]` REPLACES the whole
//! list) and PINs (`POST /api/v2/pins?strong=true` needs a client identifier and product;
//! `GET /api/v2/pins/{id}` answers `authToken` once approved, 404 once expired).
//! Plex has no "test" send for webhooks; the fake has none either.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::locked;

#[derive(Debug, Clone)]
pub struct Pin {
    pub code: String,
    pub client_id: String,
    pub strong: bool,
    pub auth_token: Option<String>,
    pub expired: bool,
}

#[derive(Default)]
pub struct PlexState {
    pub tokens: BTreeSet<String>,
    pub webhooks: Vec<String>,
    /// POSTs of the webhook list received.
    pub writes: usize,
    pub pins: BTreeMap<u64, Pin>,
    next_pin: u64,
}

pub struct FakePlexTv {
    pub url: String,
    pub state: Arc<Mutex<PlexState>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakePlexTv {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakePlexTv {
    /// Serves on a free loopback port.
    pub async fn start(valid_token: &str, webhooks: Vec<String>) -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0", valid_token, webhooks).await
    }

    /// Serves on `address`; `valid_token` is the account's token, `webhooks` its list.
    pub async fn start_on(
        address: &str,
        valid_token: &str,
        webhooks: Vec<String>,
    ) -> std::io::Result<Self> {
        let state = Arc::new(Mutex::new(PlexState {
            tokens: [valid_token.to_string()].into(),
            webhooks,
            next_pin: 1_894_500_000_000,
            ..PlexState::default()
        }));
        let app = Router::new()
            .route(
                "/api/v2/user/webhooks",
                get(list_webhooks).post(write_webhooks),
            )
            .route("/api/v2/pins", post(create_pin))
            .route("/api/v2/pins/{id}", get(read_pin))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind(address).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("fake plex.tv stopped: {e}");
            }
        });
        Ok(Self { url, state, server })
    }

    pub fn webhooks(&self) -> Vec<String> {
        locked(&self.state).webhooks.clone()
    }

    pub fn writes(&self) -> usize {
        locked(&self.state).writes
    }

    /// The PIN with this id, as plex.tv holds it.
    pub fn pin(&self, id: u64) -> Option<Pin> {
        locked(&self.state).pins.get(&id).cloned()
    }

    /// The user signs in on app.plex.tv and approves the code.
    pub fn approve(&self, id: u64, token: &str) {
        let mut state = locked(&self.state);
        state.tokens.insert(token.to_string());
        if let Some(pin) = state.pins.get_mut(&id) {
            pin.auth_token = Some(token.to_string());
        }
    }

    pub fn expire(&self, id: u64) {
        if let Some(pin) = locked(&self.state).pins.get_mut(&id) {
            pin.expired = true;
        }
    }
}

fn plex_error(status: StatusCode, code: u32, message: &str) -> Response {
    (
        status,
        Json(json!({"errors": [{"code": code, "message": message, "status": status.as_u16()}]})),
    )
        .into_response()
}

fn authorised(state: &PlexState, headers: &HeaderMap) -> bool {
    headers
        .get("x-plex-token")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|token| state.tokens.contains(token))
}

async fn list_webhooks(State(state): State<Arc<Mutex<PlexState>>>, headers: HeaderMap) -> Response {
    let state = locked(&state);
    if !authorised(&state, &headers) {
        return plex_error(
            StatusCode::UNAUTHORIZED,
            1001,
            "User could not be authenticated",
        );
    }
    let list: Vec<Value> = state
        .webhooks
        .iter()
        .map(|url| json!({"url": url}))
        .collect();
    Json(Value::Array(list)).into_response()
}

async fn write_webhooks(
    State(state): State<Arc<Mutex<PlexState>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = locked(&state);
    if !authorised(&state, &headers) {
        return plex_error(
            StatusCode::UNAUTHORIZED,
            1001,
            "User could not be authenticated",
        );
    }
    state.webhooks = url::form_urlencoded::parse(&body)
        .filter(|(key, _)| key == "urls[]")
        .map(|(_, value)| value.into_owned())
        .collect();
    state.writes += 1;
    StatusCode::CREATED.into_response()
}

fn pin_json(id: u64, pin: &Pin) -> Value {
    json!({"id": id, "code": pin.code, "product": "Cartographus", "trusted": false,
           "clientIdentifier": pin.client_id, "expiresIn": 1800,
           "authToken": pin.auth_token, "newRegistration": null})
}

async fn create_pin(
    State(state): State<Arc<Mutex<PlexState>>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let (Some(client_id), Some(_product)) =
        (header("x-plex-client-identifier"), header("x-plex-product"))
    else {
        return plex_error(
            StatusCode::BAD_REQUEST,
            1000,
            "X-Plex-Client-Identifier and X-Plex-Product are required",
        );
    };
    let strong = query.unwrap_or_default().contains("strong=true");
    let mut state = locked(&state);
    let id = state.next_pin;
    state.next_pin += 1;
    let code = match strong {
        true => "k7m2q9x4w8c3v6b1n5z0a2s4d".to_string(),
        false => "K7M2".to_string(),
    };
    let pin = Pin {
        code,
        client_id,
        strong,
        auth_token: None,
        expired: false,
    };
    let body = pin_json(id, &pin);
    state.pins.insert(id, pin);
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn read_pin(
    State(state): State<Arc<Mutex<PlexState>>>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Response {
    let state = locked(&state);
    let client_id = headers
        .get("x-plex-client-identifier")
        .and_then(|v| v.to_str().ok());
    match state.pins.get(&id) {
        Some(pin) if !pin.expired && client_id == Some(pin.client_id.as_str()) => {
            Json(pin_json(id, pin)).into_response()
        }
        _ => plex_error(StatusCode::NOT_FOUND, 1020, "Code not found or expired"),
    }
}
