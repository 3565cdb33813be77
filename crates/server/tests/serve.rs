//! `cartographus-server` as a user runs it: a real process, its real sidecar, signals.
//! The central promise here: the sidecar never outlives the server, even after kill -9.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::*;

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
    let mut server = serve(dir.path(), port, &[]);
    wait_until("health 200", Duration::from_secs(30), || {
        health_status(port) == Some(200)
    });
    let first_sidecar = sidecar_pid(dir.path()).expect("a pid file");
    let logs: Vec<_> = std::fs::read_dir(dir.path().join("logs"))
        .expect("a logs directory in the data dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        logs.iter()
            .any(|name| name.starts_with("cartographus.") && name.ends_with(".log")),
        "daily log file expected: {logs:?}"
    );
    assert!(alive(first_sidecar));

    server.kill().unwrap(); // SIGKILL: no chance to clean up
    server.wait().unwrap();
    wait_until(
        "the orphaned sidecar to die",
        Duration::from_secs(10),
        || !alive(first_sidecar),
    );

    let mut again = serve(dir.path(), port, &[]);
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
    let output = serve_command(dir.path(), port, &[])
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
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

#[test]
fn a_second_server_on_the_same_data_dir_exits_with_a_clear_error_and_leaves_the_first_alone() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let first = Server(serve(dir.path(), port, &[]));
    wait_until("health 200", Duration::from_secs(30), || {
        health_status(port) == Some(200)
    });
    let sidecar = sidecar_pid(dir.path()).expect("a pid file");

    let output = serve_command(dir.path(), free_port(), &[])
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("already running"), "{stderr}");
    assert!(stderr.contains(&format!("pid {}", first.id())), "{stderr}");
    assert!(
        stderr.contains(&dir.path().display().to_string()),
        "{stderr}"
    );

    // The first server's sidecar is the same process, and the server still answers.
    assert!(alive(sidecar));
    assert_eq!(sidecar_pid(dir.path()), Some(sidecar));
    assert_eq!(sidecars_for(dir.path()), vec![sidecar]);
    assert_eq!(health_status(port), Some(200));
}
