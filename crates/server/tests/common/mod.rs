//! What the server's black-box tests share: the binary, its sidecar, a data dir's pid file,
//! and telling live processes from zombies.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_cartographus-server");

pub fn nats_server_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("NATS_SERVER_BIN") {
        return bin.into();
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src-tauri/binaries");
    std::fs::read_dir(&dir)
        .expect("run `make sidecar` first")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("nats-server-")
        })
        .expect("run `make sidecar` first")
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `cartographus-server serve` on `port` with `data_dir`; `env` adds variables. Its log
/// (warnings and up) goes to the test's own output.
pub fn serve_command(data_dir: &Path, port: u16, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .env("NATS_SERVER_BIN", nats_server_bin())
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null());
    command
}

pub fn serve(data_dir: &Path, port: u16, env: &[(&str, &str)]) -> Child {
    serve_command(data_dir, port, env)
        .spawn()
        .expect("cartographus-server starts")
}

pub fn wait_until(what: &str, within: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !check() {
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The sidecar's pid as the server recorded it.
pub fn sidecar_pid(data_dir: &Path) -> Option<u32> {
    std::fs::read_to_string(data_dir.join("nats/nats-server.pid"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Alive and not a zombie.
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            stat.rsplit(')')
                .next()
                .and_then(|s| s.split_whitespace().next())
                != Some("Z")
        })
        .unwrap_or(false)
}

/// A server process that is killed when the test ends, passing or not, so a failed
/// assertion never leaves an orphan holding the test's output open.
pub struct Server(pub Child);

impl Server {
    pub fn id(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}
