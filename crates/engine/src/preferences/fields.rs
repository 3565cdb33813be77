//! Where each setting lives in the layers (the `config` object for what the environment can
//! also set, the `preferences` object for the rest), its default, and how it is read from
//! and written into a layer. Tokens are not here: they have their own keys in the file.

use std::path::PathBuf;
use std::time::Duration;

use super::catalog::Key;
use super::stored::{StoredPreferences, Theme};
use super::value::SettingValue;
use crate::config::{ConfigLayer, DEFAULT_LISTEN};

/// One layer of settings: what the file, the environment or the flags say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layer {
    pub config: ConfigLayer,
    pub preferences: StoredPreferences,
}

pub fn default_value(key: Key) -> Option<SettingValue> {
    use SettingValue::{Bool, Text};
    match key {
        Key::Listen => Some(Text(DEFAULT_LISTEN.to_string())),
        Key::NatsMode => Some(Text("embedded".to_string())),
        Key::NatsRetentionDays => Some(SettingValue::number(7)),
        Key::WriterBatchSize => Some(SettingValue::number(1000)),
        Key::WriterFlushInterval => Some(SettingValue::duration(Duration::from_secs(5))),
        Key::DlqMaxEntries => Some(SettingValue::number(
            super::catalog::DLQ_MAX_ENTRIES_CEILING,
        )),
        Key::DlqMaxAgeDays => Some(SettingValue::number(
            super::catalog::DLQ_MAX_AGE_DAYS_CEILING,
        )),
        Key::SessionTimeout => Some(SettingValue::duration(Duration::from_secs(6 * 3600))),
        Key::TautulliPollInterval => Some(SettingValue::duration(Duration::from_secs(30))),
        Key::Theme => Some(Text(Theme::System.as_str().to_string())),
        Key::StartAtLogin | Key::KeepInTray => Some(Bool(false)),
        Key::NotifySidecarDown | Key::NotifyDlqGrowth | Key::NotifyTautulliUnreachable => {
            Some(Bool(true))
        }
        Key::WsPort
        | Key::NatsUrl
        | Key::NatsToken
        | Key::NatsCreds
        | Key::ApiToken
        | Key::WebhookTokenTautulli
        | Key::WebhookTokenPlex
        | Key::WebhookTokenJellyfin
        | Key::WebhookTokenEmby => None,
    }
}

/// What `layer` says about `key`; None when it leaves the setting alone.
pub fn read(key: Key, layer: &Layer) -> Option<SettingValue> {
    use SettingValue::{Bool, Text};
    let config = &layer.config;
    let prefs = &layer.preferences;
    let number = |n: u32| SettingValue::number(u64::from(n));
    match key {
        Key::Listen => config.listen.map(|a| Text(a.to_string())),
        Key::WsPort => config.ws_port.map(|p| SettingValue::number(u64::from(p))),
        Key::NatsMode => nats_mode(config).map(|m| Text(m.to_string())),
        Key::NatsUrl => config.nats_url.clone().map(Text),
        Key::NatsToken => config.nats_token.clone().map(Text),
        Key::NatsCreds => config
            .nats_creds
            .as_ref()
            .map(|p| Text(p.display().to_string())),
        Key::NatsRetentionDays => config.nats_retention_days.map(number),
        Key::WriterBatchSize => config.writer_batch_size.map(number),
        Key::WriterFlushInterval => config.writer_flush_interval.map(SettingValue::duration),
        Key::SessionTimeout => config.session_timeout.map(SettingValue::duration),
        Key::DlqMaxEntries => prefs.dlq_max_entries.map(number),
        Key::DlqMaxAgeDays => prefs.dlq_max_age_days.map(number),
        Key::TautulliPollInterval => prefs.tautulli_poll_interval.map(SettingValue::duration),
        Key::Theme => prefs.theme.map(|t| Text(t.as_str().to_string())),
        Key::StartAtLogin => prefs.start_at_login.map(Bool),
        Key::KeepInTray => prefs.keep_in_tray.map(Bool),
        Key::NotifySidecarDown => prefs.notify_sidecar_down.map(Bool),
        Key::NotifyDlqGrowth => prefs.notify_dlq_growth.map(Bool),
        Key::NotifyTautulliUnreachable => prefs.notify_tautulli_unreachable.map(Bool),
        Key::ApiToken
        | Key::WebhookTokenTautulli
        | Key::WebhookTokenPlex
        | Key::WebhookTokenJellyfin
        | Key::WebhookTokenEmby => None,
    }
}

