//! "Export diagnostics" for a bug report: one zip with the engine's logs, the settings as
//! the Settings view shows them (secrets masked) and the health and stats of the moment.
//! Every text that goes in is scrubbed of the tokens in force as well.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::error::{codes, CodedError, ErrorKind};
use crate::logs::{log_files, redact};
use crate::secret::Secret;

const PREFIX: &str = "cartographus-diagnostics-";
/// Exports kept in the folder; older ones are removed when a new one is written.
const KEEP: usize = 5;
/// Of each log file only the end goes in: the recent past is what a report needs.
const LOG_BYTES: u64 = 5 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DiagnosticsExport {
    pub file_name: String,
    /// Where the zip was written on the engine's machine.
    pub path: String,
    pub size_bytes: u32,
    /// The files inside, in order.
    pub entries: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiagnosticsError {
    #[error("cannot write the diagnostics to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot build the diagnostics zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("no diagnostics export named {0:?}")]
    NotFound(String),
}

impl DiagnosticsError {
    pub fn code(&self) -> &'static str {
        match self {
            DiagnosticsError::Write { .. } | DiagnosticsError::Zip(_) => "diagnostics_failed",
            DiagnosticsError::NotFound(_) => codes::NOT_FOUND,
        }
    }
}

impl CodedError for DiagnosticsError {
    fn code(&self) -> &str {
        DiagnosticsError::code(self)
    }

    fn kind(&self) -> ErrorKind {
        match self {
            DiagnosticsError::NotFound(_) => ErrorKind::NotFound,
            DiagnosticsError::Write { .. } | DiagnosticsError::Zip(_) => ErrorKind::Unavailable,
        }
    }
}

pub fn export_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("diagnostics")
}

/// Writes the zip: `documents` (name, JSON text) first, then the end of every log file.
pub fn write(
    out_dir: &Path,
    log_dir: &Path,
    documents: &[(&str, String)],
    secrets: &[Secret],
) -> Result<DiagnosticsExport, DiagnosticsError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DiagnosticsError::Write { path, source }
    };
    create_private_dir(out_dir).map_err(write_err(out_dir))?;
    let file_name = format!(
        "{PREFIX}{}.zip",
        chrono::Utc::now().format("%Y%m%d-%H%M%S-%3f")
    );
    let path = out_dir.join(&file_name);
    let file = File::create(&path).map_err(write_err(&path))?;
    let mut zip = ZipWriter::new(file);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o600);
    let mut entries = Vec::new();
    for (name, text) in documents {
        zip.start_file(*name, options)?;
        zip.write_all(redact(text, secrets).as_bytes())
            .map_err(write_err(&path))?;
        entries.push((*name).to_string());
    }
    for log in log_files(log_dir) {
        let Some(log_name) = log.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let text = read_end(&log, LOG_BYTES).map_err(write_err(&log))?;
        let name = format!("logs/{log_name}");
        zip.start_file(name.as_str(), options)?;
        zip.write_all(redact(&text, secrets).as_bytes())
            .map_err(write_err(&path))?;
        entries.push(name);
    }
    let mut file = zip.finish()?;
    file.flush().map_err(write_err(&path))?;
    let size = file.metadata().map_err(write_err(&path))?.len();
    remove_old(out_dir);
    Ok(DiagnosticsExport {
        file_name,
        path: path.display().to_string(),
        size_bytes: u32::try_from(size).unwrap_or(u32::MAX),
        entries,
    })
}

/// The path of an earlier export, by the name its answer gave (nothing else is served).
pub fn find(out_dir: &Path, file_name: &str) -> Result<PathBuf, DiagnosticsError> {
    let valid = file_name.starts_with(PREFIX)
        && file_name.ends_with(".zip")
        && file_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    let path = out_dir.join(file_name);
    if valid && path.is_file() {
        Ok(path)
    } else {
        Err(DiagnosticsError::NotFound(file_name.to_string()))
    }
}

fn read_end(path: &Path, bytes: u64) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(bytes)))?;
    let mut buffer = Vec::new();
    file.read_to_end(&mut buffer)?;
    Ok(String::from_utf8_lossy(&buffer).into_owned())
}

fn remove_old(out_dir: &Path) {
    let mut exports: Vec<PathBuf> = std::fs::read_dir(out_dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(".zip"))
                })
                .collect()
        })
        .unwrap_or_default();
    exports.sort();
    let excess = exports.len().saturating_sub(KEEP);
    for old in exports.into_iter().take(excess) {
        if let Err(e) = std::fs::remove_file(&old) {
            tracing::warn!("cannot remove the old export {}: {e}", old.display());
        }
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zip_holds_documents_and_logs_without_secrets() {
        let data = tempfile::tempdir().unwrap();
        let logs = data.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        let token = crate::secret::generate_token();
        std::fs::write(
            logs.join("cartographus.2025-11-30.log"),
            format!(
                "2025-11-30T19:40:00Z  INFO x: url ?token={}\n",
                token.expose()
            ),
        )
        .unwrap();
        let export = write(
            &export_dir(data.path()),
            &logs,
            &[("settings.json", format!("{{\"t\":\"{}\"}}", token.expose()))],
            std::slice::from_ref(&token),
        )
        .unwrap();
        assert_eq!(
            export.entries,
            ["settings.json", "logs/cartographus.2025-11-30.log"]
        );
        let mut archive = zip::ZipArchive::new(File::open(&export.path).unwrap()).unwrap();
        for index in 0..archive.len() {
            let mut text = String::new();
            archive
                .by_index(index)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            assert!(!text.contains(token.expose()), "{text}");
            assert!(text.contains("***"), "{text}");
        }
        assert_eq!(
            find(&export_dir(data.path()), &export.file_name).unwrap(),
            PathBuf::from(&export.path)
        );
        assert!(find(&export_dir(data.path()), "../settings.json").is_err());
    }
}
