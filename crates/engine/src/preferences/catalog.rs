//! Every user setting, described once: its key, group, kind, when a change takes effect,
//! which environment variable or flag can fix it, and its bounds. The Settings view, the
//! API and validation all read this table, so a setting cannot be shown one way and checked
//! another.

use serde::Serialize;

/// When a change to a setting takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Applies {
    Now,
    Restart,
}

/// How a value is entered and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SettingKind {
    /// `HOST:PORT`.
    Address,
    /// A TCP port, or null for off.
    Port,
    /// A whole number within `min`..=`max`.
    Count,
    /// Milliseconds within `min`..=`max`; the API also takes `"250ms"`, `"5s"`, `"2m"`, `"6h"`.
    Duration,
    /// One of `choices`.
    Choice,
    Toggle,
    Text,
    /// A file path on this machine.
    Path,
    /// A secret the user sets (shown masked, revealed on request).
    Secret,
    /// A generated token: shown masked, revealed or regenerated, never typed in.
    Token,
}

/// Sections of the Settings view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SettingGroup {
    Listener,
    Tokens,
    Nats,
    Storage,
    DeadLetters,
    Sessions,
    Tautulli,
    Appearance,
    Desktop,
    Notifications,
}

/// The settings, in the order the view shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Listen,
    WsPort,
    ApiToken,
    WebhookTokenTautulli,
    WebhookTokenPlex,
    WebhookTokenJellyfin,
    WebhookTokenEmby,
    NatsMode,
    NatsUrl,
    NatsToken,
    NatsCreds,
    NatsRetentionDays,
    WriterBatchSize,
    WriterFlushInterval,
    DlqMaxEntries,
    DlqMaxAgeDays,
    SessionTimeout,
    TautulliPollInterval,
    Theme,
    StartAtLogin,
    KeepInTray,
    NotifySidecarDown,
    NotifyDlqGrowth,
    NotifyTautulliUnreachable,
}

pub struct Definition {
    pub key: Key,
    pub name: &'static str,
    pub group: SettingGroup,
    pub kind: SettingKind,
    pub applies: Applies,
    /// Environment variables that fix the value when set (the first set one is named).
    pub env: &'static [&'static str],
    /// The command-line flag that fixes it, if any.
    pub flag: Option<&'static str>,
    /// Only the desktop app uses it (tray, autostart, notifications).
    pub desktop_only: bool,
    pub min: Option<u64>,
    pub max: Option<u64>,
    pub choices: &'static [&'static str],
    /// Zero is accepted besides the range: it switches the feature off.
    pub zero_is_off: bool,
    /// The name an earlier version used, still accepted in a change.
    pub former_name: Option<&'static str>,
}

const fn def(
    key: Key,
    name: &'static str,
    group: SettingGroup,
    kind: SettingKind,
    applies: Applies,
) -> Definition {
    Definition {
        key,
        name,
        group,
        kind,
        applies,
        env: &[],
        flag: None,
        desktop_only: false,
        min: None,
        max: None,
        choices: &[],
        zero_is_off: false,
        former_name: None,
    }
}

impl Definition {
    const fn env(mut self, names: &'static [&'static str]) -> Self {
        self.env = names;
        self
    }
    const fn formerly(mut self, name: &'static str) -> Self {
        self.former_name = Some(name);
        self
    }
    const fn flag(mut self, flag: &'static str) -> Self {
        self.flag = Some(flag);
        self
    }
    const fn range(mut self, min: u64, max: u64) -> Self {
        self.min = Some(min);
        self.max = Some(max);
        self
    }
    const fn or_zero_for_off(mut self) -> Self {
        self.zero_is_off = true;
        self
    }
    const fn choices(mut self, choices: &'static [&'static str]) -> Self {
        self.choices = choices;
        self
    }
    const fn desktop(mut self) -> Self {
        self.desktop_only = true;
        self
    }

    pub fn is_secret(&self) -> bool {
        matches!(self.kind, SettingKind::Secret | SettingKind::Token)
    }
}

/// Which service a webhook token belongs to.
pub fn token_source(key: Key) -> Option<&'static str> {
    match key {
        Key::WebhookTokenTautulli => Some("tautulli"),
        Key::WebhookTokenPlex => Some("plex"),
        Key::WebhookTokenJellyfin => Some("jellyfin"),
        Key::WebhookTokenEmby => Some("emby"),
        _ => None,
    }
}

pub const NATS_MODES: &[&str] = &["embedded", "external", "off"];
pub const THEMES: &[&str] = &["system", "light", "dark"];

/// The built-in bounds of refused bodies in the dead-letter queue (per source, and by age;
/// docs/adr/0014); settings may only lower them.
pub const DLQ_MAX_ENTRIES_CEILING: u64 = crate::dlq::store::MAX_REJECTED_PER_SOURCE;
pub const DLQ_MAX_AGE_DAYS_CEILING: u64 = crate::dlq::store::RETENTION.num_days() as u64;

const SECOND_MS: u64 = 1000;
const MINUTE_MS: u64 = 60 * SECOND_MS;
const HOUR_MS: u64 = 60 * MINUTE_MS;

use Applies::{Now, Restart};
use SettingGroup as G;
use SettingKind as K;

