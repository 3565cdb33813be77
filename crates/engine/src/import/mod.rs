//! History import from the saved Tautulli connection (ADR 0021): a job that reads
//! `get_history` page by page and stores every playback through the same path as webhooks,
//! resumable from a checkpoint in DuckDB. The row mapping itself is pure and lives in
//! `cartographus_sources::tautulli_history`.

mod checkpoint;
mod history_page;
mod run;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{codes, CodedError, ErrorKind};
use crate::persist::DbError;
use crate::setup::SetupError;

pub use checkpoint::Checkpoint;
pub(crate) use run::TautulliImport;
pub use run::UNMAPPABLE_ROW;

/// The checkpoint's key and the dead letters' source.
pub(crate) const SOURCE: &str = "tautulli";
/// The job's kind in `GET /api/v1/jobs/{id}`.
pub const JOB_KIND: &str = "tautulli_import";
/// Rows per `get_history` call: about 1.5 MB of JSON, well under the client's 4 MiB cap.
pub const PAGE_SIZE: usize = 1000;

/// `POST /api/v1/import/tautulli`'s body.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(default, deny_unknown_fields)]
pub struct ImportRequest {
    /// Only plays on or after this day (`YYYY-MM-DD`, Tautulli's time zone); all without.
    pub since: Option<String>,
}

impl ImportRequest {
    pub fn since_day(&self) -> Result<Option<NaiveDate>, ImportError> {
        match self.since.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| ImportError::BadSince(text.to_string())),
        }
    }
}

/// The job an import request started (or resumed).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ImportStarted {
    pub job_id: String,
    /// History rows an earlier, unfinished run already made durable (0 for a fresh start).
    pub resumed_from: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("since: {0:?} is not a day like 2025-01-31")]
    BadSince(String),
    #[error("a Tautulli import is already running (job {0}); watch or cancel it")]
    Running(String),
    #[error(transparent)]
    Setup(#[from] SetupError),
    #[error("the import checkpoint cannot be read: {0}")]
    Db(#[from] DbError),
}

impl CodedError for ImportError {
    fn code(&self) -> &str {
        match self {
            ImportError::BadSince(_) => codes::BAD_REQUEST,
            ImportError::Running(_) => "import_running",
            ImportError::Setup(e) => CodedError::code(e),
            ImportError::Db(_) => codes::STORE_FAILED,
        }
    }

    fn kind(&self) -> ErrorKind {
        match self {
            ImportError::BadSince(_) => ErrorKind::BadRequest,
            ImportError::Running(_) => ErrorKind::Conflict,
            ImportError::Setup(e) => e.kind(),
            ImportError::Db(_) => ErrorKind::Unavailable,
        }
    }
}
