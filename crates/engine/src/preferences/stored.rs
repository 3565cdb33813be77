//! The `"preferences"` object of settings.json: the settings the environment layer has no
//! field for (dead-letter limits, the Tautulli poll, theme, the desktop's behaviour). Keys a
//! later version adds are kept when an older one saves.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The key of this object in settings.json.
pub const PREFERENCES_KEY: &str = "preferences";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Theme::System, Theme::Light, Theme::Dark]
            .into_iter()
            .find(|t| t.as_str() == name)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoredPreferences {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dlq_max_entries: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dlq_max_age_days: Option<u32>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "duration_text",
        default
    )]
    pub tautulli_poll_interval: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<Theme>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_at_login: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_in_tray: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_sidecar_down: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_dlq_growth: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_tautulli_unreachable: Option<bool>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

mod duration_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => s.serialize_str(&crate::duration::format(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let raw: Option<String> = Option::deserialize(d)?;
        raw.map(|text| crate::duration::parse(&text))
            .transpose()
            .map_err(serde::de::Error::custom)
    }
}
