//! The tail of the engine's own log (`<data>/logs/cartographus.YYYY-MM-DD.log`, written by
//! `logging.rs`) for the Logs view: the newest lines, filtered by level, and what was added
//! since a cursor so the view can follow. Secrets are scrubbed from every line it returns.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{codes, CodedError, ErrorKind};
use crate::secret::Secret;

/// Lines a tail returns by default, and at most.
const DEFAULT_LINES: usize = 200;
const MAX_LINES: usize = 2000;
/// How far back from the end a first look reads.
const TAIL_BYTES: u64 = 2 * 1024 * 1024;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl LogLevel {
    pub fn parse(word: &str) -> Option<Self> {
        match word.to_ascii_uppercase().as_str() {
            "TRACE" => Some(LogLevel::Trace),
            "DEBUG" => Some(LogLevel::Debug),
            "INFO" => Some(LogLevel::Info),
            "WARN" => Some(LogLevel::Warn),
            "ERROR" => Some(LogLevel::Error),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(default, deny_unknown_fields)]
pub struct LogQuery {
    /// The least severe level shown (`warn` shows warnings and errors).
    pub level: Option<LogLevel>,
    /// How many of the newest matching lines (1–2000, default 200).
    pub limit: Option<u32>,
    /// The `cursor` of an earlier answer: only what was written since.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct LogLine {
    /// RFC 3339, as the log wrote it.
    pub at: Option<String>,
    pub level: Option<LogLevel>,
    /// The module (and spans) that logged it.
    pub target: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LogTail {
    /// The log folder.
    pub dir: String,
    /// The file read (the newest); null when there is no log yet.
    pub file: Option<String>,
    /// Oldest first.
    pub lines: Vec<LogLine>,
    /// Pass back to get only newer lines.
    pub cursor: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LogsError {
    #[error("limit must be between 1 and {MAX_LINES}")]
    BadLimit,
    #[error("cursor {0:?} is not one this engine gave")]
    BadCursor(String),
    #[error("cannot read the log {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl LogsError {
    pub fn code(&self) -> &'static str {
        match self {
            LogsError::BadLimit | LogsError::BadCursor(_) => codes::BAD_REQUEST,
            LogsError::Read { .. } => "logs_unreadable",
        }
    }
}

impl CodedError for LogsError {
    fn code(&self) -> &str {
        LogsError::code(self)
    }

    fn kind(&self) -> ErrorKind {
        match self {
            LogsError::BadLimit | LogsError::BadCursor(_) => ErrorKind::BadRequest,
            LogsError::Read { .. } => ErrorKind::Unavailable,
        }
    }
}

pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// The log files, oldest first (their names sort by date).
pub fn log_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("cartographus.") && n.ends_with(".log"))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

pub fn tail(dir: &Path, query: &LogQuery, secrets: &[Secret]) -> Result<LogTail, LogsError> {
    let limit = match query.limit {
        None => DEFAULT_LINES,
        Some(n) if (1..=MAX_LINES as u32).contains(&n) => n as usize,
        Some(_) => return Err(LogsError::BadLimit),
    };
    let cursor = query.cursor.as_deref().map(parse_cursor).transpose()?;
    let dir_text = dir.display().to_string();
    let Some(newest) = log_files(dir).pop() else {
        return Ok(LogTail {
            dir: dir_text,
            file: None,
            lines: Vec::new(),
            cursor: None,
        });
    };
    let name = newest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A cursor into an older file (the log rotated at midnight) reads the new one whole.
    let start = match cursor {
        Some((file, offset)) if file == name => Some(offset),
        Some(_) => Some(0),
        None => None,
    };
    let (text, end) = read_from(&newest, start)?;
    let mut lines = parse(&redact(&text, secrets));
    if let Some(min) = query.level {
        lines.retain(|line| line.level.is_none_or(|level| level >= min));
    }
    let skip = lines.len().saturating_sub(limit);
    Ok(LogTail {
        dir: dir_text,
        file: Some(name.clone()),
        lines: lines.split_off(skip),
        cursor: Some(format!("{name}@{end}")),
    })
}

fn parse_cursor(cursor: &str) -> Result<(String, u64), LogsError> {
    cursor
        .rsplit_once('@')
        .and_then(|(file, offset)| Some((file.to_string(), offset.parse().ok()?)))
        .filter(|(file, _)| !file.contains('/'))
        .ok_or_else(|| LogsError::BadCursor(cursor.to_string()))
}

/// Whole lines from `start` (or the last [`TAIL_BYTES`]) to the last newline; and where
/// that newline ends, for the next cursor.
fn read_from(path: &Path, start: Option<u64>) -> Result<(String, u64), LogsError> {
    let read_err = |source| LogsError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(read_err)?;
    let len = file.metadata().map_err(read_err)?.len();
    // A cursor past the end means the file was replaced; read it from the start.
    let from = match start {
        Some(offset) if offset <= len => offset,
        Some(_) => 0,
        None => len.saturating_sub(TAIL_BYTES),
    };
    file.seek(SeekFrom::Start(from)).map_err(read_err)?;
    let mut bytes = Vec::new();
    file.take(len - from)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    bytes.truncate(complete);
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if start.is_none() && from > 0 {
        // Started mid-file: the first line is probably cut.
        text = text
            .split_once('\n')
            .map_or(String::new(), |(_, rest)| rest.to_string());
    }
    Ok((text, from + complete as u64))
}

/// `2025-11-30T19:40:00.123456Z  INFO target: message`; a line without that head belongs
/// to the record before it (multi-line messages).
pub fn parse(text: &str) -> Vec<LogLine> {
    let mut lines: Vec<LogLine> = Vec::new();
    for raw in text.lines().filter(|l| !l.trim().is_empty()) {
        match parse_head(raw) {
            Some(line) => lines.push(line),
            None => match lines.last_mut() {
                Some(previous) => {
                    previous.message.push('\n');
                    previous.message.push_str(raw);
                }
                None => lines.push(LogLine {
                    at: None,
                    level: None,
                    target: None,
                    message: raw.to_string(),
                }),
            },
        }
    }
    lines
}

fn parse_head(raw: &str) -> Option<LogLine> {
    let (at, rest) = raw.split_once(' ')?;
    chrono::DateTime::parse_from_rfc3339(at).ok()?;
    let rest = rest.trim_start();
    let (level_word, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    let level = LogLevel::parse(level_word)?;
    let rest = rest.trim_start();
    let (target, message) = match rest.split_once(": ") {
        Some((target, message)) => (Some(target.to_string()), message.to_string()),
        None => (None, rest.to_string()),
    };
    Some(LogLine {
        at: Some(at.to_string()),
        level: Some(level),
        target,
        message,
    })
}

/// Replaces every secret in `text` with `***`. Short values are left alone: they are not
/// ours (tokens are 64 characters) and would blank out ordinary words.
pub fn redact(text: &str, secrets: &[Secret]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        let value = secret.expose();
        if value.len() >= 8 && out.contains(value) {
            out = out.replace(value, "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
2025-11-30T19:40:00.100000Z  INFO cartographus_engine::handle: engine started listen=127.0.0.1:3857
2025-11-30T19:40:01.200000Z  WARN cartographus_engine::bus: NATS unavailable
second line of the warning
2025-11-30T19:40:02.300000Z ERROR http{method=POST path=/webhooks/plex}: cartographus_engine::api: event not made durable
";

    #[test]
    fn records_keep_their_level_target_and_continuation_lines() {
        let lines = parse(SAMPLE);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].level, Some(LogLevel::Info));
        assert_eq!(
            lines[0].target.as_deref(),
            Some("cartographus_engine::handle")
        );
        assert_eq!(
            lines[1].message,
            "NATS unavailable\nsecond line of the warning"
        );
        assert_eq!(lines[2].level, Some(LogLevel::Error));
        // Spans come first; the module then leads the message.
        assert_eq!(
            lines[2].target.as_deref(),
            Some("http{method=POST path=/webhooks/plex}")
        );
        assert!(lines[2].message.ends_with("event not made durable"));
    }

    #[test]
    fn a_tail_filters_by_level_and_a_cursor_returns_only_new_lines() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cartographus.2025-11-30.log");
        std::fs::write(&file, SAMPLE).unwrap();
        let warn = LogQuery {
            level: Some(LogLevel::Warn),
            ..LogQuery::default()
        };
        let first = tail(dir.path(), &warn, &[]).unwrap();
        assert_eq!(first.lines.len(), 2);
        let later = "2025-11-30T19:41:00.000000Z ERROR x: later\n2025-11-30T19:41:01.000000Z  INFO x: quiet\n";
        std::fs::write(&file, format!("{SAMPLE}{later}")).unwrap();
        let next = tail(
            dir.path(),
            &LogQuery {
                cursor: first.cursor.clone(),
                ..warn
            },
            &[],
        )
        .unwrap();
        assert_eq!(next.lines.len(), 1);
        assert_eq!(next.lines[0].message, "later");
        assert!(tail(
            dir.path(),
            &LogQuery {
                cursor: Some("../x@1".into()),
                ..LogQuery::default()
            },
            &[]
        )
        .is_err());
    }

    #[test]
    fn secrets_never_leave_in_a_tail() {
        let dir = tempfile::tempdir().unwrap();
        let token = crate::secret::generate_token();
        std::fs::write(
            dir.path().join("cartographus.2025-11-30.log"),
            format!("2025-11-30T19:40:00Z  WARN x: leaked {}\n", token.expose()),
        )
        .unwrap();
        let tail = tail(
            dir.path(),
            &LogQuery::default(),
            std::slice::from_ref(&token),
        )
        .unwrap();
        assert_eq!(tail.lines[0].message, "leaked ***");
    }
}
