//! The Settings view's engine side: every setting with its value, default and lock, and
//! changes that are checked as a whole before anything is saved. `SettingsService` also
//! holds the live tokens, so a regenerated token is in force the moment it is saved.

mod catalog;
mod checks;
mod environment;
mod error;
mod fields;
mod store;
mod stored;
mod tokens;
mod value;
mod view;

pub use catalog::{Applies, SettingGroup, SettingKind};
pub use environment::Environment;
pub use error::PreferencesError;
pub use store::{FileStore, SettingsStore};
pub use stored::{Theme, PREFERENCES_KEY};
pub use tokens::{Regenerated, RevealedSecret, ServiceToUpdate};
pub use value::{SettingValue, MASK};
pub use view::{
    DesktopPreferences, DlqLimits, SettingChange, SettingView, SettingsUpdate, SettingsView,
};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use serde_json::Value;
use tokio::sync::{watch, Mutex, MutexGuard};

use self::catalog::{Key, CATALOG};
use self::fields::Layer;
use self::stored::StoredPreferences;
use crate::handle::Tokens;
use crate::secret::Secret;
use crate::settings::{Settings, SettingsError};

pub struct SettingsService {
    store: Arc<dyn SettingsStore>,
    environment: Environment,
    data_dir: PathBuf,
    /// Each setting's value when the engine started: what "restart pending" compares with.
    at_start: BTreeMap<Key, Option<SettingValue>>,
    tokens: RwLock<Tokens>,
    /// Bumped after every saved change (settings or a saved connection); the desktop
    /// follows it (tray, autostart, events), the Tautulli poll too.
    revision: watch::Sender<u64>,
    /// One change at a time: each is checked against, and saved over, the one before.
    writing: Mutex<()>,
}

/// A checked change, not saved yet.
pub struct Plan {
    settings: Settings,
    layer: Layer,
    pub changed: Vec<SettingChange>,
}

impl Plan {
    /// Whether this change sets `name` (a catalog key) to a new value.
    pub fn changes(&self, name: &str) -> bool {
        self.changed.iter().any(|c| c.key == name)
    }

    pub fn dlq_limits(&self) -> DlqLimits {
        DlqLimits::from_layer(&self.layer)
    }

    /// The stream retention this change puts in force, in days.
    pub fn retention_days(&self) -> u32 {
        fields::read(Key::NatsRetentionDays, &self.layer)
            .or_else(|| fields::default_value(Key::NatsRetentionDays))
            .and_then(|v| v.whole())
            .and_then(|days| u32::try_from(days).ok())
            .unwrap_or(7)
    }
}

impl SettingsService {
    /// `tokens` are the ones in force (the file's, or the environment's overrides).
    pub fn new(
        store: Arc<dyn SettingsStore>,
        environment: Environment,
        data_dir: &Path,
        tokens: Tokens,
    ) -> Result<Arc<Self>, PreferencesError> {
        let layer = layer_of(&store.load()?)?;
        let mut service = Self::unread(store, environment, data_dir, tokens);
        service.at_start = CATALOG
            .iter()
            .map(|d| (d.key, service.effective(d.key, &layer)))
            .collect();
        Ok(Arc::new(service))
    }

    /// A service over `<data>/settings.json` with no environment locks: for engines started
    /// without `startup::prepare` (tests, embedders).
    pub fn detached(data_dir: &Path, tokens: Tokens) -> Arc<Self> {
        let store: Arc<dyn SettingsStore> =
            Arc::new(FileStore::new(crate::config::settings_path(data_dir)));
        Self::new(
            store.clone(),
            Environment::default(),
            data_dir,
            tokens.clone(),
        )
        .unwrap_or_else(|e| {
            // Reading fails again, with this reason, wherever the settings are asked for.
            tracing::warn!("settings unreadable: {e}");
            Arc::new(Self::unread(
                store,
                Environment::default(),
                data_dir,
                tokens,
            ))
        })
    }

    fn unread(
        store: Arc<dyn SettingsStore>,
        environment: Environment,
        data_dir: &Path,
        tokens: Tokens,
    ) -> Self {
        Self {
            store,
            environment,
            data_dir: data_dir.to_path_buf(),
            at_start: BTreeMap::new(),
            tokens: RwLock::new(tokens),
            revision: watch::Sender::new(0),
            writing: Mutex::new(()),
        }
    }

