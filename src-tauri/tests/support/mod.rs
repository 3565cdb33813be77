//! Shared helpers for the desktop crate's tests: a mock Tauri app (no display) with the
//! settings store plugin, a real engine behind it, and plain HTTP to that engine.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cartographus_desktop::settings_store::PluginSettingsStore;
use cartographus_desktop::DesktopState;
use cartographus_engine::config::{settings_path, ConfigLayer};
use cartographus_engine::startup::{prepare_with_store, Prepared};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::App;

pub fn mock_app() -> App<MockRuntime> {
    mock_builder()
        .plugin(tauri_plugin_store::Builder::new().build())
        .manage(DesktopState::default())
        .build(mock_context(noop_assets()))
        .expect("the mock app builds")
}

/// The pinned sidecar: NATS_SERVER_BIN, or where `make sidecar` puts it.
pub fn nats_server_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("NATS_SERVER_BIN").filter(|v| !v.is_empty()) {
        return PathBuf::from(bin);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("binaries");
    std::fs::read_dir(&dir)
        .expect("src-tauri/binaries (run `make sidecar`)")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("nats-server-"))
        .expect("a nats-server in src-tauri/binaries")
}

/// What the desktop does at start: the settings through the plugin's store, the layers on
/// top (`env` stands for the environment), a free loopback port.
pub fn prepare(app: &App<MockRuntime>, data_dir: &Path, env: &[(&str, &str)]) -> Prepared {
    let store = PluginSettingsStore::open(app, &settings_path(data_dir)).expect("store opens");
    let flags = ConfigLayer {
        listen: Some("127.0.0.1:0".parse().unwrap()),
        nats_server_bin: Some(nats_server_bin()),
        ..ConfigLayer::default()
    };
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    prepare_with_store(
        data_dir.to_path_buf(),
        Arc::new(store),
        flags,
        move |name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
    )
    .expect("prepared")
}

/// A bare HTTP/1.1 request; the status code and the body.
pub fn http(addr: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    request(addr, method, path, body, "")
}

/// [`http`] with the API token as a bearer.
pub fn http_with_token(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &str,
    token: &str,
) -> (u16, String) {
    request(
        addr,
        method,
        path,
        body,
        &format!("Authorization: Bearer {token}\r\n"),
    )
}

fn request(addr: SocketAddr, method: &str, path: &str, body: &str, headers: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         {headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

pub fn wait_for(what: &str, within: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
