//! Exports of the history for both adapters: the desktop names the file (a save dialog) and
//! DuckDB writes it there; over HTTP DuckDB writes a temporary file in the data directory
//! that the answer streams and removes ([`TempExport`]).

use std::path::{Path, PathBuf};

use rand::Rng;
use serde::Serialize;

use super::{EngineHandle, OpError};
use crate::persist::events::EventFilter;
use crate::persist::export::{self, ExportFormat};
use crate::persist::sessions::SessionFilter;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Exported {
    pub rows: u64,
    pub path: String,
}

/// The rows an export covers: a table and the filter of its list.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
#[serde(tag = "table", content = "filter", rename_all = "snake_case")]
pub enum ExportRows {
    Events(EventFilter),
    Sessions(SessionFilter),
}

impl ExportRows {
    pub fn name(&self) -> &'static str {
        match self {
            ExportRows::Events(_) => "events",
            ExportRows::Sessions(_) => "sessions",
        }
    }
}

/// A file written for one download; removed when dropped (the answer finished or was
/// abandoned).
#[derive(Debug)]
pub struct TempExport {
    pub path: PathBuf,
    pub rows: u64,
}

impl Drop for TempExport {
    fn drop(&mut self) {
        match std::fs::remove_file(&self.path) {
            Ok(()) => {}
            // A COPY that failed early wrote nothing.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(path = %self.path.display(), error = %e, "a temporary export was not removed")
            }
        }
    }
}

/// Where downloads are written before they are streamed: inside the (private) data directory.
fn temp_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("exports-tmp")
}

impl EngineHandle {
    /// Writes the rows into `path` (the desktop's chosen file), replacing it.
    pub async fn export_to(
        &self,
        rows: ExportRows,
        format: ExportFormat,
        path: PathBuf,
    ) -> Result<Exported, OpError> {
        let shown = path.display().to_string();
        let count = self
            .database()
            .with_conn(move |conn| match &rows {
                ExportRows::Events(filter) => export::events_to(conn, filter, format, &path),
                ExportRows::Sessions(filter) => export::sessions_to(conn, filter, format, &path),
            })
            .await?;
        Ok(Exported {
            rows: count,
            path: shown,
        })
    }

    /// The events a list filter covers, as a file for a download.
    pub async fn export_events_download(
        &self,
        filter: EventFilter,
        format: ExportFormat,
    ) -> Result<TempExport, OpError> {
        self.export_temp(ExportRows::Events(filter), format).await
    }

    /// The sessions a list filter covers, in its order, as a file for a download.
    pub async fn export_sessions_download(
        &self,
        filter: SessionFilter,
        format: ExportFormat,
    ) -> Result<TempExport, OpError> {
        self.export_temp(ExportRows::Sessions(filter), format).await
    }

    /// Writes the rows into a new temporary file in the data directory.
    async fn export_temp(
        &self,
        rows: ExportRows,
        format: ExportFormat,
    ) -> Result<TempExport, OpError> {
        let dir = temp_dir(&self.shared.locations.data_dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| OpError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
        let name = format!(
            "{}-{:016x}.{}",
            rows.name(),
            rand::rng().random::<u64>(),
            format.extension()
        );
        let path = dir.join(name);
        let written = self.export_to(rows, format, path.clone()).await;
        // The guard removes a half-written file too.
        let mut export = TempExport { path, rows: 0 };
        export.rows = written?.rows;
        Ok(export)
    }
}
