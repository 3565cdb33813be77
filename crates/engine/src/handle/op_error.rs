//! Why a history, dead-letter, replay or job call was refused. Each variant has one stable
//! code and kind; the adapters map the kind, never the variant.

use crate::error::{codes, CodedError, ErrorKind};
use crate::persist::replay_range::RangeError;
use crate::persist::DbError;

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unavailable(String),
    /// A dead letter that still cannot be stored; it stays in the DLQ with this attempt.
    #[error("{message}")]
    StillFailing { code: String, message: String },
    #[error(transparent)]
    Db(#[from] DbError),
    /// A replay range that means nothing, or a stream that cannot resolve it now.
    #[error(transparent)]
    Range(#[from] RangeError),
    /// DuckDB could not give the figures.
    #[error("the stats cannot be read now: {0}")]
    StatsUnavailable(#[source] DbError),
}

impl CodedError for OpError {
    fn code(&self) -> &str {
        match self {
            OpError::NotFound(_) => codes::NOT_FOUND,
            OpError::BadRequest(_) => codes::BAD_REQUEST,
            OpError::Conflict(_) => codes::CONFLICT,
            OpError::Unavailable(_) => codes::UNAVAILABLE,
            OpError::StillFailing { code, .. } => code,
            OpError::Db(_) => codes::STORE_FAILED,
            OpError::StatsUnavailable(_) => codes::STATS_UNAVAILABLE,
            OpError::Range(e) => e.code(),
        }
    }

    fn kind(&self) -> ErrorKind {
        match self {
            OpError::NotFound(_) => ErrorKind::NotFound,
            OpError::BadRequest(_) => ErrorKind::BadRequest,
            OpError::Conflict(_) => ErrorKind::Conflict,
            OpError::Range(e) => e.kind(),
            OpError::StillFailing { .. } => ErrorKind::Unprocessable,
            OpError::Unavailable(_) | OpError::Db(_) | OpError::StatsUnavailable(_) => {
                ErrorKind::Unavailable
            }
        }
    }
}
