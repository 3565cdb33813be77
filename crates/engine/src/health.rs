//! Health of the engine's parts (listener, nats, duckdb, …) and the overall verdict.
//! Parts report into a [`HealthHub`]; subscribers (the desktop, WebSocket clients, the
//! tray) get the new [`Health`] only when something actually changed. [`PublicHealth`] is
//! what a caller without the API token may see: the verdicts, not where things run.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum OverallStatus {
    Ok,
    Degraded,
    Down,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum PartStatus {
    Starting,
    Up,
    Down,
    /// Switched off by configuration (for example NATS_ENABLED=false).
    Disabled,
}

/// Which path events take: through JetStream, or straight into DuckDB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum PipelineMode {
    Jetstream,
    Direct,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PartHealth {
    pub status: PartStatus,
    /// Where it runs when up, why not when down; shown to the user as is.
    pub detail: String,
}

impl PartHealth {
    pub fn new(status: PartStatus, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Health {
    pub status: OverallStatus,
    pub mode: PipelineMode,
    pub parts: BTreeMap<String, PartHealth>,
}

/// The health answer for a caller without the API token: the overall verdict, the mode and
/// each part's status. Details name paths, addresses and URLs, so they stay behind the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicHealth {
    pub status: OverallStatus,
    pub mode: PipelineMode,
    pub parts: BTreeMap<String, PublicPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicPart {
    pub status: PartStatus,
}

/// The parts whose failure makes the engine useless: nothing can be received or stored.
const ESSENTIAL: [&str; 2] = ["listener", "duckdb"];

impl Health {
    /// Derives the overall status and mode from the parts, so the two can never disagree.
    pub fn from_parts(parts: BTreeMap<String, PartHealth>) -> Self {
        let essential_down = ESSENTIAL
            .iter()
            .any(|name| parts.get(*name).is_none_or(|p| p.status != PartStatus::Up));
        let any_other_unhealthy = parts
            .iter()
            .filter(|(name, _)| !ESSENTIAL.contains(&name.as_str()))
            .any(|(_, p)| matches!(p.status, PartStatus::Down | PartStatus::Starting));
        let status = if essential_down {
            OverallStatus::Down
        } else if any_other_unhealthy {
            OverallStatus::Degraded
        } else {
            OverallStatus::Ok
        };
        let mode = match parts.get("nats") {
            Some(p) if p.status == PartStatus::Up => PipelineMode::Jetstream,
            _ => PipelineMode::Direct,
        };
        Self {
            status,
            mode,
            parts,
        }
    }

    /// What a host shows when the engine could not start at all.
    pub fn failed(reason: impl Into<String>) -> Self {
        let mut parts = BTreeMap::new();
        parts.insert(
            "engine".to_string(),
            PartHealth::new(PartStatus::Down, reason),
        );
        Self::from_parts(parts)
    }

    /// What a host shows while the engine is still starting.
    pub fn starting() -> Self {
        let parts = ["listener", "nats", "duckdb"]
            .into_iter()
            .map(|name| {
                (
                    name.to_string(),
                    PartHealth::new(PartStatus::Starting, "starting"),
                )
            })
            .collect();
        Self::from_parts(parts)
    }

    pub fn is_ok(&self) -> bool {
        self.status == OverallStatus::Ok
    }

    /// The same verdicts without any detail.
    pub fn public(&self) -> PublicHealth {
        PublicHealth {
            status: self.status,
            mode: self.mode,
            parts: self
                .parts
                .iter()
                .map(|(name, part)| {
                    (
                        name.clone(),
                        PublicPart {
                            status: part.status,
                        },
                    )
                })
                .collect(),
        }
    }
}

/// Collects part reports and publishes the combined [`Health`] to watchers.
#[derive(Clone)]
pub struct HealthHub {
    tx: watch::Sender<Health>,
}

impl Default for HealthHub {
    fn default() -> Self {
        Self::new()
    }
}

impl HealthHub {
    pub fn new() -> Self {
        Self {
            tx: watch::Sender::new(Health::starting()),
        }
    }

    /// Records one part's state; watchers are woken only if the health changed. Credentials
    /// in a URL the detail mentions are removed here, whoever reported it.
    pub fn report(&self, part: &str, mut health: PartHealth) {
        health.detail = crate::secret::redact_urls(&health.detail);
        self.tx.send_if_modified(|current| {
            if current.parts.get(part) == Some(&health) {
                return false;
            }
            let mut parts = std::mem::take(&mut current.parts);
            parts.insert(part.to_string(), health);
            *current = Health::from_parts(parts);
            true
        });
    }

    pub fn current(&self) -> Health {
        self.tx.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<Health> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(detail: &str) -> PartHealth {
        PartHealth::new(PartStatus::Up, detail)
    }

    #[test]
    fn all_parts_up_is_ok_on_jetstream() {
        let hub = HealthHub::new();
        for part in ["listener", "nats", "duckdb"] {
            hub.report(part, up("x"));
        }
        let h = hub.current();
        assert_eq!(h.status, OverallStatus::Ok);
        assert_eq!(h.mode, PipelineMode::Jetstream);
    }

    #[test]
    fn nats_down_degrades_to_the_direct_path() {
        let hub = HealthHub::new();
        hub.report("listener", up("x"));
        hub.report("duckdb", up("x"));
        hub.report("nats", PartHealth::new(PartStatus::Down, "binary missing"));
        let h = hub.current();
        assert_eq!(h.status, OverallStatus::Degraded);
        assert_eq!(h.mode, PipelineMode::Direct);
    }

    #[test]
    fn nats_disabled_by_choice_is_ok_in_direct_mode() {
        let hub = HealthHub::new();
        hub.report("listener", up("x"));
        hub.report("duckdb", up("x"));
        hub.report(
            "nats",
            PartHealth::new(PartStatus::Disabled, "NATS_ENABLED=false"),
        );
        let h = hub.current();
        assert_eq!(h.status, OverallStatus::Ok);
        assert_eq!(h.mode, PipelineMode::Direct);
    }

    #[test]
    fn duckdb_down_is_down() {
        let hub = HealthHub::new();
        hub.report("listener", up("x"));
        hub.report("nats", up("x"));
        hub.report("duckdb", PartHealth::new(PartStatus::Down, "locked"));
        assert_eq!(hub.current().status, OverallStatus::Down);
    }

    #[test]
    fn watchers_are_woken_only_by_changes() {
        let hub = HealthHub::new();
        let mut rx = hub.subscribe();
        rx.mark_unchanged();
        hub.report("listener", up("a"));
        assert!(rx.has_changed().unwrap());
        rx.mark_unchanged();
        hub.report("listener", up("a"));
        assert!(!rx.has_changed().unwrap());
    }

    #[test]
    fn reported_details_lose_url_credentials() {
        let hub = HealthHub::new();
        hub.report(
            "nats",
            up("external server nats://user:secret@10.0.0.5:4222"),
        );
        let detail = &hub.current().parts["nats"].detail;
        assert_eq!(detail, "external server nats://user:***@10.0.0.5:4222");
    }

    #[test]
    fn the_public_answer_keeps_verdicts_and_drops_details() {
        let mut parts = BTreeMap::new();
        parts.insert("listener".to_string(), up("http://0.0.0.0:3857"));
        parts.insert(
            "duckdb".to_string(),
            up("/home/me/data/cartographus.duckdb"),
        );
        parts.insert(
            "nats".to_string(),
            PartHealth::new(PartStatus::Down, "not connected to nats://u:p@h:4222"),
        );
        let health = Health::from_parts(parts);
        let json = serde_json::to_value(health.public()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "status": "degraded",
                "mode": "direct",
                "parts": {
                    "duckdb": {"status": "up"},
                    "listener": {"status": "up"},
                    "nats": {"status": "down"},
                }
            })
        );
    }

    #[test]
    fn serializes_in_the_documented_shape() {
        let mut parts = BTreeMap::new();
        parts.insert("listener".to_string(), up("127.0.0.1:3857"));
        parts.insert("duckdb".to_string(), up("db"));
        let json = serde_json::to_value(Health::from_parts(parts)).unwrap();
        assert_eq!(json["status"], "ok");
        assert_eq!(json["mode"], "direct");
        assert_eq!(json["parts"]["listener"]["status"], "up");
        assert_eq!(json["parts"]["listener"]["detail"], "127.0.0.1:3857");
    }
}
