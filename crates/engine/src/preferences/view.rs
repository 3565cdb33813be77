//! What the settings calls answer: every setting as the view shows it, the outcome of a
//! change, and the typed slices other parts read (dead-letter limits, desktop behaviour).

use serde::Serialize;

use super::catalog::{Applies, Definition, Key, SettingGroup, SettingKind};
use super::fields::{default_value, read, Layer};
use super::stored::Theme;
use super::value::{SettingValue, MASK};

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SettingView {
    pub key: String,
    pub group: SettingGroup,
    pub kind: SettingKind,
    /// The value in force (secrets masked); null when unset and without a default.
    pub value: Option<SettingValue>,
    pub default: Option<SettingValue>,
    /// The environment variable or flag that fixes this setting, if one does.
    pub locked_by: Option<String>,
    pub applies: Applies,
    /// Changed since the engine started; takes effect at the next start.
    pub restart_pending: bool,
    /// Used by the desktop app only (tray, autostart, notifications).
    pub desktop_only: bool,
    pub secret: bool,
    pub choices: Vec<String>,
    pub min: Option<u32>,
    pub max: Option<u32>,
}

impl SettingView {
    pub(super) fn new(
        definition: &Definition,
        value: Option<SettingValue>,
        locked_by: Option<String>,
        restart_pending: bool,
    ) -> Self {
        let secret = definition.is_secret();
        let value = match value {
            Some(_) if secret => Some(SettingValue::Text(MASK.to_string())),
            other => other,
        };
        Self {
            key: definition.name.to_string(),
            group: definition.group,
            kind: definition.kind,
            value,
            default: default_value(definition.key),
            locked_by,
            applies: definition.applies,
            restart_pending,
            desktop_only: definition.desktop_only,
            secret,
            choices: definition.choices.iter().map(|c| c.to_string()).collect(),
            min: definition.min.and_then(|n| u32::try_from(n).ok()),
            max: definition.max.and_then(|n| u32::try_from(n).ok()),
        }
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SettingsView {
    pub settings: Vec<SettingView>,
    /// Some saved change waits for a restart.
    pub restart_required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SettingChange {
    pub key: String,
    pub applies: Applies,
}

/// The answer to a change: what changed and when each takes effect, and the settings now.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SettingsUpdate {
    pub changed: Vec<SettingChange>,
    pub restart_required: bool,
    pub settings: Vec<SettingView>,
}

/// The dead-letter queue's bounds in force (never above the built-in ceilings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DlqLimits {
    pub max_entries: u64,
    pub max_age_days: u64,
}

impl DlqLimits {
    pub(super) fn from_layer(layer: &Layer) -> Self {
        let number = |key| {
            read(key, layer)
                .or_else(|| default_value(key))
                .and_then(|v| v.whole())
                .unwrap_or(0)
        };
        Self {
            max_entries: number(Key::DlqMaxEntries),
            max_age_days: number(Key::DlqMaxAgeDays),
        }
    }
}

/// How the desktop shell behaves, as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct DesktopPreferences {
    pub theme: Theme,
    pub start_at_login: bool,
    pub keep_in_tray: bool,
    pub notify_sidecar_down: bool,
    pub notify_dlq_growth: bool,
    pub notify_tautulli_unreachable: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preferences::catalog::definition;

    #[test]
    fn secrets_are_masked_and_say_so() {
        let view = SettingView::new(
            definition(Key::NatsToken),
            Some(SettingValue::Text("s3cret".into())),
            None,
            false,
        );
        assert!(view.secret);
        assert_eq!(view.value, Some(SettingValue::Text(MASK.into())));
        let json = serde_json::to_string(&view).unwrap();
        assert!(!json.contains("s3cret"), "{json}");
    }

    #[test]
    fn dlq_limits_fall_back_to_the_ceilings() {
        let limits = DlqLimits::from_layer(&Layer::default());
        assert_eq!(limits.max_entries, 10_000);
        assert_eq!(limits.max_age_days, 7);
    }
}