pub static CATALOG: [Definition; 24] = [
    def(Key::Listen, "listen", G::Listener, K::Address, Restart)
        .env(&["CARTOGRAPHUS_LISTEN"])
        .flag("--listen"),
    def(Key::WsPort, "ws_port", G::Listener, K::Port, Restart)
        .env(&["CARTOGRAPHUS_WS_PORT"])
        .range(1, 65535),
    def(Key::ApiToken, "api_token", G::Tokens, K::Token, Now).env(&["CARTOGRAPHUS_API_TOKEN"]),
    def(
        Key::WebhookTokenTautulli,
        "webhook_token_tautulli",
        G::Tokens,
        K::Token,
        Now,
    )
    .env(&["CARTOGRAPHUS_WEBHOOK_TOKEN"]),
    def(
        Key::WebhookTokenPlex,
        "webhook_token_plex",
        G::Tokens,
        K::Token,
        Now,
    )
    .env(&["CARTOGRAPHUS_WEBHOOK_TOKEN"]),
    def(
        Key::WebhookTokenJellyfin,
        "webhook_token_jellyfin",
        G::Tokens,
        K::Token,
        Now,
    )
    .env(&["CARTOGRAPHUS_WEBHOOK_TOKEN"]),
    def(
        Key::WebhookTokenEmby,
        "webhook_token_emby",
        G::Tokens,
        K::Token,
        Now,
    )
    .env(&["CARTOGRAPHUS_WEBHOOK_TOKEN"]),
    def(Key::NatsMode, "nats_mode", G::Nats, K::Choice, Restart)
        .env(&["NATS_ENABLED", "NATS_EMBEDDED"])
        .choices(NATS_MODES),
    def(Key::NatsUrl, "nats_url", G::Nats, K::Text, Restart).env(&["NATS_URL"]),
    def(Key::NatsToken, "nats_token", G::Nats, K::Secret, Restart).env(&["NATS_TOKEN"]),
    def(Key::NatsCreds, "nats_creds", G::Nats, K::Path, Restart).env(&["NATS_CREDS"]),
    def(
        Key::NatsRetentionDays,
        "nats_retention_days",
        G::Storage,
        K::Count,
        Now,
    )
    .env(&["NATS_RETENTION_DAYS"])
    .range(1, 3650),
    def(
        Key::WriterBatchSize,
        "writer_batch_size",
        G::Storage,
        K::Count,
        Restart,
    )
    .env(&["CARTOGRAPHUS_WRITER_BATCH_SIZE", "NATS_BATCH_SIZE"])
    .formerly("nats_batch_size")
    .range(1, 100_000),
    def(
        Key::WriterFlushInterval,
        "writer_flush_interval",
        G::Storage,
        K::Duration,
        Restart,
    )
    .env(&["CARTOGRAPHUS_WRITER_FLUSH_INTERVAL", "NATS_FLUSH_INTERVAL"])
    .formerly("nats_flush_interval")
    .range(1, MINUTE_MS),
    def(
        Key::DlqMaxEntries,
        "dlq_max_entries",
        G::DeadLetters,
        K::Count,
        Now,
    )
    .range(100, DLQ_MAX_ENTRIES_CEILING),
    def(
        Key::DlqMaxAgeDays,
        "dlq_max_age_days",
        G::DeadLetters,
        K::Count,
        Now,
    )
    .range(1, DLQ_MAX_AGE_DAYS_CEILING),
    def(
        Key::SessionTimeout,
        "session_timeout",
        G::Sessions,
        K::Duration,
        Restart,
    )
    .env(&["CARTOGRAPHUS_SESSION_TIMEOUT"])
    .range(MINUTE_MS, 7 * 24 * HOUR_MS),
    def(
        Key::TautulliPollInterval,
        "tautulli_poll_interval",
        G::Tautulli,
        K::Duration,
        Now,
    )
    .env(&["CARTOGRAPHUS_TAUTULLI_POLL"])
    .range(5 * SECOND_MS, HOUR_MS)
    .or_zero_for_off(),
    def(Key::Theme, "theme", G::Appearance, K::Choice, Now).choices(THEMES),
    def(
        Key::StartAtLogin,
        "start_at_login",
        G::Desktop,
        K::Toggle,
        Now,
    )
    .desktop(),
    def(Key::KeepInTray, "keep_in_tray", G::Desktop, K::Toggle, Now).desktop(),
    def(
        Key::NotifySidecarDown,
        "notify_sidecar_down",
        G::Notifications,
        K::Toggle,
        Now,
    )
    .desktop(),
    def(
        Key::NotifyDlqGrowth,
        "notify_dlq_growth",
        G::Notifications,
        K::Toggle,
        Now,
    )
    .desktop(),
    def(
        Key::NotifyTautulliUnreachable,
        "notify_tautulli_unreachable",
        G::Notifications,
        K::Toggle,
        Now,
    )
    .desktop(),
];

pub fn by_name(name: &str) -> Option<&'static Definition> {
    CATALOG
        .iter()
        .find(|d| d.name == name || d.former_name == Some(name))
}

pub fn definition(key: Key) -> &'static Definition {
    // The table lists every key once, in the enum's order.
    &CATALOG[key as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_key_once_in_order() {
        for (index, entry) in CATALOG.iter().enumerate() {
            assert_eq!(entry.key as usize, index, "{}", entry.name);
            assert!(std::ptr::eq(definition(entry.key), entry));
        }
        let mut names: Vec<_> = CATALOG.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len());
    }
}
