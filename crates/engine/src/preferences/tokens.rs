//! Tokens and other secrets: revealed only on request, and regenerated in one step that
//! saves the new token and puts it in force at once. A regenerated webhook token breaks the
//! service that still sends the old one, so the answer names that service and its new URL.

use std::net::SocketAddr;

use serde::Serialize;

use super::catalog::{by_name, token_source, Key, SettingKind};
use super::{layer_of, PreferencesError, SettingsService};
use crate::secret::generate_token;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RevealedSecret {
    pub key: String,
    pub value: String,
}

/// A service that still uses the old token, and what to give it instead.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ServiceToUpdate {
    pub service: String,
    /// Where the token goes in that service.
    pub place: String,
    /// The new URL to paste (it carries the new token).
    pub url: String,
    /// Whether the app updated it itself (a connected Tautulli or Plex account); then
    /// nothing needs pasting.
    pub automatic: bool,
    /// Why updating a connected service failed; the user pastes `url` instead.
    pub failure: Option<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Regenerated {
    pub key: String,
    /// The new token, shown once here; later only on reveal.
    pub value: String,
    pub update: Vec<ServiceToUpdate>,
}

impl SettingsService {
    /// The unmasked value of a token or secret setting.
    pub fn reveal(&self, name: &str) -> Result<RevealedSecret, PreferencesError> {
        let definition = by_name(name)
            .filter(|d| d.is_secret())
            .ok_or_else(|| PreferencesError::NotSecret(name.to_string()))?;
        let value = match token_source(definition.key) {
            Some(source) => self.webhook_token(source).map(|t| t.expose().to_string()),
            None if definition.key == Key::ApiToken => Some(self.api_token().expose().to_string()),
            None => {
                let layer = layer_of(&self.store.load()?)?;
                self.effective_secret(definition.key, &layer)
                    .and_then(|v| v.text().map(str::to_string))
            }
        };
        let value = value.ok_or_else(|| PreferencesError::invalid(name, "is not set"))?;
        Ok(RevealedSecret {
            key: name.to_string(),
            value,
        })
    }

    /// Replaces a token with a fresh one: saved first, then in force; the old one stops
    /// working at once. `listen` is where the engine answers (for the new URLs).
    pub async fn regenerate(
        &self,
        name: &str,
        listen: SocketAddr,
    ) -> Result<Regenerated, PreferencesError> {
        let definition = by_name(name)
            .filter(|d| d.kind == SettingKind::Token)
            .ok_or_else(|| PreferencesError::invalid(name, "only tokens can be regenerated"))?;
        if let Some(lock) = self.environment.lock(definition.key) {
            return Err(PreferencesError::Locked {
                key: name.to_string(),
                by: lock.by.clone(),
            });
        }
        let _guard = self.lock_for_change().await;
        let token = generate_token();
        let mut settings = self.store.load()?;
        let source = token_source(definition.key);
        match source {
            Some(source) => {
                settings
                    .webhook_tokens
                    .insert(source.to_string(), token.clone());
            }
            None => settings.api_token = Some(token.clone()),
        }
        self.store.save(&settings)?;
        {
            let mut tokens = self
                .tokens
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match source {
                Some(source) => {
                    tokens.webhooks.insert(source.to_string(), token.clone());
                }
                None => tokens.api = token.clone(),
            }
        }
        self.revision.send_modify(|r| *r += 1);
        tracing::info!(setting = name, "token regenerated");
        let base = format!("http://{listen}");
        let update = match source {
            Some(source) => vec![webhook_service(source, &base, token.expose())],
            None => vec![ServiceToUpdate {
                service: "Web UI and API clients".to_string(),
                place: "open the new web UI link; scripts send the new bearer token".to_string(),
                url: format!("{base}/#token={}", token.expose()),
                automatic: false,
                failure: None,
            }],
        };
        Ok(Regenerated {
            key: name.to_string(),
            value: token.expose().to_string(),
            update,
        })
    }
}

fn webhook_service(source: &str, base: &str, token: &str) -> ServiceToUpdate {
    let (service, place) = match source {
        "tautulli" => (
            "Tautulli",
            "Settings → Notification Agents → Webhook → Webhook URL",
        ),
        "plex" => ("Plex", "Plex Web → Settings → Webhooks"),
        "jellyfin" => ("Jellyfin", "Dashboard → Plugins → Webhook → Webhook URL"),
        _ => ("Emby", "Settings → Webhooks"),
    };
    ServiceToUpdate {
        service: service.to_string(),
        place: place.to_string(),
        url: format!("{base}/webhooks/{source}?token={token}"),
        // The engine handle updates a connected Tautulli or Plex and says so here.
        automatic: false,
        failure: None,
    }
}
