//! Logs go to stderr and to a daily-rotated file in `<data>/logs` (seven kept).
//! `RUST_LOG` picks the levels; the default is `info`.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// Keep the guard alive for the program's life: dropping it flushes the file writer.
pub struct LogGuard(#[allow(dead_code)] Option<WorkerGuard>);

/// Installs the global subscriber. A file that cannot be opened only costs the file log.
pub fn init(data_dir: &Path) -> LogGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let log_dir = data_dir.join("logs");
    let file = std::fs::create_dir_all(&log_dir)
        .map_err(|e| e.to_string())
        .and_then(|_| {
            RollingFileAppender::builder()
                .rotation(Rotation::DAILY)
                .filename_prefix("cartographus")
                .filename_suffix("log")
                .max_log_files(7)
                .build(&log_dir)
                .map_err(|e| e.to_string())
        });
    let (file_layer, guard, file_error) = match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = fmt::layer().with_ansi(false).with_writer(writer);
            (Some(layer), Some(guard), None)
        }
        Err(e) => (None, None, Some(e)),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file_layer)
        .try_init();
    if let Some(e) = file_error {
        tracing::warn!(
            "logging to stderr only; cannot open {}: {e}",
            log_dir.display()
        );
    }
    LogGuard(guard)
}
