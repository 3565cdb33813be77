//! One engine per data directory: an exclusive lock on `<data>/cartographus.lock`, taken
//! before anything else touches the directory and held for the engine's life. A second
//! instance gets a clear error and leaves the first one's sidecar, spool and database alone.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const LOCK_FILE: &str = "cartographus.lock";

#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    #[error("cannot create the data directory {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "another Cartographus{} is already running with the data directory {dir}; stop it \
         first, or give this one another directory with CARTOGRAPHUS_DATA_DIR or --data-dir",
        holder.map(|pid| format!(" (pid {pid})")).unwrap_or_default()
    )]
    InUse { dir: PathBuf, holder: Option<u32> },
    #[error("cannot lock the data directory ({path}): {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl DataDirError {
    pub fn code(&self) -> &'static str {
        match self {
            DataDirError::Create { .. } => "data_dir_unwritable",
            DataDirError::InUse { .. } => "data_dir_in_use",
            DataDirError::Lock { .. } => "data_dir_lock_failed",
        }
    }
}

/// Held while the engine runs; the OS releases it when the file closes, so a killed
/// engine never leaves a stale lock behind.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    /// Creates the directory if needed and takes the lock without waiting.
    pub fn acquire(dir: &Path) -> Result<Self, DataDirError> {
        std::fs::create_dir_all(dir).map_err(|source| DataDirError::Create {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(LOCK_FILE);
        let failed = |source| DataDirError::Lock {
            path: path.clone(),
            source,
        };
        // Never truncated on open: the holder's pid in it is what the refusal names.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(failed)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(DataDirError::InUse {
                    dir: dir.to_path_buf(),
                    holder: holder.trim().parse().ok(),
                });
            }
            Err(TryLockError::Error(source)) => return Err(failed(source)),
        }
        // Best effort: the pid only makes the refusal friendlier.
        let _ = file
            .set_len(0)
            .and_then(|_| file.seek(SeekFrom::Start(0)))
            .and_then(|_| write!(file, "{}", std::process::id()))
            .and_then(|_| file.flush());
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_directory_is_refused_with_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDirLock::acquire(dir.path()).unwrap();
        let err = DataDirLock::acquire(dir.path()).unwrap_err();
        assert_eq!(err.code(), "data_dir_in_use");
        let message = err.to_string();
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        assert!(message.contains("CARTOGRAPHUS_DATA_DIR"), "{message}");
        drop(first);
        DataDirLock::acquire(dir.path()).expect("free again once the holder is gone");
    }
}
