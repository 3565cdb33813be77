//! What both binaries do before the engine starts: pick the data directory and make it
//! private to the user, read the settings file (generating tokens on first start), layer
//! environment and flags on top.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{default_data_dir, settings_path, Config, ConfigError, ConfigLayer};
use crate::handle::Tokens;
use crate::preferences::{
    Environment, FileStore, PreferencesError, SettingsService, SettingsStore,
};
use crate::private_fs::{tighten_tree, PrivateFsError};
use crate::secret::Secret;
use crate::settings::{Settings, SettingsError, SOURCES};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    DataDir(#[from] PrivateFsError),
    #[error(
        "the data directory {0} is your home directory or a filesystem root; \
         choose a directory of its own with CARTOGRAPHUS_DATA_DIR or --data-dir"
    )]
    SharedDataDir(PathBuf),
    #[error(transparent)]
    Preferences(#[from] PreferencesError),
}

pub struct Prepared {
    pub config: Config,
    pub tokens: Tokens,
    /// The settings the engine serves and changes (pass it to `Engine::start_with`).
    pub settings: Arc<SettingsService>,
}

/// Resolves configuration and tokens: defaults < settings < environment < `flags`.
/// `data_dir` (a flag) wins over CARTOGRAPHUS_DATA_DIR and the platform default.
pub fn prepare(
    data_dir: Option<PathBuf>,
    flags: ConfigLayer,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Prepared, StartupError> {
    let data_dir = match data_dir {
        Some(dir) => dir,
        None => default_data_dir(&env)?,
    };
    let store = Arc::new(FileStore::new(settings_path(&data_dir)));
    prepare_with_store(data_dir, store, flags, env)
}

/// [`prepare`] with the settings kept by `store` (the desktop's tauri-plugin-store).
pub fn prepare_with_store(
    data_dir: PathBuf,
    store: Arc<dyn SettingsStore>,
    flags: ConfigLayer,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Prepared, StartupError> {
    if is_shared_dir(&data_dir, env("HOME").as_deref()) {
        return Err(StartupError::SharedDataDir(data_dir));
    }
    // Everything below is made private, so it must be a directory of our own.
    tighten_tree(&data_dir)?;
    let mut settings: Settings = store.load()?;
    if settings.ensure_tokens() {
        store.save(&settings)?;
    }
    let env_layer = ConfigLayer::from_env(&env)?;
    let environment = Environment::resolve(&env, &flags)?;
    // An address given by flag or environment wins over the settings file at every start,
    // so moving the listener from the UI would not last: it is refused instead.
    let listen_locked_by = if flags.listen.is_some() {
        Some("--listen")
    } else if env_layer.listen.is_some() {
        Some("CARTOGRAPHUS_LISTEN")
    } else {
        None
    };
    let mut config = Config::resolve(
        data_dir.clone(),
        &[settings.config.clone(), env_layer, flags],
    )?;
    config.listen_locked_by = listen_locked_by;
    let tokens = resolve_tokens(&settings, &env);
    let settings = SettingsService::new(store, environment, &data_dir, tokens.clone())?;
    Ok(Prepared {
        config,
        tokens,
        settings,
    })
}

/// Whether `dir` is a directory others' files live in: the home directory or a root.
fn is_shared_dir(dir: &Path, home: Option<&str>) -> bool {
    let resolved = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let dir = resolved(dir);
    dir.parent().is_none() || home.is_some_and(|home| resolved(Path::new(home)) == dir)
}

/// CARTOGRAPHUS_WEBHOOK_TOKEN (one token for every source) and CARTOGRAPHUS_API_TOKEN
/// override the generated ones, for automation; they are not written to the settings.
fn resolve_tokens(settings: &Settings, env: impl Fn(&str) -> Option<String>) -> Tokens {
    let from_env = |name| env(name).filter(|v| !v.is_empty()).map(Secret::new);
    let webhook_override = from_env("CARTOGRAPHUS_WEBHOOK_TOKEN");
    let webhooks: BTreeMap<String, Secret> = SOURCES
        .iter()
        .filter_map(|source| {
            let token = webhook_override
                .clone()
                .or_else(|| settings.webhook_tokens.get(*source).cloned())?;
            Some((source.to_string(), token))
        })
        .collect();
    let api = from_env("CARTOGRAPHUS_API_TOKEN")
        .or_else(|| settings.api_token.clone())
        .unwrap_or_else(crate::secret::generate_token);
    Tokens { api, webhooks }
}

/// The ready-to-paste URLs for `cartographus-server tokens`.
pub fn token_urls(config: &Config, tokens: &Tokens) -> Vec<(String, String)> {
    let base = format!("http://{}", config.listen);
    let mut urls: Vec<(String, String)> = tokens
        .webhooks
        .iter()
        .map(|(source, token)| {
            (
                format!("{source} webhook"),
                format!("{base}/webhooks/{source}?token={}", token.expose()),
            )
        })
        .collect();
    urls.push((
        "web UI".to_string(),
        format!("{base}/#token={}", tokens.api.expose()),
    ));
    urls.push(("API token".to_string(), tokens.api.expose().to_string()));
    urls
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn environment_tokens_override_generated_ones_without_being_saved() {
        let dir = tempfile::tempdir().unwrap();
        let env: HashMap<&str, &str> = [
            ("CARTOGRAPHUS_WEBHOOK_TOKEN", "hook"),
            ("CARTOGRAPHUS_API_TOKEN", "api"),
        ]
        .into();
        let prepared = prepare(
            Some(dir.path().to_path_buf()),
            ConfigLayer::default(),
            |k| env.get(k).map(|v| v.to_string()),
        )
        .unwrap();
        assert!(prepared.tokens.api.matches("api"));
        assert_eq!(prepared.tokens.webhooks.len(), 4);
        assert!(prepared.tokens.webhooks.values().all(|t| t.matches("hook")));
        let saved = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
        assert!(!saved.contains("\"hook\""), "{saved}");
    }

    #[cfg(unix)]
    #[test]
    fn the_data_dir_is_created_private_and_an_existing_one_tightened() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let root = tempfile::tempdir().unwrap();
        let fresh = root.path().join("fresh");
        prepare(Some(fresh.clone()), ConfigLayer::default(), |_| None).unwrap();
        assert_eq!(mode(&fresh), 0o700);
        assert_eq!(mode(&fresh.join("settings.json")), 0o600);

        // A data dir from before: made under a 022 umask.
        let old = root.path().join("old");
        std::fs::create_dir_all(old.join("spool")).unwrap();
        std::fs::write(old.join("cartographus.duckdb"), "db").unwrap();
        std::fs::write(old.join("spool/00000001.seg"), "events").unwrap();
        for (path, m) in [
            ("", 0o755),
            ("spool", 0o755),
            ("cartographus.duckdb", 0o644),
            ("spool/00000001.seg", 0o644),
        ] {
            std::fs::set_permissions(old.join(path), std::fs::Permissions::from_mode(m)).unwrap();
        }
        prepare(Some(old.clone()), ConfigLayer::default(), |_| None).unwrap();
        assert_eq!(mode(&old), 0o700);
        assert_eq!(mode(&old.join("spool")), 0o700);
        assert_eq!(mode(&old.join("cartographus.duckdb")), 0o600);
        assert_eq!(mode(&old.join("spool/00000001.seg")), 0o600);
    }

    #[test]
    fn the_home_directory_is_refused_as_the_data_dir() {
        let home = tempfile::tempdir().unwrap();
        let home_str = home.path().display().to_string();
        let refused = prepare(
            Some(home.path().to_path_buf()),
            ConfigLayer::default(),
            |k| (k == "HOME").then(|| home_str.clone()),
        );
        assert!(
            matches!(refused, Err(StartupError::SharedDataDir(_))),
            "{:?}",
            refused.err()
        );
        assert!(!home.path().join("settings.json").exists());
    }

    #[test]
    fn a_listen_address_from_flag_or_environment_is_locked_and_from_settings_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("settings.json"),
            r#"{"config":{"listen":"127.0.0.1:4100"}}"#,
        )
        .unwrap();
        let data = || Some(dir.path().to_path_buf());
        let from_settings = prepare(data(), ConfigLayer::default(), |_| None).unwrap();
        assert_eq!(from_settings.config.listen.port(), 4100);
        assert_eq!(from_settings.config.listen_locked_by, None);

        let env = |k: &str| (k == "CARTOGRAPHUS_LISTEN").then(|| "127.0.0.1:4200".to_string());
        let from_env = prepare(data(), ConfigLayer::default(), env).unwrap();
        assert_eq!(from_env.config.listen.port(), 4200);
        assert_eq!(
            from_env.config.listen_locked_by,
            Some("CARTOGRAPHUS_LISTEN")
        );

        let flags = ConfigLayer {
            listen: Some("127.0.0.1:4300".parse().unwrap()),
            ..ConfigLayer::default()
        };
        let from_flag = prepare(data(), flags, env).unwrap();
        assert_eq!(from_flag.config.listen.port(), 4300);
        assert_eq!(from_flag.config.listen_locked_by, Some("--listen"));
    }

    #[test]
    fn token_urls_carry_each_source_token() {
        let dir = tempfile::tempdir().unwrap();
        let prepared = prepare(
            Some(dir.path().to_path_buf()),
            ConfigLayer::default(),
            |_| None,
        )
        .unwrap();
        let urls = token_urls(&prepared.config, &prepared.tokens);
        let plex = &urls
            .iter()
            .find(|(name, _)| name == "plex webhook")
            .unwrap()
            .1;
        assert!(plex.starts_with("http://127.0.0.1:3857/webhooks/plex?token="));
        assert!(plex.ends_with(prepared.tokens.webhooks["plex"].expose()));
    }
}
