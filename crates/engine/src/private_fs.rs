//! The data directory is private to its user: directories 0700 and files 0600, set where
//! they are created, and the whole tree tightened at every start — it also holds files
//! that other code (DuckDB, the spool, nats-server) creates under the process umask.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum PrivateFsError {
    #[error("cannot create {path}: {source}")]
    Create { path: PathBuf, source: io::Error },
    #[error("cannot make {path} private to this user: {source}")]
    Restrict { path: PathBuf, source: io::Error },
}

impl PrivateFsError {
    pub fn code(&self) -> &'static str {
        match self {
            PrivateFsError::Create { .. } => "create_failed",
            PrivateFsError::Restrict { .. } => "restrict_failed",
        }
    }
}

/// Creates `dir` (and missing parents) with mode 0700, and brings an existing `dir` to 0700.
pub fn create_private_dir(dir: &Path) -> Result<(), PrivateFsError> {
    let create_err = |source| PrivateFsError::Create {
        path: dir.to_path_buf(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(create_err)?;
    }
    #[cfg(not(unix))]
    fs::create_dir_all(dir).map_err(create_err)?;
    let metadata = fs::metadata(dir).map_err(create_err)?;
    restrict(dir, &metadata)
}

/// Opens `path` for writing, truncated, created with mode 0600.
pub fn create_private_file(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Makes `dir` 0700 (creating it if needed) and takes the group and other bits off
/// everything below it. Symbolic links are not followed. An entry that cannot be changed
/// (owned by another user) is reported in the log and skipped: the private directory above
/// it already keeps others out.
pub fn tighten_tree(dir: &Path) -> Result<(), PrivateFsError> {
    create_private_dir(dir)?;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = match fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(e) => {
                tracing::warn!("cannot read {} to make it private: {e}", current.display());
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // `symlink_metadata`: a link is left alone, and so is what it points to.
            let Ok(metadata) = fs::symlink_metadata(&path) else {
                continue;
            };
            if metadata.file_type().is_symlink() {
                continue;
            }
            if let Err(e) = restrict(&path, &metadata) {
                tracing::warn!("{e}");
            }
            if metadata.is_dir() {
                pending.push(path);
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn restrict(path: &Path, metadata: &fs::Metadata) -> Result<(), PrivateFsError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode();
    if mode & 0o077 == 0 {
        return Ok(());
    }
    fs::set_permissions(path, fs::Permissions::from_mode(mode & !0o077)).map_err(|source| {
        PrivateFsError::Restrict {
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _metadata: &fs::Metadata) -> Result<(), PrivateFsError> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{symlink, PermissionsExt};

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn set_mode(path: &Path, mode: u32) {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn new_directories_and_files_are_private() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&root.path().join("a")), 0o700);
        let file = dir.join("f");
        create_private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
    }

    #[test]
    fn an_existing_tree_is_tightened_without_following_links() {
        let root = tempfile::tempdir().unwrap();
        let outside = root.path().join("outside");
        fs::write(&outside, "not ours").unwrap();
        set_mode(&outside, 0o644);
        let data = root.path().join("data");
        fs::create_dir_all(data.join("jetstream/streams")).unwrap();
        fs::write(data.join("cartographus.duckdb"), "db").unwrap();
        fs::write(data.join("jetstream/streams/1.blk"), "msgs").unwrap();
        fs::write(data.join("run.sh"), "#!/bin/sh").unwrap();
        symlink(&outside, data.join("link")).unwrap();
        for dir in ["", "jetstream", "jetstream/streams"] {
            set_mode(&data.join(dir), 0o755);
        }
        set_mode(&data.join("cartographus.duckdb"), 0o644);
        set_mode(&data.join("jetstream/streams/1.blk"), 0o664);
        set_mode(&data.join("run.sh"), 0o755);

        tighten_tree(&data).unwrap();

        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("jetstream")), 0o700);
        assert_eq!(mode(&data.join("jetstream/streams")), 0o700);
        assert_eq!(mode(&data.join("cartographus.duckdb")), 0o600);
        assert_eq!(mode(&data.join("jetstream/streams/1.blk")), 0o600);
        assert_eq!(mode(&data.join("run.sh")), 0o700);
        assert_eq!(
            mode(&outside),
            0o644,
            "a link's target is not ours to change"
        );
    }
}