    pub fn view(&self) -> Result<SettingsView, PreferencesError> {
        let layer = layer_of(&self.store.load()?)?;
        Ok(self.view_of(&layer))
    }

    fn view_of(&self, layer: &Layer) -> SettingsView {
        let settings: Vec<SettingView> = CATALOG
            .iter()
            .map(|d| {
                let value = self.effective(d.key, layer);
                let restart_pending = d.applies == Applies::Restart
                    && self
                        .at_start
                        .get(&d.key)
                        .is_some_and(|start| *start != value);
                SettingView::new(
                    d,
                    value,
                    self.environment.lock(d.key).map(|l| l.by.clone()),
                    restart_pending,
                )
            })
            .collect();
        let restart_required = settings.iter().any(|s| s.restart_pending);
        SettingsView {
            settings,
            restart_required,
        }
    }

    /// The value in force: the lock's, else the file's, else the default. Tokens are always
    /// set (generated at first start).
    fn effective(&self, key: Key, layer: &Layer) -> Option<SettingValue> {
        if catalog::definition(key).kind == SettingKind::Token {
            return Some(SettingValue::Text(MASK.to_string()));
        }
        match self.environment.lock(key) {
            Some(lock) => lock.value.clone(),
            None => fields::read(key, layer).or_else(|| fields::default_value(key)),
        }
    }

