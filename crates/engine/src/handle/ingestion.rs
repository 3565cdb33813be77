//! Pausing ingestion from the tray or the app: webhooks are then answered
//! `503 ingestion_paused` (nothing is read, parsed or stored) until the user resumes. The
//! pause is a health part, so every view and the tray learn of it the way they learn of
//! anything else; it lasts until resumed or the engine restarts.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::EngineHandle;
use crate::health::{HealthHub, PartHealth, PartStatus};

/// The health part that carries the pause.
pub const PART: &str = "ingestion";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct IngestionState {
    pub paused: bool,
    /// When the current pause began.
    pub since: Option<DateTime<Utc>>,
}

pub struct IngestionGate {
    paused_since: Mutex<Option<DateTime<Utc>>>,
    health: HealthHub,
}

impl IngestionGate {
    pub fn new(health: HealthHub) -> Self {
        let gate = Self {
            paused_since: Mutex::new(None),
            health,
        };
        gate.report(None);
        gate
    }

    pub fn state(&self) -> IngestionState {
        let since = *self.lock();
        IngestionState {
            paused: since.is_some(),
            since,
        }
    }

    fn set(&self, paused: bool) -> IngestionState {
        let mut since = self.lock();
        match (paused, *since) {
            (true, None) => *since = Some(Utc::now()),
            (false, Some(_)) => *since = None,
            _ => {
                return IngestionState {
                    paused,
                    since: *since,
                }
            }
        }
        let state = IngestionState {
            paused,
            since: *since,
        };
        drop(since);
        self.report(state.since);
        tracing::info!(
            paused,
            "ingestion {}",
            if paused { "paused" } else { "resumed" }
        );
        state
    }

    fn report(&self, paused_since: Option<DateTime<Utc>>) {
        let part = match paused_since {
            Some(at) => PartHealth::new(
                PartStatus::Disabled,
                format!(
                    "paused since {} — webhooks are answered 503 ingestion_paused",
                    at.format("%Y-%m-%d %H:%M:%S UTC")
                ),
            ),
            None => PartHealth::new(PartStatus::Up, "accepting webhooks"),
        };
        self.health.report(PART, part);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<DateTime<Utc>>> {
        self.paused_since
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl EngineHandle {
    pub fn ingestion(&self) -> IngestionState {
        self.shared.ingestion.state()
    }

    pub fn pause_ingestion(&self) -> IngestionState {
        self.shared.ingestion.set(true)
    }

    pub fn resume_ingestion(&self) -> IngestionState {
        self.shared.ingestion.set(false)
    }
}
