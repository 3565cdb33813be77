//! `cartographus-server serve` on a fresh data directory: everything it creates there is
//! private to the user, and the credentials of an external NATS URL reach neither the log
//! file nor stderr.

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::*;

/// Some(status) once the server answers a health request.
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

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .mode()
        & 0o777
}

/// SIGTERM, so the log is flushed, and wait for the exit.
fn stop(mut server: Server) {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(server.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = server.0.wait().unwrap();
    assert!(status.success(), "{status}");
}

fn log_files(data_dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(data_dir.join("logs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[test]
fn the_data_dir_is_private_and_the_nats_password_stays_out_of_the_logs() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let stderr_path = root.path().join("stderr.txt");
    // Nobody listens there: the engine warns that NATS is unreachable, naming the URL.
    let nats_url = format!("nats://user:secret@127.0.0.1:{}", free_port());
    let env = [("NATS_EMBEDDED", "false"), ("NATS_URL", nats_url.as_str())];
    let start = |port: u16| {
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&stderr_path)
            .unwrap();
        let server = Server(
            serve_command(&data, port, &env)
                .stderr(Stdio::from(stderr))
                .spawn()
                .unwrap(),
        );
        // Degraded (NATS unreachable) answers 503; any answer means the engine is up.
        wait_until("the server to answer", Duration::from_secs(30), || {
            health_status(port).is_some()
        });
        server
    };

    let port = free_port();
    let first = start(port);
    assert_eq!(mode(&data), 0o700, "the data directory");
    assert_eq!(mode(&data.join("settings.json")), 0o600);
    assert_eq!(mode(&data.join("logs")), 0o700);
    let logs = log_files(&data);
    assert!(!logs.is_empty());
    for log in &logs {
        assert_eq!(mode(log), 0o600, "{}", log.display());
    }
    stop(first);

    // What other code created under the umask (DuckDB's file) is tightened at the next start.
    let second = start(port);
    assert_eq!(mode(&data.join("cartographus.duckdb")), 0o600);
    stop(second);

    let mut logged = std::fs::read_to_string(&stderr_path).unwrap();
    for log in log_files(&data) {
        logged.push_str(&std::fs::read_to_string(log).unwrap());
    }
    assert!(
        logged.contains("nats://user:***@127.0.0.1:"),
        "the warning names the server without its credentials:\n{logged}"
    );
    assert!(!logged.contains("secret"), "{logged}");
}
