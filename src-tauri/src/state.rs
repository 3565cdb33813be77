//! What the desktop shell holds: the engine (owned, so it can be stopped on exit) and what
//! the UI should see while it starts or after it failed to.

use std::sync::{Arc, Mutex, RwLock};

use cartographus_engine::logging::LogGuard;
use cartographus_engine::preferences::{DesktopPreferences, SettingsService};
use cartographus_engine::{Engine, EngineHandle, EngineInfo, Health};

use crate::commands::CommandError;

enum EngineStatus {
    Starting,
    Running(EngineHandle),
    Failed(String),
}

pub struct DesktopState {
    status: RwLock<EngineStatus>,
    engine: Mutex<Option<Engine>>,
    log_guard: Mutex<Option<LogGuard>>,
    /// The settings, known before the engine runs (the tray and window behaviour need them).
    settings: RwLock<Option<Arc<SettingsService>>>,
    /// The task feeding the window's live channel. The window has one live view; a page
    /// reload subscribes again, and the old feed (whose JS callback is gone) must stop.
    live_feed: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
}

impl Default for DesktopState {
    fn default() -> Self {
        Self {
            status: RwLock::new(EngineStatus::Starting),
            engine: Mutex::new(None),
            log_guard: Mutex::new(None),
            settings: RwLock::new(None),
            live_feed: Mutex::new(None),
        }
    }
}

impl DesktopState {
    /// Makes `feed` the window's live feed, stopping the one before it.
    pub fn replace_live_feed(&self, feed: tauri::async_runtime::JoinHandle<()>) {
        if let Ok(mut slot) = self.live_feed.lock() {
            if let Some(previous) = slot.replace(feed) {
                previous.abort();
            }
        }
    }

    pub fn health(&self) -> Health {
        match &*self.read() {
            EngineStatus::Starting => Health::starting(),
            EngineStatus::Running(handle) => handle.health(),
            EngineStatus::Failed(reason) => Health::failed(reason.clone()),
        }
    }

    pub fn info(&self) -> Result<EngineInfo, CommandError> {
        match &*self.read() {
            EngineStatus::Starting => Err(CommandError::starting()),
            EngineStatus::Running(handle) => Ok(handle.info()),
            EngineStatus::Failed(reason) => Err(CommandError::failed(reason)),
        }
    }

    pub fn engine_handle(&self) -> Result<EngineHandle, CommandError> {
        match &*self.read() {
            EngineStatus::Starting => Err(CommandError::starting()),
            EngineStatus::Running(handle) => Ok(handle.clone()),
            EngineStatus::Failed(reason) => Err(CommandError::failed(reason)),
        }
    }

    pub fn running(&self, engine: Engine) -> EngineHandle {
        let handle = engine.handle();
        *self.write() = EngineStatus::Running(handle.clone());
        if let Ok(mut slot) = self.engine.lock() {
            *slot = Some(engine);
        }
        handle
    }

    pub fn failed(&self, reason: String) {
        *self.write() = EngineStatus::Failed(reason);
    }

    /// The engine, once: exit handlers may run more than once.
    pub fn take_engine(&self) -> Option<Engine> {
        self.engine.lock().ok().and_then(|mut slot| slot.take())
    }

    pub fn set_settings(&self, settings: Arc<SettingsService>) {
        if let Ok(mut slot) = self.settings.write() {
            *slot = Some(settings);
        }
    }

    pub fn settings(&self) -> Option<Arc<SettingsService>> {
        self.settings.read().ok().and_then(|slot| slot.clone())
    }

    /// The desktop's saved behaviour; the defaults until the settings are read.
    pub fn desktop_preferences(&self) -> Option<DesktopPreferences> {
        let settings = self.settings()?;
        match settings.desktop() {
            Ok(preferences) => Some(preferences),
            Err(e) => {
                tracing::warn!("cannot read the desktop preferences: {e}");
                None
            }
        }
    }

    pub fn keep_log_guard(&self, guard: LogGuard) {
        if let Ok(mut slot) = self.log_guard.lock() {
            *slot = Some(guard);
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, EngineStatus> {
        self.status
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, EngineStatus> {
        self.status
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
