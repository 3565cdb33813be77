//! When the desktop should interrupt the user: NATS down for more than 30 s, dead letters
//! piling up (at most one note a minute), Tautulli unreachable. [`AlertState`] decides from
//! what it observes (pure, so the rules are tested without waiting); [`watch`] feeds it
//! from a running engine. Whether a note is shown is the user's setting, not decided here.

use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::health::{Health, PartStatus};
use crate::EngineHandle;

/// The health part the Tautulli poller reports when it cannot reach Tautulli.
pub const TAUTULLI_PART: &str = "tautulli";
/// The health part of the writer's backlog against the stream's max age.
pub const STREAM_PART: &str = "stream";

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Alert {
    SidecarDown {
        down_for_secs: f64,
        detail: String,
    },
    DlqGrowth {
        added: u64,
        total: u64,
        /// The issue the newest dead letter belongs to, e.g. "Plex · invalid_json (3)".
        newest: Option<String>,
    },
    TautulliUnreachable {
        detail: String,
    },
    /// The "stream" part is down: the writer is behind, or the stream's max age is about to
    /// delete events DuckDB has not stored (docs/adr/0014).
    StoringBehind {
        detail: String,
    },
}

impl Alert {
    /// Title and body of the notification.
    pub fn text(&self) -> (String, String) {
        match self {
            Alert::SidecarDown {
                down_for_secs,
                detail,
            } => (
                "NATS is down".to_string(),
                format!(
                    "For {down_for_secs:.0} s now ({detail}). Webhooks are still accepted \
                     and stored on the direct path or spooled."
                ),
            ),
            Alert::DlqGrowth {
                added,
                total,
                newest,
            } => (
                "New dead letters".to_string(),
                match newest {
                    Some(issue) => format!(
                        "{added} more could not be stored ({total} waiting), the latest: {issue}. \
                         Open Dead letters to fix and retry them."
                    ),
                    None => format!(
                        "{added} more could not be stored ({total} waiting). Open Dead letters \
                         to fix and retry them."
                    ),
                },
            ),
            Alert::TautulliUnreachable { detail } => (
                "Tautulli is unreachable".to_string(),
                format!("{detail}. Missed playbacks are filled in once it answers again."),
            ),
            Alert::StoringBehind { detail } => (
                "Events are not being stored".to_string(),
                format!("{detail}. They wait in JetStream; open Health to see why."),
            ),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct AlertRules {
    /// How long NATS must be down before it is worth a note.
    pub sidecar_down_after: Duration,
    /// At most one dead-letter note per this long.
    pub dlq_every: Duration,
    /// How often the dead-letter count is looked at.
    pub poll_every: Duration,
}

impl Default for AlertRules {
    fn default() -> Self {
        Self {
            sidecar_down_after: Duration::from_secs(30),
            dlq_every: Duration::from_secs(60),
            poll_every: Duration::from_secs(5),
        }
    }
}

pub struct AlertState {
    rules: AlertRules,
    nats_down_since: Option<(Instant, String)>,
    nats_alerted: bool,
    tautulli_alerted: bool,
    stream_alerted: bool,
    dlq_seen: Option<u64>,
    dlq_unreported: u64,
    dlq_last_alert: Option<Instant>,
}

impl AlertState {
    pub fn new(rules: AlertRules) -> Self {
        Self {
            rules,
            nats_down_since: None,
            nats_alerted: false,
            tautulli_alerted: false,
            stream_alerted: false,
            dlq_seen: None,
            dlq_unreported: 0,
            dlq_last_alert: None,
        }
    }

    pub fn observe_health(&mut self, health: &Health, now: Instant) -> Vec<Alert> {
        let mut alerts = Vec::new();
        match health.parts.get("nats") {
            Some(part) if matches!(part.status, PartStatus::Down | PartStatus::Starting) => {
                let since = self.nats_down_since.get_or_insert((now, String::new()));
                since.1 = part.detail.clone();
            }
            _ => {
                self.nats_down_since = None;
                self.nats_alerted = false;
            }
        }
        match health.parts.get(TAUTULLI_PART) {
            Some(part) if part.status == PartStatus::Down => {
                if !self.tautulli_alerted {
                    self.tautulli_alerted = true;
                    alerts.push(Alert::TautulliUnreachable {
                        detail: part.detail.clone(),
                    });
                }
            }
            _ => self.tautulli_alerted = false,
        }
        match health.parts.get(STREAM_PART) {
            Some(part) if part.status == PartStatus::Down => {
                if !self.stream_alerted {
                    self.stream_alerted = true;
                    alerts.push(Alert::StoringBehind {
                        detail: part.detail.clone(),
                    });
                }
            }
            _ => self.stream_alerted = false,
        }
        alerts.extend(self.tick(now));
        alerts
    }

    pub fn observe_dlq(&mut self, size: u64, now: Instant) -> Option<Alert> {
        match self.dlq_seen.replace(size) {
            Some(before) if size > before => self.dlq_unreported += size - before,
            _ => {}
        }
        self.flush_dlq(now, size)
    }

    /// What time alone decides: NATS down long enough, held-back dead letters now due.
    pub fn tick(&mut self, now: Instant) -> Option<Alert> {
        if let Some((since, detail)) = &self.nats_down_since {
            let down_for = now.duration_since(*since);
            if !self.nats_alerted && down_for > self.rules.sidecar_down_after {
                self.nats_alerted = true;
                return Some(Alert::SidecarDown {
                    down_for_secs: down_for.as_secs_f64().floor(),
                    detail: detail.clone(),
                });
            }
        }
        let total = self.dlq_seen.unwrap_or(0);
        self.flush_dlq(now, total)
    }

    fn flush_dlq(&mut self, now: Instant, total: u64) -> Option<Alert> {
        let due = self
            .dlq_last_alert
            .is_none_or(|last| now.duration_since(last) >= self.rules.dlq_every);
        if self.dlq_unreported == 0 || !due {
            return None;
        }
        let added = std::mem::take(&mut self.dlq_unreported);
        self.dlq_last_alert = Some(now);
        Some(Alert::DlqGrowth {
            added,
            total,
            newest: None,
        })
    }
}

/// Alerts from a running engine, until the receiver is dropped.
pub fn watch(engine: EngineHandle, rules: AlertRules) -> mpsc::Receiver<Alert> {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        let mut state = AlertState::new(rules);
        let mut health = engine.subscribe_health();
        let mut tick = tokio::time::interval(rules.poll_every);
        loop {
            let alerts = tokio::select! {
                changed = health.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    let current = health.borrow_and_update().clone();
                    state.observe_health(&current, Instant::now())
                }
                _ = tick.tick() => {
                    let count = engine
                        .database()
                        .with_conn(|conn| crate::dlq::store::count(conn))
                        .await;
                    let now = Instant::now();
                    let mut alerts: Vec<Alert> = state.tick(now).into_iter().collect();
                    match count {
                        Ok(size) => alerts.extend(state.observe_dlq(size, now)),
                        Err(e) => tracing::debug!("dead letters not counted: {e}"),
                    }
                    alerts
                }
            };
            for mut alert in alerts {
                if let Alert::DlqGrowth { newest, .. } = &mut alert {
                    *newest = newest_issue(&engine).await;
                }
                if tx.send(alert).await.is_err() {
                    return;
                }
            }
        }
    });
    rx
}

