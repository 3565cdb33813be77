//! Why a setup call failed. Each variant has a stable snake_case code the UI matches on;
//! the HTTP status is chosen once, in `api/error.rs`. No message ever carries an API key,
//! a token or a URL's credentials.

use crate::error::{codes, CodedError, ErrorKind};
use crate::settings::SettingsError;

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// `field` names the request field (`url`, `callback_base`).
    #[error(
        "`{field}` must be an http:// or https:// address with a host and no query, like {example}"
    )]
    InvalidUrl {
        field: &'static str,
        example: &'static str,
    },
    #[error("{0}")]
    BadRequest(String),
    #[error("Tautulli refused the API key ({0}); copy it from Tautulli's Settings → Web Interface → API key")]
    TautulliUnauthorized(String),
    #[error("cannot reach Tautulli at {address}: {reason}")]
    TautulliUnreachable { address: String, reason: String },
    #[error("Tautulli answered with an error: {0}")]
    TautulliError(String),
    #[error("{0} is not connected; connect it first")]
    NotConnected(&'static str),
    /// `hint` says which address Tautulli was told to call and what to try.
    #[error("the test notification did not arrive: {hint}")]
    TestNotReceived { hint: String },
    #[error("plex.tv refused the token (HTTP 401); sign in with Plex again")]
    PlexUnauthorized,
    #[error("cannot reach plex.tv: {0}")]
    PlextvUnreachable(String),
    #[error("plex.tv answered with an error: {0}")]
    PlextvError(String),
    #[error("the Plex sign-in code has expired; start the sign-in again")]
    PinExpired,
    #[error("the settings cannot be saved: {0}")]
    Settings(#[from] SettingsError),
    #[error("{0}")]
    Internal(String),
}

impl SetupError {
    pub fn code(&self) -> &'static str {
        match self {
            SetupError::InvalidUrl { .. } => "invalid_url",
            SetupError::BadRequest(_) => codes::BAD_REQUEST,
            SetupError::TautulliUnauthorized(_) => "tautulli_unauthorized",
            SetupError::TautulliUnreachable { .. } => "tautulli_unreachable",
            SetupError::TautulliError(_) => "tautulli_error",
            SetupError::NotConnected(_) => "not_connected",
            SetupError::TestNotReceived { .. } => "test_not_received",
            SetupError::PlexUnauthorized => "plex_unauthorized",
            SetupError::PlextvUnreachable(_) => "plextv_unreachable",
            SetupError::PlextvError(_) => "plextv_error",
            SetupError::PinExpired => "pin_expired",
            SetupError::Settings(_) => codes::SETTINGS_UNWRITABLE,
            SetupError::Internal(_) => "internal",
        }
    }
}

impl CodedError for SetupError {
    fn code(&self) -> &str {
        SetupError::code(self)
    }

    fn kind(&self) -> ErrorKind {
        match self {
            SetupError::InvalidUrl { .. } | SetupError::BadRequest(_) => ErrorKind::BadRequest,
            SetupError::TautulliUnauthorized(_) | SetupError::PlexUnauthorized => {
                ErrorKind::Unprocessable
            }
            SetupError::TautulliUnreachable { .. }
            | SetupError::TautulliError(_)
            | SetupError::PlextvUnreachable(_)
            | SetupError::PlextvError(_) => ErrorKind::UpstreamFailed,
            SetupError::NotConnected(_) => ErrorKind::Conflict,
            SetupError::TestNotReceived { .. } => ErrorKind::UpstreamTimeout,
            SetupError::PinExpired => ErrorKind::Gone,
            SetupError::Settings(_) | SetupError::Internal(_) => ErrorKind::Internal,
        }
    }
}
