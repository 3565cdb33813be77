//! The settings functions both adapters call: read, change (checked as a whole, applied
//! where it can be at once, saved, then in force), reveal and regenerate secrets, and the
//! task that keeps the dead-letter queue within the user's limits.

use std::time::Duration;

use super::EngineHandle;
use crate::bus::stream;
use crate::event::Source;
use crate::preferences::{
    Applies, PreferencesError, Regenerated, RevealedSecret, SettingsUpdate, SettingsView,
};

/// How often the dead-letter limits are enforced besides right after a change.
const DLQ_LIMITS_EVERY: Duration = Duration::from_secs(30);

impl EngineHandle {
    pub fn settings(&self) -> Result<SettingsView, PreferencesError> {
        self.shared.settings.view()
    }

    /// Changes settings: all of `changes` or none. What applies at once (the stream's
    /// retention, the dead-letter limits) is in force when this returns.
    pub async fn update_settings(
        &self,
        changes: serde_json::Map<String, serde_json::Value>,
    ) -> Result<SettingsUpdate, PreferencesError> {
        let service = &self.shared.settings;
        let _guard = service.lock_for_change().await;
        let plan = service.plan(&changes)?;
        // The stream is changed before the file is saved, and put back if saving fails, so
        // the answer never claims a retention that is not in force (or the reverse).
        let previous_retention = match plan.changes("nats_retention_days") {
            true => self.set_stream_retention(plan.retention_days()).await?,
            false => None,
        };
        let dlq_changed = plan.changes("dlq_max_entries") || plan.changes("dlq_max_age_days");
        let mut update = match service.commit(plan) {
            Ok(update) => update,
            Err(e) => {
                if let Some(days) = previous_retention {
                    if let Err(undo) = self.set_stream_retention(days).await {
                        tracing::warn!("cannot put the stream's retention back: {undo}");
                    }
                }
                return Err(e);
            }
        };
        if self.jetstream().is_none() {
            // Direct mode has no stream: a new retention is used when JetStream next runs.
            for change in &mut update.changed {
                if change.key == "nats_retention_days" {
                    change.applies = Applies::Restart;
                }
            }
        }
        if dlq_changed {
            if let Err(e) = self.enforce_dlq_limits().await {
                tracing::warn!("dead-letter limits saved; enforcing them now failed: {e}");
            }
        }
        Ok(update)
    }

    pub fn reveal_secret(&self, key: &str) -> Result<RevealedSecret, PreferencesError> {
        self.shared.settings.reveal(key)
    }

    /// A new token in force at once; a connected Tautulli or Plex is given it in the same
    /// step. A failed update leaves the new token in force and says why, so the user can
    /// paste the URL instead.
    pub async fn regenerate_token(&self, key: &str) -> Result<Regenerated, PreferencesError> {
        let mut regenerated = self
            .shared
            .settings
            .regenerate(key, self.listen_addr())
            .await?;
        let source = key.strip_prefix("webhook_token_").and_then(Source::parse);
        if let (Some(source), Some(service)) = (source, regenerated.update.first_mut()) {
            match self.shared.setup.refresh_webhook(source).await {
                Ok(updated) => service.automatic = updated,
                Err(e) => {
                    tracing::warn!(
                        source = source.as_str(),
                        "cannot hand the new webhook token over: {e}"
                    );
                    service.failure = Some(e.to_string());
                }
            }
        }
        Ok(regenerated)
    }

    /// Sets the stream's max age; returns the retention it had (None without JetStream).
    async fn set_stream_retention(&self, days: u32) -> Result<Option<u32>, PreferencesError> {
        let Some(jetstream) = self.jetstream() else {
            return Ok(None);
        };
        let failed = |reason: String| PreferencesError::Apply {
            key: "nats_retention_days".to_string(),
            reason,
        };
        let mut handle = jetstream
            .get_stream(stream::STREAM)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let mut config = handle
            .info()
            .await
            .map_err(|e| failed(e.to_string()))?
            .config
            .clone();
        let previous = u32::try_from(config.max_age.as_secs() / 86_400).unwrap_or(u32::MAX);
        let wanted = Duration::from_secs(u64::from(days) * 86_400);
        // A shorter retention must not delete events the writer has not stored yet: refuse
        // it with the reason instead (the same rule provisioning follows).
        if wanted < config.max_age {
            let oldest_unstored = stream::persist_backlog(&jetstream)
                .await
                .map_err(|e| failed(e.to_string()))?
                .oldest_age;
            if let Some(held) = stream::hold_retention(config.max_age, wanted, oldest_unstored) {
                return Err(failed(held.to_string()));
            }
        }
        config.max_age = wanted;
        jetstream
            .update_stream(config)
            .await
            .map_err(|e| failed(e.to_string()))?;
        tracing::info!(days, "stream retention changed");
        Ok(Some(previous))
    }

    /// Drops dead letters beyond the user's limits; returns how many went.
    pub(crate) async fn enforce_dlq_limits(&self) -> Result<usize, String> {
        let limits = self
            .shared
            .settings
            .dlq_limits()
            .map_err(|e| e.to_string())?;
        let max_age = chrono::Duration::days(i64::try_from(limits.max_age_days).unwrap_or(7));
        let enforced = self
            .database()
            .with_conn(move |conn| {
                crate::dlq::limits::enforce(conn, limits.max_entries, max_age, chrono::Utc::now())
            })
            .await
            .map_err(|e| e.to_string())?;
        let counters = self.database().dlq_counters();
        counters.evicted(None, enforced.evicted);
        counters.expired(enforced.expired);
        Ok(enforced.total())
    }

    /// Keeps the dead-letter limits: after every saved change and every 30 s.
    pub(super) fn spawn_preference_tasks(&self, tasks: &crate::handle::tasks::Tasks) {
        let engine = self.clone();
        let shutdown = tasks.token();
        tasks.spawn("dead-letter limits", async move {
            let mut changes = engine.shared.settings.subscribe();
            let mut tick = tokio::time::interval(DLQ_LIMITS_EVERY);
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tick.tick() => {}
                    changed = changes.changed() => if changed.is_err() { return },
                }
                if let Err(e) = engine.enforce_dlq_limits().await {
                    tracing::warn!("cannot enforce the dead-letter limits: {e}");
                }
            }
        });
    }
}
