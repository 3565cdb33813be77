//! What the setup wizard remembers, in the `setup` section of `settings.json` (mode 0600):
//! the Tautulli connection (its API key as a secret), the Plex token and registered hook,
//! and this installation's plex.tv client id; and the listen address the wizard chose, in
//! the configuration layer. Every change is a locked load–change–save so the rest of the
//! file (tokens, configuration, unknown keys) is kept.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::error::SetupError;
use crate::config::ConfigLayer;
use crate::preferences::SettingsService;
use crate::secret::Secret;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedSetup {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tautulli: Option<SavedTautulli>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plex: Option<SavedPlex>,
    /// Sent to plex.tv as `X-Plex-Client-Identifier`; one per installation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plex_client_id: Option<String>,
    /// The last address a user told a media server to call us at (`callback_base`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_base: Option<String>,
}

impl SavedSetup {
    pub fn is_empty(&self) -> bool {
        self == &SavedSetup::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedTautulli {
    /// The base URL as the user gave it (normalised); may hold basic-auth credentials.
    pub url: String,
    pub api_key: Secret,
    pub notifier_id: u32,
    /// The hook URL installed in the notifier (no token: that travels in a header).
    pub hook: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlex {
    pub token: Secret,
    /// The URL registered on plex.tv (with the webhook token), once registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
}

/// The `setup` section of the settings file, read and changed through the settings service
/// (the one owner of the file: on the desktop it is tauri-plugin-store's cache, which a
/// direct write to the file would be overwritten by).
pub struct SetupStore {
    settings: Arc<SettingsService>,
}

impl SetupStore {
    pub fn new(settings: Arc<SettingsService>) -> Self {
        Self { settings }
    }

    pub async fn read(&self) -> Result<SavedSetup, SetupError> {
        Ok(self.settings.load_file()?.setup)
    }

    /// Applies `change` to the saved section and writes the whole file back, under the
    /// settings service's change lock so no other change of the file interleaves.
    pub async fn update<F>(&self, change: F) -> Result<SavedSetup, SetupError>
    where
        F: FnOnce(&mut SavedSetup) + Send + 'static,
    {
        let _serialised = self.settings.lock_for_change().await;
        let mut settings = self.settings.load_file()?;
        change(&mut settings.setup);
        self.settings.save_file(&settings)?;
        Ok(settings.setup)
    }
}

impl SetupStore {
    /// Applies `change` to the settings file's configuration layer (under the same change
    /// lock as the setup section and the settings, so no write loses another).
    pub async fn update_config<F>(&self, change: F) -> Result<(), SetupError>
    where
        F: FnOnce(&mut ConfigLayer) + Send + 'static,
    {
        let _serialised = self.settings.lock_for_change().await;
        let mut settings = self.settings.load_file()?;
        change(&mut settings.config);
        self.settings.save_file(&settings)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    #[tokio::test]
    async fn an_update_keeps_the_rest_of_the_settings_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let initial = Settings::load_or_init(&path).unwrap();
        let tokens = crate::handle::Tokens {
            api: initial.api_token.clone().unwrap(),
            webhooks: initial.webhook_tokens.clone(),
        };
        let store = SetupStore::new(SettingsService::detached(dir.path(), tokens));
        store
            .update(|saved| {
                saved.plex = Some(SavedPlex {
                    token: Secret::new("plex-secret"),
                    webhook_url: None,
                })
            })
            .await
            .unwrap();
        let again = Settings::load(&path).unwrap();
        assert_eq!(again.api_token, initial.api_token);
        assert_eq!(again.webhook_tokens, initial.webhook_tokens);
        let saved = store.read().await.unwrap();
        assert_eq!(saved.plex.unwrap().token.expose(), "plex-secret");

        store.update(|saved| saved.plex = None).await.unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("\"setup\""),
            "an empty section is left out: {text}"
        );
    }
}
