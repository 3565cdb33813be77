//! Desktop notifications for the engine's alerts (NATS down for more than 30 s, events not
//! being stored — the writer behind or the stream's max age near —, new dead letters at most
//! once a minute, Tautulli unreachable), each switchable in Settings.

use cartographus_engine::alerts::{self, Alert, AlertRules};
use cartographus_engine::preferences::DesktopPreferences;
use cartographus_engine::EngineHandle;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::state::DesktopState;

/// Whether the user wants to hear about `alert`.
pub fn wanted(preferences: &DesktopPreferences, alert: &Alert) -> bool {
    match alert {
        // Both say "the pipeline is not storing": one switch for both.
        Alert::SidecarDown { .. } | Alert::StoringBehind { .. } => preferences.notify_sidecar_down,
        Alert::DlqGrowth { .. } => preferences.notify_dlq_growth,
        Alert::TautulliUnreachable { .. } => preferences.notify_tautulli_unreachable,
    }
}

pub async fn run<R: Runtime>(app: AppHandle<R>, engine: EngineHandle) {
    let mut alerts = alerts::watch(engine, AlertRules::default());
    while let Some(alert) = alerts.recv().await {
        let preferences = app.state::<DesktopState>().desktop_preferences();
        if !preferences.is_some_and(|p| wanted(&p, &alert)) {
            continue;
        }
        let (title, body) = alert.text();
        tracing::info!(%title, "notifying");
        if let Err(e) = app.notification().builder().title(title).body(body).show() {
            // No notification daemon (a bare X session): the tray and the window still say it.
            tracing::warn!("cannot show a notification: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use cartographus_engine::preferences::Theme;

    use super::*;

    #[test]
    fn each_alert_follows_its_own_switch() {
        let mut preferences = DesktopPreferences {
            theme: Theme::System,
            start_at_login: false,
            keep_in_tray: false,
            notify_sidecar_down: true,
            notify_dlq_growth: false,
            notify_tautulli_unreachable: true,
        };
        let dlq = Alert::DlqGrowth {
            added: 1,
            total: 1,
            newest: None,
        };
        let nats = Alert::SidecarDown {
            down_for_secs: 31.0,
            detail: "exited".into(),
        };
        assert!(!wanted(&preferences, &dlq));
        assert!(wanted(&preferences, &nats));
        preferences.notify_sidecar_down = false;
        assert!(!wanted(&preferences, &nats));
    }
}
