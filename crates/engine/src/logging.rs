//! Logs go to stderr and to a daily-rotated file in `<data>/logs` (seven kept), private to
//! the user (directory 0700, files 0600). `RUST_LOG` picks the levels; the default is `info`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

use crate::private_fs::{create_private_dir, tighten_tree};

/// Keep the guard alive for the program's life: dropping it flushes the file writer.
pub struct LogGuard(#[allow(dead_code)] Option<WorkerGuard>);

/// Installs the global subscriber. A file that cannot be opened only costs the file log.
pub fn init(data_dir: &Path) -> LogGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let log_dir = data_dir.join("logs");
    let file = create_private_dir(data_dir)
        .map_err(|e| e.to_string())
        .and_then(|()| PrivateDailyFiles::open(&log_dir));
    let (file_layer, guard, file_error) = match file {
        Ok(files) => {
            let (writer, guard) = tracing_appender::non_blocking(files);
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

/// The daily log files. The appender opens each day's file under the process umask, so
/// the first write of every (UTC) day, when the appender has just rolled over, takes the
/// group and other bits off the directory's files.
struct PrivateDailyFiles {
    appender: RollingFileAppender,
    dir: PathBuf,
    day: u64,
}

impl PrivateDailyFiles {
    fn open(dir: &Path) -> Result<Self, String> {
        create_private_dir(dir).map_err(|e| e.to_string())?;
        let appender = RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix("cartographus")
            .filename_suffix("log")
            .max_log_files(7)
            .build(dir)
            .map_err(|e| e.to_string())?;
        // The appender has created today's file.
        tighten_tree(dir).map_err(|e| e.to_string())?;
        Ok(Self {
            appender,
            dir: dir.to_path_buf(),
            day: utc_day(),
        })
    }
}

impl Write for PrivateDailyFiles {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.appender.write(buf)?;
        let today = utc_day();
        if today != self.day {
            self.day = today;
            if let Err(e) = tighten_tree(&self.dir) {
                // Logging about logging would recurse; stderr is the honest place.
                eprintln!("cannot make the new log file private: {e}");
            }
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.appender.flush()
    }
}

fn utc_day() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn log_files(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }

    #[test]
    fn the_log_directory_and_its_files_are_private() {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().join("logs");
        let mut files = PrivateDailyFiles::open(&dir).unwrap();
        files.write_all(b"a line\n").unwrap();
        files.flush().unwrap();
        assert_eq!(mode(&dir), 0o700);
        let written = log_files(&dir);
        assert_eq!(written.len(), 1, "{written:?}");
        assert_eq!(mode(&written[0]), 0o600);
        assert_eq!(std::fs::read_to_string(&written[0]).unwrap(), "a line\n");
    }

    #[test]
    fn the_file_of_a_new_day_is_made_private_at_its_first_line() {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().join("logs");
        let mut files = PrivateDailyFiles::open(&dir).unwrap();
        // What the appender does at midnight: a new file under the umask.
        let new_day = dir.join("cartographus.2099-01-01.log");
        std::fs::write(&new_day, "").unwrap();
        std::fs::set_permissions(&new_day, std::fs::Permissions::from_mode(0o644)).unwrap();
        files.day -= 1;
        files.write_all(b"after midnight\n").unwrap();
        assert_eq!(mode(&new_day), 0o600);
    }
}
