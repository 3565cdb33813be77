//! The layers above the file: environment variables and command-line flags. A setting one
//! of them fixes is shown with its value and the name that fixed it, and cannot be changed
//! from the app (it would be overridden at the next start anyway).

use std::collections::BTreeMap;

use super::catalog::{Key, CATALOG};
use super::fields::{read, Layer};
use super::stored::StoredPreferences;
use crate::config::{ConfigError, ConfigLayer};

/// Why a setting cannot be changed here, and the value it is fixed to.
#[derive(Debug, Clone, PartialEq)]
pub struct Lock {
    /// The environment variable or flag, e.g. `CARTOGRAPHUS_WRITER_BATCH_SIZE` or `--listen`.
    pub by: String,
    /// What it sets (None for tokens, which are never read back here).
    pub value: Option<super::value::SettingValue>,
}

#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub env: Layer,
    pub flags: ConfigLayer,
    locks: BTreeMap<Key, Lock>,
}

impl Environment {
    /// Reads the documented variables through `lookup` and notes what they and `flags` fix.
    pub fn resolve(
        lookup: impl Fn(&str) -> Option<String>,
        flags: &ConfigLayer,
    ) -> Result<Self, ConfigError> {
        let present = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let tautulli_poll = present("CARTOGRAPHUS_TAUTULLI_POLL")
            .map(|text| {
                crate::duration::parse(&text).map_err(|reason| ConfigError::Invalid {
                    name: "CARTOGRAPHUS_TAUTULLI_POLL",
                    value: text.clone(),
                    reason,
                })
            })
            .transpose()?;
        let env = Layer {
            config: ConfigLayer::from_env(&lookup)?,
            preferences: StoredPreferences {
                tautulli_poll_interval: tautulli_poll,
                ..StoredPreferences::default()
            },
        };
        let flag_layer = Layer {
            config: flags.clone(),
            preferences: StoredPreferences::default(),
        };
        let mut locks = BTreeMap::new();
        for definition in &CATALOG {
            let by_flag = definition
                .flag
                .filter(|_| read(definition.key, &flag_layer).is_some());
            let lock = match by_flag {
                Some(flag) => Some(Lock {
                    by: flag.to_string(),
                    value: read(definition.key, &flag_layer),
                }),
                None => definition
                    .env
                    .iter()
                    .find(|name| present(name).is_some())
                    .map(|name| Lock {
                        by: (*name).to_string(),
                        value: read(definition.key, &env),
                    }),
            };
            if let Some(lock) = lock {
                locks.insert(definition.key, lock);
            }
        }
        Ok(Self {
            env,
            flags: flags.clone(),
            locks,
        })
    }

    pub fn lock(&self, key: Key) -> Option<&Lock> {
        self.locks.get(&key)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::preferences::value::SettingValue;

    #[test]
    fn a_variable_or_a_flag_locks_its_setting_with_its_value() {
        let vars: HashMap<&str, &str> = [
            ("NATS_BATCH_SIZE", "20"),
            ("NATS_EMBEDDED", "false"),
            ("NATS_URL", "nats://a:4222"),
            ("CARTOGRAPHUS_WEBHOOK_TOKEN", "hook"),
            ("CARTOGRAPHUS_LISTEN", "127.0.0.1:9000"),
            ("CARTOGRAPHUS_TAUTULLI_POLL", "1m"),
        ]
        .into();
        let flags = ConfigLayer {
            listen: Some("127.0.0.1:5000".parse().unwrap()),
            ..ConfigLayer::default()
        };
        let env = Environment::resolve(|k| vars.get(k).map(|v| v.to_string()), &flags).unwrap();
        let batch = env.lock(Key::WriterBatchSize).unwrap();
        assert_eq!(batch.by, "NATS_BATCH_SIZE");
        assert_eq!(batch.value, Some(SettingValue::number(20)));
        assert_eq!(env.lock(Key::NatsMode).unwrap().by, "NATS_EMBEDDED");
        assert_eq!(
            env.lock(Key::NatsMode).unwrap().value,
            Some(SettingValue::Text("external".into()))
        );
        // The flag wins over the variable, as it does for the value.
        let listen = env.lock(Key::Listen).unwrap();
        assert_eq!(listen.by, "--listen");
        assert_eq!(
            listen.value,
            Some(SettingValue::Text("127.0.0.1:5000".into()))
        );
        assert_eq!(
            env.lock(Key::WebhookTokenPlex).unwrap().by,
            "CARTOGRAPHUS_WEBHOOK_TOKEN"
        );
        assert_eq!(
            env.lock(Key::TautulliPollInterval).unwrap().value,
            Some(SettingValue::number(60_000))
        );
        assert!(env.lock(Key::ApiToken).is_none());
        assert!(env.lock(Key::Theme).is_none());
    }

    #[test]
    fn a_bad_variable_is_an_error_naming_it() {
        let err = Environment::resolve(
            |k| (k == "CARTOGRAPHUS_TAUTULLI_POLL").then(|| "soon".to_string()),
            &ConfigLayer::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("CARTOGRAPHUS_TAUTULLI_POLL"),
            "{err}"
        );
    }
}