    /// Holds off every other change until the guard is dropped.
    pub async fn lock_for_change(&self) -> MutexGuard<'_, ()> {
        self.writing.lock().await
    }

    /// Checks `changes` (key → new value, null for the default) as a whole: unknown keys,
    /// locked ones and bad values are refused before anything is saved.
    pub fn plan(&self, changes: &serde_json::Map<String, Value>) -> Result<Plan, PreferencesError> {
        let settings = self.store.load()?;
        let before = layer_of(&settings)?;
        let mut layer = before.clone();
        if changes.is_empty() {
            return Err(PreferencesError::invalid(
                "settings",
                "no settings to change",
            ));
        }
        for (name, raw) in changes {
            let definition = catalog::by_name(name)
                .ok_or_else(|| PreferencesError::invalid(name, "no such setting"))?;
            if let Some(lock) = self.environment.lock(definition.key) {
                return Err(PreferencesError::Locked {
                    key: name.clone(),
                    by: lock.by.clone(),
                });
            }
            let value =
                value::parse(definition, raw).map_err(|r| PreferencesError::invalid(name, r))?;
            if let Some(value) = &value {
                checks::check_value(definition.key, value)
                    .map_err(|r| PreferencesError::invalid(name, r))?;
            }
            fields::write(definition.key, &mut layer, value.as_ref());
        }
        checks::check_resolves(&self.data_dir, &layer, &self.environment)?;
        let changed = CATALOG
            .iter()
            .filter(|d| fields::read(d.key, &before) != fields::read(d.key, &layer))
            .map(|d| SettingChange {
                key: d.name.to_string(),
                applies: d.applies,
            })
            .collect();
        let mut settings = settings;
        store_layer(&mut settings, &layer)?;
        Ok(Plan {
            settings,
            layer,
            changed,
        })
    }

    /// The whole settings file as it is now, for the parts that keep a section of their
    /// own in it (the setup wizard). Change it only under [`lock_for_change`].
    ///
    /// [`lock_for_change`]: Self::lock_for_change
    pub fn load_file(&self) -> Result<Settings, SettingsError> {
        self.store.load()
    }

    /// Writes the whole settings file (see [`load_file`](Self::load_file)). Watchers wake
    /// as after any change (the Tautulli poll starts once a connection is saved).
    pub fn save_file(&self, settings: &Settings) -> Result<(), SettingsError> {
        self.store.save(settings)?;
        self.revision.send_modify(|r| *r += 1);
        Ok(())
    }

    /// Saves a checked change; nothing is in force until this returns Ok.
    pub fn commit(&self, plan: Plan) -> Result<SettingsUpdate, PreferencesError> {
        if !plan.changed.is_empty() {
            self.store.save(&plan.settings)?;
            self.revision.send_modify(|r| *r += 1);
        }
        let view = self.view_of(&plan.layer);
        Ok(SettingsUpdate {
            changed: plan.changed,
            restart_required: view.restart_required,
            settings: view.settings,
        })
    }

    /// Changes settings that need nothing applied beyond being saved (the desktop's own
    /// preferences); anything else goes through `EngineHandle::update_settings`.
    pub async fn update_saved_only(
        &self,
        changes: &serde_json::Map<String, Value>,
    ) -> Result<SettingsUpdate, PreferencesError> {
        let _guard = self.lock_for_change().await;
        for name in changes.keys() {
            if catalog::by_name(name).is_some_and(|d| !d.desktop_only) {
                return Err(PreferencesError::invalid(
                    name,
                    "only the desktop's own preferences can be changed before the engine runs",
                ));
            }
        }
        let plan = self.plan(changes)?;
        self.commit(plan)
    }

    /// Wakes after every saved change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.revision.subscribe()
    }

    pub fn dlq_limits(&self) -> Result<DlqLimits, PreferencesError> {
        Ok(DlqLimits::from_layer(&layer_of(&self.store.load()?)?))
    }

    /// How often the Tautulli activity poll runs; zero when it is switched off.
    pub fn tautulli_poll_interval(&self) -> Result<std::time::Duration, PreferencesError> {
        let layer = layer_of(&self.store.load()?)?;
        let millis = self
            .effective(Key::TautulliPollInterval, &layer)
            .and_then(|v| v.whole())
            .unwrap_or(30_000);
        Ok(std::time::Duration::from_millis(millis))
    }

    /// The desktop shell's preferences, as saved (none of them can be locked).
    pub fn desktop(&self) -> Result<DesktopPreferences, PreferencesError> {
        let layer = layer_of(&self.store.load()?)?;
        let toggle = |key| {
            fields::read(key, &layer)
                .or_else(|| fields::default_value(key))
                .and_then(|v| v.bool())
                .unwrap_or(false)
        };
        Ok(DesktopPreferences {
            theme: layer.preferences.theme.unwrap_or(Theme::System),
            start_at_login: toggle(Key::StartAtLogin),
            keep_in_tray: toggle(Key::KeepInTray),
            notify_sidecar_down: toggle(Key::NotifySidecarDown),
            notify_dlq_growth: toggle(Key::NotifyDlqGrowth),
            notify_tautulli_unreachable: toggle(Key::NotifyTautulliUnreachable),
        })
    }

    pub fn api_token(&self) -> Secret {
        self.read_tokens().api.clone()
    }

    pub fn webhook_token(&self, source: &str) -> Option<Secret> {
        self.read_tokens().webhooks.get(source).cloned()
    }

    /// Every secret in force, for scrubbing text that leaves the engine (logs, diagnostics).
    pub fn secrets(&self) -> Vec<Secret> {
        let tokens = self.read_tokens();
        let mut secrets: Vec<Secret> = tokens.webhooks.values().cloned().collect();
        secrets.push(tokens.api.clone());
        drop(tokens);
        if let Some(SettingValue::Text(nats)) = self
            .store
            .load()
            .ok()
            .and_then(|s| layer_of(&s).ok())
            .and_then(|layer| self.effective_secret(Key::NatsToken, &layer))
        {
            secrets.push(Secret::new(nats));
        }
        secrets
    }

    fn effective_secret(&self, key: Key, layer: &Layer) -> Option<SettingValue> {
        match self.environment.lock(key) {
            Some(lock) => lock.value.clone(),
            None => fields::read(key, layer),
        }
    }

    fn read_tokens(&self) -> std::sync::RwLockReadGuard<'_, Tokens> {
        self.tokens
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The settings layer held in a loaded file.
fn layer_of(settings: &Settings) -> Result<Layer, PreferencesError> {
    let preferences = match settings.other.get(PREFERENCES_KEY) {
        Some(value) => serde_json::from_value::<StoredPreferences>(value.clone())
            .map_err(|e| PreferencesError::Corrupt(format!("\"{PREFERENCES_KEY}\": {e}")))?,
        None => StoredPreferences::default(),
    };
    Ok(Layer {
        config: settings.config.clone(),
        preferences,
    })
}

fn store_layer(settings: &mut Settings, layer: &Layer) -> Result<(), PreferencesError> {
    settings.config = layer.config.clone();
    let preferences = serde_json::to_value(&layer.preferences)
        .map_err(|e| PreferencesError::Corrupt(e.to_string()))?;
    settings
        .other
        .insert(PREFERENCES_KEY.to_string(), preferences);
    Ok(())
}
