//! settings.json through tauri-plugin-store: on the desktop the plugin's store is the one
//! writer of the file the engine reads in headless mode (docs/adr/0016). Keys are written
//! sorted and the file is kept 0600, as the engine's own writer does.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cartographus_engine::preferences::SettingsStore;
use cartographus_engine::settings::{Settings, SettingsError};
use serde_json::Value;
use tauri::{Manager, Runtime};
use tauri_plugin_store::{Store, StoreBuilder};

pub struct PluginSettingsStore<R: Runtime> {
    store: Arc<Store<R>>,
    path: PathBuf,
}

impl<R: Runtime> PluginSettingsStore<R> {
    /// Opens the store on `path`. The file must already have been checked readable
    /// (`Settings::load`): the plugin reads a broken file as empty, and saving that would
    /// overwrite the user's tokens.
    pub fn open(app: &impl Manager<R>, path: &Path) -> Result<Self, SettingsError> {
        let write_err = |e: tauri_plugin_store::Error| SettingsError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        };
        let store = StoreBuilder::new(app, path)
            .serialize(sorted_pretty_json)
            .disable_auto_save()
            .build()
            .map_err(write_err)?;
        Ok(Self {
            store,
            path: path.to_path_buf(),
        })
    }

    fn write_err(&self, source: std::io::Error) -> SettingsError {
        SettingsError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

impl<R: Runtime> SettingsStore for PluginSettingsStore<R> {
    fn load(&self) -> Result<Settings, SettingsError> {
        let object: serde_json::Map<String, Value> = self.store.entries().into_iter().collect();
        serde_json::from_value(Value::Object(object)).map_err(|source| SettingsError::Parse {
            path: self.path.clone(),
            source,
        })
    }

    fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        let Value::Object(object) =
            serde_json::to_value(settings).map_err(|e| self.write_err(std::io::Error::other(e)))?
        else {
            return Err(self.write_err(std::io::Error::other("settings are not an object")));
        };
        for key in self.store.keys() {
            if !object.contains_key(&key) {
                self.store.delete(&key);
            }
        }
        for (key, value) in object {
            self.store.set(key, value);
        }
        // The plugin writes in place; a file it creates would get the default mode, so the
        // file exists, private, before the first write.
        make_private(&self.path).map_err(|e| self.write_err(e))?;
        self.store
            .save()
            .map_err(|e| self.write_err(std::io::Error::other(e.to_string())))
    }
}

fn sorted_pretty_json(
    cache: &HashMap<String, Value>,
) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
    let sorted: BTreeMap<&String, &Value> = cache.iter().collect();
    Ok(serde_json::to_vec_pretty(&sorted)?)
}

#[cfg(unix)]
fn make_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn make_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