/// The group of the newest dead letter, as a notification names it.
async fn newest_issue(engine: &EngineHandle) -> Option<String> {
    let groups = engine
        .dlq_groups(crate::dlq::DlqFilter::default())
        .await
        .ok()?;
    let newest = groups.into_iter().next()?;
    let source = match newest.source.as_deref() {
        Some("tautulli") => "Tautulli",
        Some("plex") => "Plex",
        Some("jellyfin") => "Jellyfin",
        Some("emby") => "Emby",
        Some(other) => other,
        None => "Unknown source",
    };
    let code = newest.code.as_deref().unwrap_or(newest.kind.as_str());
    Some(format!("{source} · {code} ({})", newest.count))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::health::PartHealth;

    fn health(nats: PartStatus, tautulli: Option<PartStatus>) -> Health {
        let mut parts = BTreeMap::new();
        for name in ["listener", "duckdb"] {
            parts.insert(name.to_string(), PartHealth::new(PartStatus::Up, "x"));
        }
        parts.insert("nats".to_string(), PartHealth::new(nats, "exited"));
        if let Some(status) = tautulli {
            parts.insert(
                TAUTULLI_PART.to_string(),
                PartHealth::new(status, "connection refused"),
            );
        }
        Health::from_parts(parts)
    }

    #[test]
    fn events_at_risk_in_the_stream_alert_once_per_episode() {
        let mut state = AlertState::new(AlertRules::default());
        let t0 = Instant::now();
        let with_stream = |status: PartStatus| {
            let mut h = health(PartStatus::Up, None);
            h.parts.insert(
                STREAM_PART.to_string(),
                PartHealth::new(status, "events wait for DuckDB since 4 days"),
            );
            h
        };
        let alerts = state.observe_health(&with_stream(PartStatus::Down), t0);
        assert!(
            matches!(&alerts[..], [Alert::StoringBehind { detail }] if detail.contains("4 days")),
            "{alerts:?}"
        );
        assert!(state
            .observe_health(&with_stream(PartStatus::Down), t0)
            .is_empty());
        assert!(state
            .observe_health(&with_stream(PartStatus::Up), t0)
            .is_empty());
        assert_eq!(
            state
                .observe_health(&with_stream(PartStatus::Down), t0)
                .len(),
            1
        );
    }

    #[test]
    fn nats_down_alerts_once_after_thirty_seconds_and_again_after_recovering() {
        let mut state = AlertState::new(AlertRules::default());
        let t0 = Instant::now();
        assert!(state
            .observe_health(&health(PartStatus::Down, None), t0)
            .is_empty());
        assert!(state.tick(t0 + Duration::from_secs(29)).is_none());
        let alert = state.tick(t0 + Duration::from_secs(31)).unwrap();
        assert!(matches!(alert, Alert::SidecarDown { down_for_secs, .. } if down_for_secs == 31.0));
        assert!(state.tick(t0 + Duration::from_secs(90)).is_none());
        // Back up for a moment, then down again: a new outage, a new note after 30 s.
        state.observe_health(&health(PartStatus::Up, None), t0 + Duration::from_secs(100));
        state.observe_health(
            &health(PartStatus::Down, None),
            t0 + Duration::from_secs(101),
        );
        assert!(state.tick(t0 + Duration::from_secs(120)).is_none());
        assert!(state.tick(t0 + Duration::from_secs(132)).is_some());
        // Switched off by the user is not an outage.
        let mut state = AlertState::new(AlertRules::default());
        state.observe_health(&health(PartStatus::Disabled, None), t0);
        assert!(state.tick(t0 + Duration::from_secs(300)).is_none());
    }

    #[test]
    fn dead_letters_are_summed_into_one_note_a_minute() {
        let mut state = AlertState::new(AlertRules::default());
        let t0 = Instant::now();
        assert!(
            state.observe_dlq(4, t0).is_none(),
            "the first count is the baseline"
        );
        assert_eq!(
            state.observe_dlq(6, t0 + Duration::from_secs(1)),
            Some(Alert::DlqGrowth {
                added: 2,
                total: 6,
                newest: None
            })
        );
        assert!(state.observe_dlq(7, t0 + Duration::from_secs(10)).is_none());
        assert!(state.observe_dlq(9, t0 + Duration::from_secs(20)).is_none());
        assert_eq!(
            state.tick(t0 + Duration::from_secs(61)),
            Some(Alert::DlqGrowth {
                added: 3,
                total: 9,
                newest: None
            })
        );
        // Retried entries leave: fewer is not growth.
        assert!(state
            .observe_dlq(2, t0 + Duration::from_secs(200))
            .is_none());
    }

    #[test]
    fn tautulli_unreachable_alerts_once_per_outage() {
        let mut state = AlertState::new(AlertRules::default());
        let t0 = Instant::now();
        let down = health(PartStatus::Up, Some(PartStatus::Down));
        assert_eq!(state.observe_health(&down, t0).len(), 1);
        assert!(state.observe_health(&down, t0).is_empty());
        state.observe_health(&health(PartStatus::Up, Some(PartStatus::Up)), t0);
        assert_eq!(state.observe_health(&down, t0).len(), 1);
    }
}
