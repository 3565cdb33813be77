//! Why one poll of Tautulli's activity failed, with a stable code; the detail is what the
//! `tautulli` health part shows (never the API key or the URL it travels in).

use crate::setup::SetupError;

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error("Tautulli at {address} is unreachable: {reason}")]
    Unreachable { address: String, reason: String },
    #[error("Tautulli refused the API key ({0}); connect it again in Connect a source")]
    Unauthorized(String),
    #[error("Tautulli answered an error: {0}")]
    Refused(String),
    #[error("Tautulli's activity could not be read: {0}")]
    Unreadable(String),
    #[error("the saved Tautulli connection is unusable: {0}")]
    BadConnection(String),
}

impl PollError {
    pub fn code(&self) -> &'static str {
        match self {
            PollError::Unreachable { .. } => "tautulli_unreachable",
            PollError::Unauthorized(_) => "tautulli_unauthorized",
            PollError::Refused(_) => "tautulli_error",
            PollError::Unreadable(_) => "tautulli_activity_unreadable",
            PollError::BadConnection(_) => "tautulli_connection_invalid",
        }
    }
}

impl From<SetupError> for PollError {
    fn from(error: SetupError) -> Self {
        match error {
            SetupError::TautulliUnreachable { address, reason } => {
                PollError::Unreachable { address, reason }
            }
            SetupError::TautulliUnauthorized(message) => PollError::Unauthorized(message),
            SetupError::TautulliError(message) => PollError::Refused(message),
            other => PollError::BadConnection(other.to_string()),
        }
    }
}
