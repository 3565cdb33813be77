//! The settings file `<data>/settings.json`: the user's configuration layer and the tokens
//! generated at first start. Written atomically (temp file + rename) with mode 0600 because
//! it holds secrets. The desktop shell reads and writes this same file through
//! tauri-plugin-store (`src-tauri/src/settings_store.rs`); its own preferences are the file's
//! `"preferences"` object, not a separate `desktop.json` (ADR 0016).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::ConfigLayer;
use crate::private_fs::{create_private_dir, create_private_file, PrivateFsError};
use crate::secret::{generate_token, Secret};
use crate::setup::SavedSetup;

/// The webhook sources; each gets its own token so one leaked URL does not open the others.
pub const SOURCES: [&str; 4] = ["tautulli", "plex", "jellyfin", "emby"];

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read settings {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("settings {path} are not valid JSON for this version: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot write settings {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Dir(#[from] PrivateFsError),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub config: ConfigLayer,
    pub api_token: Option<Secret>,
    pub webhook_tokens: BTreeMap<String, Secret>,
    /// Connections made by the setup wizard (Tautulli URL and API key, Plex token): secrets.
    #[serde(skip_serializing_if = "SavedSetup::is_empty")]
    pub setup: SavedSetup,
    /// Keys this version does not know (for example the desktop shell's own) are kept.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Settings {
    pub fn load(path: &Path) -> Result<Self, SettingsError> {
        match fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| SettingsError::Parse {
                path: path.to_path_buf(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(SettingsError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Generates every missing token; returns whether anything changed (so the caller saves).
    pub fn ensure_tokens(&mut self) -> bool {
        let mut changed = false;
        if self.api_token.is_none() {
            self.api_token = Some(generate_token());
            changed = true;
        }
        for source in SOURCES {
            if !self.webhook_tokens.contains_key(source) {
                self.webhook_tokens
                    .insert(source.to_string(), generate_token());
                changed = true;
            }
        }
        changed
    }

    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        let write_err = |source| SettingsError::Write {
            path: path.to_path_buf(),
            source,
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir)?;
        let json = serde_json::to_vec_pretty(self).map_err(|e| write_err(e.into()))?;
        let tmp = path.with_extension("json.tmp");
        {
            let mut file = create_private_file(&tmp).map_err(write_err)?;
            file.write_all(&json).map_err(write_err)?;
            file.sync_all().map_err(write_err)?;
        }
        fs::rename(&tmp, path).map_err(write_err)
    }

    /// Loads the settings, generates missing tokens and saves them: what every start does.
    pub fn load_or_init(path: &Path) -> Result<Self, SettingsError> {
        let mut settings = Self::load(path)?;
        if settings.ensure_tokens() {
            settings.save(path)?;
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_start_generates_distinct_tokens_and_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let first = Settings::load_or_init(&path).unwrap();
        let again = Settings::load_or_init(&path).unwrap();
        assert_eq!(first.api_token, again.api_token);
        assert_eq!(first.webhook_tokens, again.webhook_tokens);
        assert_eq!(first.webhook_tokens.len(), SOURCES.len());
        let plex = first.webhook_tokens["plex"].expose();
        assert_ne!(plex, first.webhook_tokens["tautulli"].expose());
        assert_eq!(plex.len(), 64);
    }

    #[cfg(unix)]
    #[test]
    fn settings_file_and_its_new_directory_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/settings.json");
        Settings::load_or_init(&path).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("data")), 0o700);
    }

    #[test]
    fn unknown_keys_survive_a_save() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(
            &path,
            r#"{"desktop":{"theme":"dark"},"config":{"nats_batch_size":5}}"#,
        )
        .unwrap();
        let settings = Settings::load_or_init(&path).unwrap();
        assert_eq!(settings.config.writer_batch_size, Some(5));
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"theme\": \"dark\""), "{text}");
    }

    #[test]
    fn a_broken_file_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, "{not json").unwrap();
        let err = Settings::load(&path).unwrap_err();
        assert!(err.to_string().contains("settings.json"), "{err}");
    }
}
