//! Checks a new value must pass that need more than its shape: an address must belong to
//! this machine (or the engine would not start again), a credentials file must exist, and
//! the whole configuration must still resolve (external NATS needs a URL, …).

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::Path;

use super::catalog::{Key, CATALOG};
use super::environment::Environment;
use super::fields::Layer;
use super::value::SettingValue;
use super::PreferencesError;
use crate::config::{Config, ConfigError};

pub fn check_value(key: Key, value: &SettingValue) -> Result<(), String> {
    let Some(text) = value.text() else {
        return Ok(());
    };
    match key {
        Key::Listen => {
            let addr: SocketAddr = text.parse().map_err(|_| "not HOST:PORT".to_string())?;
            check_local(addr.ip())
        }
        Key::NatsUrl => check_nats_urls(text),
        Key::NatsCreds => check_creds(Path::new(text)),
        _ => Ok(()),
    }
}

/// Loopback and "every interface" always work; any other address must be one of ours,
/// which binding a throwaway socket to it proves.
fn check_local(ip: IpAddr) -> Result<(), String> {
    if ip.is_loopback() || ip.is_unspecified() {
        return Ok(());
    }
    TcpListener::bind(SocketAddr::new(ip, 0))
        .map(drop)
        .map_err(|e| format!("{ip} is not an address of this machine ({e})"))
}

fn check_nats_urls(text: &str) -> Result<(), String> {
    for part in text.split(',').map(str::trim) {
        let url = url::Url::parse(part).map_err(|e| format!("{part:?} is not a URL ({e})"))?;
        if !matches!(url.scheme(), "nats" | "tls" | "ws" | "wss") {
            return Err(format!(
                "{part:?}: the scheme must be nats://, tls://, ws:// or wss://"
            ));
        }
        if url.host_str().is_none() {
            return Err(format!("{part:?} names no host"));
        }
    }
    Ok(())
}

fn check_creds(path: &Path) -> Result<(), String> {
    if !path.is_absolute() {
        return Err("must be an absolute path".to_string());
    }
    if !path.is_file() {
        return Err(format!("{} is not a readable file", path.display()));
    }
    Ok(())
}

/// The configuration the next start would resolve, refused the way that start would refuse
/// it, with the error on the setting that caused it.
pub fn check_resolves(
    data_dir: &Path,
    stored: &Layer,
    environment: &Environment,
) -> Result<(), PreferencesError> {
    let layers = [
        stored.config.clone(),
        environment.env.config.clone(),
        environment.flags.clone(),
    ];
    match Config::resolve(data_dir.to_path_buf(), &layers) {
        Ok(_) => Ok(()),
        Err(ConfigError::Invalid { name, reason, .. }) => {
            let key = CATALOG
                .iter()
                .find(|d| d.env.contains(&name))
                .map_or("settings", |d| d.name);
            Err(PreferencesError::invalid(key, reason))
        }
        Err(other) => Err(PreferencesError::invalid("settings", other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_of_another_machine_is_refused() {
        let foreign = SettingValue::Text("192.0.2.10:3857".to_string());
        let err = check_value(Key::Listen, &foreign).unwrap_err();
        assert!(err.contains("not an address of this machine"), "{err}");
        for ok in ["127.0.0.1:4000", "0.0.0.0:3857", "[::1]:3857"] {
            check_value(Key::Listen, &SettingValue::Text(ok.to_string())).unwrap();
        }
    }

    #[test]
    fn nats_urls_need_a_nats_scheme_and_a_host() {
        check_nats_urls("nats://a:4222, tls://b:4222").unwrap();
        assert!(check_nats_urls("http://a:4222").is_err());
        assert!(check_nats_urls("nats://a:4222,oops").is_err());
    }
}
