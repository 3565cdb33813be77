//! A nats-server of the test's own — an "external" server from the engine's view — started
//! with the flags a test needs on a port the test chose, and killed when dropped.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::nats_server_bin;

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Writes a config enabling JetStream in `store` with the file-store limit set, as the
/// sidecar's is: without it nats-server reserves 75 % of the free disk and refuses the 10 GiB
/// stream on a disk with less than ~14 GB free. Returns its path.
pub fn jetstream_config(store: &Path) -> std::path::PathBuf {
    let path = store.join("nats-server.conf");
    let store_dir = serde_json::Value::String(store.to_string_lossy().to_string());
    std::fs::write(
        &path,
        format!(
            "jetstream {{ store_dir: {store_dir}, max_file_store: {} }}\n",
            cartographus_engine::bus::stream::MAX_BYTES
        ),
    )
    .unwrap();
    path
}

pub struct NatsServer {
    child: Child,
    pub port: u16,
}

impl NatsServer {
    /// `nats-server -a 127.0.0.1 -p <port> <args>`; returns once the port accepts connections.
    pub fn start(port: u16, args: &[&str]) -> Self {
        let child = Command::new(nats_server_bin())
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        let server = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nats-server on {port} never listened"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// With JetStream, its store in `store`.
    pub fn with_jetstream(port: u16, store: &Path, args: &[&str]) -> Self {
        let conf = jetstream_config(store);
        let conf = conf.to_string_lossy().to_string();
        let mut all = vec!["-c", conf.as_str()];
        all.extend_from_slice(args);
        Self::start(port, &all)
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Stops it (SIGKILL) and waits until the port is free again.
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A client of the test's own on the engine's embedded sidecar, logged in with the token
/// from the sidecar's config file.
pub async fn sidecar_client(data_dir: &Path) -> async_nats::Client {
    let conf = std::fs::read_to_string(data_dir.join("nats/nats-server.conf")).unwrap();
    let field = |key: &str| -> String {
        let line = conf.lines().find(|l| l.contains(key)).unwrap();
        line.split('"').nth(1).unwrap().to_string()
    };
    async_nats::ConnectOptions::with_token(field("token:"))
        .connect(format!("nats://{}", field("listen:")))
        .await
        .unwrap()
}
