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

/// Parses `250ms`, `5s`, `2m`, `6h` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let value = text.trim();
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 250ms, 5s, 2m or 6h"))?;
    let millis = match unit {
        "ms" => Some(n),
        "" | "s" => n.checked_mul(1000),
        "m" => n.checked_mul(60_000),
        "h" => n.checked_mul(3_600_000),
        _ => return Err(format!("{text:?}: the unit must be ms, s, m or h")),
    };
    millis
        .map(Duration::from_millis)
        .ok_or_else(|| format!("{text:?} is too long"))
}

/// The shortest exact spelling: `6h`, `2m`, `5s`, `250ms`.
pub fn format_duration(duration: Duration) -> String {
    let ms = duration.as_millis();
    match ms {
        0 => "0s".to_string(),
        _ if ms.is_multiple_of(3_600_000) => format!("{}h", ms / 3_600_000),
        _ if ms.is_multiple_of(60_000) => format!("{}m", ms / 60_000),
        _ if ms.is_multiple_of(1000) => format!("{}s", ms / 1000),
        _ => format!("{ms}ms"),
    }
}

mod duration_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => s.serialize_str(&super::format_duration(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let raw: Option<String> = Option::deserialize(d)?;
        raw.map(|text| super::parse_duration(&text))
            .transpose()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_trip_in_their_shortest_spelling() {
        for text in ["250ms", "5s", "2m", "6h"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert!(parse_duration("5 days").is_err());
    }

    #[test]
    fn unknown_keys_survive_and_absent_ones_stay_absent() {
        let stored: StoredPreferences =
            serde_json::from_str(r#"{"theme":"dark","future":{"x":1}}"#).unwrap();
        assert_eq!(stored.theme, Some(Theme::Dark));
        let json = serde_json::to_value(&stored).unwrap();
        assert_eq!(json, serde_json::json!({"theme":"dark","future":{"x":1}}));
    }
}
