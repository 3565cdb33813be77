//! What the Logs view and a bug report need: the tail of the engine's log and the
//! diagnostics zip, both scrubbed of the secrets in force.

use std::path::PathBuf;

use super::EngineHandle;
use crate::diagnostics::{self, DiagnosticsError, DiagnosticsExport};
use crate::logs::{self, LogQuery, LogTail, LogsError};

impl EngineHandle {
    pub fn log_dir(&self) -> PathBuf {
        logs::log_dir(&self.shared.locations.data_dir)
    }

    pub async fn log_tail(&self, query: LogQuery) -> Result<LogTail, LogsError> {
        let dir = self.log_dir();
        let secrets = self.shared.settings.secrets();
        tokio::task::spawn_blocking(move || logs::tail(&dir, &query, &secrets))
            .await
            .unwrap_or_else(|e| {
                Err(LogsError::Read {
                    path: PathBuf::new(),
                    source: std::io::Error::other(e.to_string()),
                })
            })
    }

    /// Writes `<data>/diagnostics/cartographus-diagnostics-<time>.zip`.
    pub async fn export_diagnostics(&self) -> Result<DiagnosticsExport, DiagnosticsError> {
        let settings = match self.settings() {
            Ok(view) => pretty(&view),
            Err(e) => pretty(&serde_json::json!({ "error": e.to_string() })),
        };
        let stats = match self.stats().await {
            Ok(stats) => pretty(&stats),
            Err(e) => pretty(&serde_json::json!({ "error": e.to_string() })),
        };
        let health = pretty(&self.health());
        let info = pretty(&self.info());
        let about = format!(
            "Cartographus {}\n{} {}\n{}\n",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH,
            os_release()
        );
        let documents = [
            ("about.txt", about),
            ("info.json", info),
            ("health.json", health),
            ("settings.json", settings),
            ("stats.json", stats),
        ];
        let out_dir = diagnostics::export_dir(&self.shared.locations.data_dir);
        let log_dir = self.log_dir();
        let secrets = self.shared.settings.secrets();
        let export = tokio::task::spawn_blocking(move || {
            diagnostics::write(&out_dir, &log_dir, &documents, &secrets)
        })
        .await
        .map_err(|e| DiagnosticsError::Write {
            path: PathBuf::new(),
            source: std::io::Error::other(e.to_string()),
        })??;
        tracing::info!(file = %export.file_name, "diagnostics exported");
        Ok(export)
    }

    /// An earlier export, by its file name.
    pub fn diagnostics_file(&self, file_name: &str) -> Result<PathBuf, DiagnosticsError> {
        diagnostics::find(
            &diagnostics::export_dir(&self.shared.locations.data_dir),
            file_name,
        )
    }
}

/// The distribution's name, for the report.
fn os_release() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|name| name.trim_matches('"').to_string())
        })
        .unwrap_or_default()
}

fn pretty<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("serialisation failed: {e}"))
}