/// Sets (or with None, clears) `key` in `layer`. `value` has passed `value::parse` for this
/// key, so its shape is the key's own.
pub fn write(key: Key, layer: &mut Layer, value: Option<&SettingValue>) {
    let config = &mut layer.config;
    let prefs = &mut layer.preferences;
    let text = || value.and_then(SettingValue::text).map(str::to_string);
    let whole = || value.and_then(SettingValue::whole);
    let small = || whole().and_then(|n| u32::try_from(n).ok());
    let millis = || whole().map(Duration::from_millis);
    let flag = || value.and_then(SettingValue::bool);
    match key {
        Key::Listen => config.listen = text().and_then(|t| t.parse().ok()),
        Key::WsPort => config.ws_port = whole().and_then(|n| u16::try_from(n).ok()),
        Key::NatsMode => {
            let (enabled, embedded) = match text().as_deref() {
                Some("off") => (Some(false), None),
                Some("external") => (Some(true), Some(false)),
                Some(_) => (Some(true), Some(true)),
                None => (None, None),
            };
            config.nats_enabled = enabled;
            config.nats_embedded = embedded;
        }
        Key::NatsUrl => config.nats_url = text(),
        Key::NatsToken => config.nats_token = text(),
        Key::NatsCreds => config.nats_creds = text().map(PathBuf::from),
        Key::NatsRetentionDays => config.nats_retention_days = small(),
        Key::WriterBatchSize => config.writer_batch_size = small(),
        Key::WriterFlushInterval => config.writer_flush_interval = millis(),
        Key::SessionTimeout => config.session_timeout = millis(),
        Key::DlqMaxEntries => prefs.dlq_max_entries = small(),
        Key::DlqMaxAgeDays => prefs.dlq_max_age_days = small(),
        Key::TautulliPollInterval => prefs.tautulli_poll_interval = millis(),
        Key::Theme => prefs.theme = text().as_deref().and_then(Theme::parse),
        Key::StartAtLogin => prefs.start_at_login = flag(),
        Key::KeepInTray => prefs.keep_in_tray = flag(),
        Key::NotifySidecarDown => prefs.notify_sidecar_down = flag(),
        Key::NotifyDlqGrowth => prefs.notify_dlq_growth = flag(),
        Key::NotifyTautulliUnreachable => prefs.notify_tautulli_unreachable = flag(),
        Key::ApiToken
        | Key::WebhookTokenTautulli
        | Key::WebhookTokenPlex
        | Key::WebhookTokenJellyfin
        | Key::WebhookTokenEmby => {}
    }
}

/// `NATS_ENABLED` and `NATS_EMBEDDED` as the one choice the user makes.
fn nats_mode(config: &ConfigLayer) -> Option<&'static str> {
    match (config.nats_enabled, config.nats_embedded) {
        (Some(false), _) => Some("off"),
        (_, Some(false)) => Some("external"),
        (Some(true), _) | (_, Some(true)) => Some("embedded"),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preferences::catalog::CATALOG;

    #[test]
    fn every_setting_written_reads_back() {
        for definition in CATALOG
            .iter()
            .filter(|d| !d.is_secret() || d.key == Key::NatsToken)
        {
            let value = match definition.kind {
                crate::preferences::catalog::SettingKind::Toggle => SettingValue::Bool(true),
                crate::preferences::catalog::SettingKind::Choice => {
                    SettingValue::Text(definition.choices[1].to_string())
                }
                crate::preferences::catalog::SettingKind::Address => {
                    SettingValue::Text("127.0.0.1:4000".to_string())
                }
                crate::preferences::catalog::SettingKind::Text
                | crate::preferences::catalog::SettingKind::Secret
                | crate::preferences::catalog::SettingKind::Path => {
                    SettingValue::Text("/x".to_string())
                }
                _ => SettingValue::number(definition.max.unwrap_or(9)),
            };
            let mut layer = Layer::default();
            write(definition.key, &mut layer, Some(&value));
            assert_eq!(
                read(definition.key, &layer),
                Some(value),
                "{}",
                definition.name
            );
            write(definition.key, &mut layer, None);
            assert_eq!(read(definition.key, &layer), None, "{}", definition.name);
        }
    }
}
