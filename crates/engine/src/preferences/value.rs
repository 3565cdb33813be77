//! A setting's value as it crosses the API, and the checks a new value passes before it is
//! stored: the kind's shape and the definition's bounds. Checks that need the machine
//! (is this address ours?) are in `checks.rs`.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::catalog::{Definition, SettingKind};

/// What a secret looks like in every answer that is not an explicit reveal.
pub const MASK: &str = "••••••••";

/// A value as JSON carries it: `true`, `3857`, `"127.0.0.1:3857"`. Durations are milliseconds.
/// Every number a setting takes is whole and well below 2^53, so TypeScript's number holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(untagged)]
pub enum SettingValue {
    Bool(bool),
    Number(#[specta(type = u32)] u64),
    Text(String),
}

impl SettingValue {
    pub fn number(n: u64) -> Self {
        SettingValue::Number(n)
    }

    pub fn duration(d: Duration) -> Self {
        SettingValue::Number(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            SettingValue::Text(t) => Some(t),
            _ => None,
        }
    }

    pub fn bool(&self) -> Option<bool> {
        match self {
            SettingValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number (how counts, ports and milliseconds are held).
    pub fn whole(&self) -> Option<u64> {
        match self {
            SettingValue::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// Checks `raw` against the definition; `Ok(None)` means "back to the default" (JSON null).
pub fn parse(definition: &Definition, raw: &Value) -> Result<Option<SettingValue>, String> {
    if raw.is_null() {
        return Ok(None);
    }
    let value = match definition.kind {
        SettingKind::Token => {
            return Err(format!(
                "a token is not typed in; regenerate it with POST /api/v1/settings/{}/regenerate",
                definition.name
            ))
        }
        SettingKind::Address => {
            let text = raw.as_str().ok_or("expected HOST:PORT as text")?;
            let addr: std::net::SocketAddr = text
                .trim()
                .parse()
                .map_err(|_| format!("{text:?} is not HOST:PORT, for example 127.0.0.1:3857"))?;
            if addr.port() == 0 {
                return Err("the port must be between 1 and 65535".to_string());
            }
            SettingValue::Text(addr.to_string())
        }
        SettingKind::Port | SettingKind::Count => {
            let n = raw.as_u64().ok_or_else(|| bounds_message(definition))?;
            SettingValue::number(within(definition, n)?)
        }
        SettingKind::Duration => {
            let millis = match raw {
                Value::String(text) => u64::try_from(crate::duration::parse(text)?.as_millis())
                    .map_err(|_| format!("{text:?} is too long"))?,
                _ => raw
                    .as_u64()
                    .ok_or("expected milliseconds or a duration such as 5s")?,
            };
            SettingValue::number(within(definition, millis)?)
        }
        SettingKind::Choice => {
            let text = raw.as_str().unwrap_or_default();
            if !definition.choices.contains(&text) {
                return Err(format!("expected one of {}", definition.choices.join(", ")));
            }
            SettingValue::Text(text.to_string())
        }
        SettingKind::Toggle => SettingValue::Bool(raw.as_bool().ok_or("expected true or false")?),
        SettingKind::Text | SettingKind::Secret | SettingKind::Path => {
            let text = raw.as_str().ok_or("expected text")?.trim();
            if text.is_empty() {
                return Err("must not be empty (send null to clear it)".to_string());
            }
            SettingValue::Text(text.to_string())
        }
    };
    Ok(Some(value))
}

fn within(definition: &Definition, n: u64) -> Result<u64, String> {
    let low = definition.min.unwrap_or(0);
    let high = definition.max.unwrap_or(u64::MAX);
    if (low..=high).contains(&n) || (n == 0 && definition.zero_is_off) {
        Ok(n)
    } else {
        Err(bounds_message(definition))
    }
}

fn bounds_message(definition: &Definition) -> String {
    let unit = match definition.kind {
        SettingKind::Duration => " milliseconds",
        _ => "",
    };
    let off = match definition.zero_is_off {
        true => "0 (off) or ",
        false => "",
    };
    match (definition.min, definition.max) {
        (Some(low), Some(high)) => {
            format!("expected {off}a whole number from {low} to {high}{unit}")
        }
        _ => "expected a whole number".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::preferences::catalog::{definition, Key};

    #[test]
    fn each_kind_takes_its_shape_and_refuses_others() {
        let batch = definition(Key::WriterBatchSize);
        assert_eq!(
            parse(batch, &json!(500)).unwrap(),
            Some(SettingValue::number(500))
        );
        assert!(parse(batch, &json!(0)).unwrap_err().contains("from 1 to"));
        assert!(parse(batch, &json!("500")).is_err());
        assert!(parse(batch, &json!(2.5)).is_err());
        let flush = definition(Key::WriterFlushInterval);
        assert_eq!(
            parse(flush, &json!("250ms")).unwrap(),
            Some(SettingValue::number(250))
        );
        assert!(parse(flush, &json!("2h")).is_err());
        let poll = definition(Key::TautulliPollInterval);
        assert_eq!(
            parse(poll, &json!(0)).unwrap(),
            Some(SettingValue::number(0))
        );
        assert!(parse(poll, &json!(1000))
            .unwrap_err()
            .contains("0 (off) or a whole number from 5000"));
        let listen = definition(Key::Listen);
        assert!(parse(listen, &json!("localhost:80")).is_err());
        assert!(parse(listen, &json!("127.0.0.1:0")).is_err());
        let mode = definition(Key::NatsMode);
        assert!(parse(mode, &json!("cluster"))
            .unwrap_err()
            .contains("embedded, external, off"));
        assert_eq!(parse(mode, &json!(null)).unwrap(), None);
        assert!(parse(definition(Key::ApiToken), &json!("x"))
            .unwrap_err()
            .contains("regenerate"));
    }
}
