//! Why a settings call was refused; each variant has one stable code and kind, which both
//! adapters pass on unchanged.

use crate::error::{codes, CodedError, ErrorKind};
use crate::settings::SettingsError;

#[derive(Debug, thiserror::Error)]
pub enum PreferencesError {
    /// Unknown key or a value the setting cannot take; the message starts with the key.
    #[error("{key}: {reason}")]
    Invalid { key: String, reason: String },
    #[error("{key}: fixed by {by}; change or unset {by} and restart to change it")]
    Locked { key: String, by: String },
    #[error("{0}: no such secret setting")]
    NotSecret(String),
    #[error("settings not saved: {0}")]
    Store(#[from] SettingsError),
    #[error("{key}: cannot apply the change now, nothing was saved: {reason}")]
    Apply { key: String, reason: String },
    /// The settings file holds something this version cannot read.
    #[error("settings file: {0}")]
    Corrupt(String),
}

impl PreferencesError {
    pub fn code(&self) -> &'static str {
        match self {
            PreferencesError::Invalid { .. } => "invalid_setting",
            PreferencesError::Locked { .. } => codes::LOCKED,
            PreferencesError::NotSecret(_) => codes::NOT_FOUND,
            PreferencesError::Store(_) => codes::SETTINGS_UNWRITABLE,
            PreferencesError::Apply { .. } => "apply_failed",
            PreferencesError::Corrupt(_) => "settings_corrupt",
        }
    }

    pub fn invalid(key: &str, reason: impl Into<String>) -> Self {
        PreferencesError::Invalid {
            key: key.to_string(),
            reason: reason.into(),
        }
    }
}

impl CodedError for PreferencesError {
    fn code(&self) -> &str {
        PreferencesError::code(self)
    }

    fn kind(&self) -> ErrorKind {
        match self {
            PreferencesError::Invalid { .. } => ErrorKind::BadRequest,
            PreferencesError::Locked { .. } => ErrorKind::Conflict,
            PreferencesError::NotSecret(_) => ErrorKind::NotFound,
            PreferencesError::Store(_)
            | PreferencesError::Apply { .. }
            | PreferencesError::Corrupt(_) => ErrorKind::Unavailable,
        }
    }
}
