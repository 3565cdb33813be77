//! `cartographus-server` as a user runs it: a real process, its real sidecar, signals.
//! The central promise here: the sidecar never outlives the server, even after kill -9.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_cartographus-server");

fn nats_server_bin() -> std::path::PathBuf {
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve(data_dir: &Path, port: u16) -> Child {
    Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .env("NATS_SERVER_BIN", nats_server_bin())
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cartographus-server starts")
}

fn wait_until(what: &str, within: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !check() {
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A blocking GET of /api/v1/health; Some(status code) once something answers.
fn health_status(port: u16) -> Option<u16> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

fn sidecar_pid(data_dir: &Path) -> Option<u32> {
    std::fs::read_to_string(data_dir.join("nats/nats-server.pid"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            stat.rsplit(')')
                .next()
                .and_then(|s| s.split_whitespace().next())
                != Some("Z")
        })
        .unwrap_or(false)
}

/// nats-server processes running on this data dir's config.
fn sidecars_for(data_dir: &Path) -> Vec<u32> {
    let config = data_dir.join("nats/nats-server.conf").display().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| String::from_utf8_lossy(&c).contains(&config))
                .unwrap_or(false)
        })
        .filter(|pid| alive(*pid))
        .collect()
}

#[test]
fn kill_9_of_the_server_leaves_no_sidecar_after_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = serve(dir.path(), port);
    wait_until("health 200", Duration::from_secs(30), || {
        health_status(port) == Some(200)
    });
    let first_sidecar = sidecar_pid(dir.path()).expect("a pid file");
    assert!(alive(first_sidecar));

    server.kill().unwrap(); // SIGKILL: no chance to clean up
    server.wait().unwrap();
    wait_until(
        "the orphaned sidecar to die",
        Duration::from_secs(10),
        || !alive(first_sidecar),
    );

    let mut again = serve(dir.path(), port);
    wait_until("health 200 after restart", Duration::from_secs(30), || {
        health_status(port) == Some(200)
    });
    let running = sidecars_for(dir.path());
    assert_eq!(
        running.len(),
        1,
        "exactly one sidecar expected: {running:?}"
    );
    assert_ne!(running[0], first_sidecar);

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(again.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = again.wait().unwrap();
    assert!(status.success(), "SIGTERM must stop cleanly: {status}");
    assert!(
        sidecars_for(dir.path()).is_empty(),
        "sidecar outlived a clean stop"
    );
}

#[test]
fn a_taken_port_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let output = serve(dir.path(), port).wait_with_output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("port {port}")), "{stderr}");
    assert!(stderr.contains("--listen"), "{stderr}");
    assert!(sidecars_for(dir.path()).is_empty());
}

#[test]
fn tokens_prints_a_url_per_source_that_stays_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let output = Command::new(BIN)
            .args(["tokens", "--data-dir"])
            .arg(dir.path())
            .env_remove("CARTOGRAPHUS_WEBHOOK_TOKEN")
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    let first = run();
    for source in ["tautulli", "plex", "jellyfin", "emby"] {
        assert!(
            first.contains(&format!("/webhooks/{source}?token=")),
            "{source} missing:\n{first}"
        );
    }
    assert!(first.contains("/#token="), "{first}");
    assert_eq!(first, run(), "tokens must be kept, not regenerated");
}
