//! `GET|PATCH /api/v1/settings`, revealing a secret and regenerating a token: thin over
//! the engine's settings functions, which the desktop commands call too.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::{Map, Value};

use super::error::ApiError;
use super::AppState;
use crate::preferences::{
    PreferencesError, Regenerated, RevealedSecret, SettingsUpdate, SettingsView,
};

pub async fn get(State(state): State<AppState>) -> Result<Json<SettingsView>, ApiError> {
    Ok(Json(state.engine.settings()?))
}

/// Body: `{"<key>": <value or null>, …}`; all or nothing.
pub async fn patch(
    State(state): State<AppState>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<SettingsUpdate>, ApiError> {
    let changes: Map<String, Value> = match body {
        Ok(Json(Value::Object(changes))) => changes,
        Ok(Json(_)) => {
            return Err(PreferencesError::invalid(
                "settings",
                "expected a JSON object of setting names and values",
            )
            .into())
        }
        Err(rejection) => {
            return Err(PreferencesError::invalid("settings", rejection.body_text()).into())
        }
    };
    Ok(Json(state.engine.update_settings(changes).await?))
}

pub async fn reveal(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Json<RevealedSecret>, ApiError> {
    Ok(Json(state.engine.reveal_secret(&key)?))
}

pub async fn regenerate(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Json<Regenerated>, ApiError> {
    Ok(Json(state.engine.regenerate_token(&key).await?))
}
