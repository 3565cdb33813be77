//! The one place engine errors become HTTP answers: a status and a stable `code` the UI can
//! match, in the contract's shape `{"error":{"code":"…","message":"…"}}`.

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub message: String,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or wrong token",
        )
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", what)
    }

    pub fn forbidden_host(host: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden_host",
            format!("requests for host {host:?} are refused (this server listens on loopback)"),
        )
    }
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
}

/// Engine refusals, each to one status; the code is the engine's own stable code.
impl From<crate::engine::OpError> for ApiError {
    fn from(error: crate::engine::OpError) -> Self {
        use crate::engine::OpError;
        let status = match &error {
            OpError::NotFound(_) => StatusCode::NOT_FOUND,
            OpError::BadRequest(_) => StatusCode::BAD_REQUEST,
            OpError::Conflict(_) => StatusCode::CONFLICT,
            OpError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            OpError::StillFailing { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            OpError::Db(_) => StatusCode::SERVICE_UNAVAILABLE,
        };
        Self::new(status, error.code().to_string(), error.to_string())
    }
}

impl From<crate::persist::DbError> for ApiError {
    fn from(error: crate::persist::DbError) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_failed",
            error.to_string(),
        )
    }
}

/// Setup refusals: the wizard's codes are contract with the UI.
impl From<crate::setup::SetupError> for ApiError {
    fn from(error: crate::setup::SetupError) -> Self {
        use crate::setup::SetupError as E;
        let status = match &error {
            E::InvalidUrl { .. } | E::BadRequest(_) => StatusCode::BAD_REQUEST,
            E::TautulliUnauthorized(_) | E::PlexUnauthorized => StatusCode::UNPROCESSABLE_ENTITY,
            E::TautulliUnreachable { .. }
            | E::TautulliError(_)
            | E::PlextvUnreachable(_)
            | E::PlextvError(_) => StatusCode::BAD_GATEWAY,
            E::NotConnected(_) => StatusCode::CONFLICT,
            E::TestNotReceived { .. } => StatusCode::GATEWAY_TIMEOUT,
            E::PinExpired => StatusCode::GONE,
            E::Settings(_) | E::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Self::new(status, error.code(), error.to_string())
    }
}

impl From<crate::preferences::PreferencesError> for ApiError {
    fn from(error: crate::preferences::PreferencesError) -> Self {
        use crate::preferences::PreferencesError as E;
        let status = match &error {
            E::Invalid { .. } => StatusCode::BAD_REQUEST,
            E::Locked { .. } => StatusCode::CONFLICT,
            E::NotSecret(_) => StatusCode::NOT_FOUND,
            E::Store(_) | E::Apply { .. } | E::Corrupt(_) => StatusCode::SERVICE_UNAVAILABLE,
        };
        Self::new(status, error.code(), error.to_string())
    }
}

/// Listener refusals: the app keeps listening where it did, except `listener_lost`.
impl From<crate::listen::ListenError> for ApiError {
    fn from(error: crate::listen::ListenError) -> Self {
        use crate::listen::ListenError as E;
        let status = match &error {
            E::InvalidAddress { .. } => StatusCode::BAD_REQUEST,
            E::Locked(_) | E::PortInUse { .. } => StatusCode::CONFLICT,
            E::AddressUnavailable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            E::Unreachable { .. } => StatusCode::BAD_GATEWAY,
            E::BindFailed { .. } | E::Lost { .. } | E::NotSaved(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        Self::new(status, error.code(), error.to_string())
    }
}

impl From<crate::logs::LogsError> for ApiError {
    fn from(error: crate::logs::LogsError) -> Self {
        let status = match &error {
            crate::logs::LogsError::Read { .. } => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        Self::new(status, error.code(), error.to_string())
    }
}

impl From<crate::diagnostics::DiagnosticsError> for ApiError {
    fn from(error: crate::diagnostics::DiagnosticsError) -> Self {
        let status = match &error {
            crate::diagnostics::DiagnosticsError::NotFound(_) => StatusCode::NOT_FOUND,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        };
        Self::new(status, error.code(), error.to_string())
    }
}

/// Webhooks while the user has paused ingestion.
impl ApiError {
    pub fn ingestion_paused() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ingestion_paused",
            "ingestion is paused in Cartographus; resume it from the tray or the app",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}
