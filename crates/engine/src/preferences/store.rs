//! Where settings.json is read and written. The engine owns its shape; how it reaches the
//! disk is a trait, so headless mode writes the file itself and the desktop keeps the very
//! same file through tauri-plugin-store (docs/adr/0016).

use std::path::PathBuf;

use crate::settings::{Settings, SettingsError};

pub trait SettingsStore: Send + Sync {
    fn load(&self) -> Result<Settings, SettingsError>;
    fn save(&self, settings: &Settings) -> Result<(), SettingsError>;
}

/// The file, written atomically with mode 0600 (see `settings.rs`).
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }
}

impl SettingsStore for FileStore {
    fn load(&self) -> Result<Settings, SettingsError> {
        Settings::load(&self.path)
    }

    fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        settings.save(&self.path)
    }
}
