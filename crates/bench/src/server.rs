//! One `cartographus-server serve` under test, with its real nats-server sidecar: its own
//! data dir, port and tokens, the few API calls the bench and the soak make, and kill -9
//! for the soak. Stopped (and its sidecar with it) when dropped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::{self, ChildGuard};

const API_TOKEN: &str = "bench-api-token";
const WEBHOOK_TOKEN: &str = "bench-webhook-token";

/// The binaries a run needs.
#[derive(Clone)]
pub struct Binaries {
    pub server: PathBuf,
    pub nats_server: PathBuf,
    /// Extra settings for the server (`--server-env KEY=VALUE`), for experiments.
    pub env: Vec<(String, String)>,
}

impl Binaries {
    /// The given paths, else cartographus-server beside this executable and the nats-server
    /// `make sidecar` fetches into this repository; both must exist.
    pub fn locate(
        server: Option<PathBuf>,
        nats_server: Option<PathBuf>,
        env: Vec<(String, String)>,
    ) -> Result<Self, String> {
        let beside_us = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join("cartographus-server")));
        let server = server
            .or(beside_us)
            .ok_or("cannot tell where cartographus-server is; pass --server-bin")?;
        let nats_server = nats_server.unwrap_or_else(|| {
            PathBuf::from(crate::REPO).join(format!(
                "src-tauri/binaries/nats-server-{}-unknown-linux-gnu",
                std::env::consts::ARCH
            ))
        });
        for (what, path) in [
            ("cartographus-server", &server),
            ("nats-server", &nats_server),
        ] {
            if !path.is_file() {
                return Err(format!(
                    "{what} not found at {} (`make bench` and `make soak` build and fetch both)",
                    path.display()
                ));
            }
        }
        Ok(Self {
            server,
            nats_server,
            env,
        })
    }
}

/// A `--server-env` value: KEY=VALUE.
pub fn setting(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("{text:?} is not KEY=VALUE"))
}

/// What a kill -9 of the server left behind.
pub struct Killed {
    /// How the server ended, as wait() saw it.
    pub status: String,
    /// Its sidecar at the time of the kill.
    pub sidecar_pid: Option<u32>,
    /// Seconds until that sidecar was gone too; None if it outlived the deadline (it is
    /// then killed, and the caller should say so).
    pub sidecar_gone_s: Option<f64>,
}

pub struct Server {
    guard: ChildGuard,
    data_dir: PathBuf,
    port: u16,
    stderr_log: PathBuf,
    http: reqwest::Client,
    api: Api,
    spawned: Instant,
    /// False once a kill -9 has dealt with the sidecar: the pid file may then already name
    /// the sidecar of the next server on the same data dir, which must not be touched.
    owns_sidecar: bool,
}

impl Server {
    /// Starts the server on `data_dir` (created if missing). The environment is cleared of
    /// every CARTOGRAPHUS_* and NATS_* setting, so the run measures the defaults (unless
    /// `--server-env` says otherwise).
    pub fn spawn(bins: &Binaries, data_dir: &Path) -> Result<Self, String> {
        Self::spawn_on(bins, data_dir, process::free_port()?)
    }

    /// Starts the server on `data_dir` listening on `port`: a restart after a kill keeps the
    /// address the load generator posts to, as a real server's webhook URL stays put. Its
    /// stderr is appended to `<data_dir>.stderr.log`, so the log spans every restart.
    pub fn spawn_on(bins: &Binaries, data_dir: &Path, port: u16) -> Result<Self, String> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
        let stderr_log = data_dir.with_extension("stderr.log");
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&stderr_log)
            .map_err(|e| format!("cannot open {}: {e}", stderr_log.display()))?;
        let mut command = Command::new(&bins.server);
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARTOGRAPHUS_") || key.starts_with("NATS_") {
                command.env_remove(key.as_ref());
            }
        }
        let spawned = Instant::now();
        let child = command
            .arg("serve")
            .env("CARTOGRAPHUS_DATA_DIR", data_dir)
            .env("CARTOGRAPHUS_LISTEN", format!("127.0.0.1:{port}"))
            .env("CARTOGRAPHUS_WEBHOOK_TOKEN", WEBHOOK_TOKEN)
            .env("CARTOGRAPHUS_API_TOKEN", API_TOKEN)
            .env("NATS_SERVER_BIN", &bins.nats_server)
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
            )
            .envs(bins.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bins.server.display()))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let api = Api {
            http: http.clone(),
            base: format!("http://127.0.0.1:{port}"),
        };
        Ok(Self {
            guard: ChildGuard::new(child, Duration::from_secs(15)),
            data_dir: data_dir.to_path_buf(),
            port,
            stderr_log,
            http,
            api,
            spawned,
            owns_sidecar: true,
        })
    }

    /// Seconds from the spawn until `GET /api/v1/health` answered 200.
    pub async fn wait_ready(&mut self, within: Duration) -> Result<f64, String> {
        let url = format!("{}/api/v1/health", self.base_url());
        loop {
            if let Some(status) = self.guard.exited() {
                return Err(format!(
                    "cartographus-server exited during start-up ({status}):\n{}",
                    process::tail(&self.stderr_log, 20)
                ));
            }
            let answer = self
                .http
                .get(&url)
                .timeout(Duration::from_millis(500))
                .send()
                .await;
            if matches!(&answer, Ok(r) if r.status() == 200) {
                return Ok(self.spawned.elapsed().as_secs_f64());
            }
            if self.spawned.elapsed() > within {
                return Err(format!(
                    "cartographus-server was not healthy within {within:?} (last: {}):\n{}",
                    match answer {
                        Ok(r) => r.status().to_string(),
                        Err(e) => e.to_string(),
                    },
                    process::tail(&self.stderr_log, 20)
                ));
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/api/v1/ws?token={API_TOKEN}", self.port)
    }

    pub fn webhook_token(&self) -> String {
        WEBHOOK_TOKEN.to_string()
    }

    pub fn engine_pid(&self) -> u32 {
        self.guard.pid()
    }

    fn sidecar_pid_file(&self) -> PathBuf {
        self.data_dir.join("nats").join("nats-server.pid")
    }

    pub fn nats_pid(&self) -> Option<u32> {
        process::pid_from_file(&self.sidecar_pid_file(), "nats-server")
    }

    /// (engine, nats-server) resident memory in MiB.
    pub fn rss_mb(&self) -> (Option<f64>, Option<f64>) {
        (
            process::rss_mb(self.engine_pid()),
            self.nats_pid().and_then(process::rss_mb),
        )
    }

    /// A client of this server's API.
    pub fn api(&self) -> Api {
        self.api.clone()
    }

    /// The last `lines` lines the server wrote to stderr (over all its restarts).
    pub fn stderr_tail(&self, lines: usize) -> String {
        process::tail(&self.stderr_log, lines)
    }

    /// Some(how it ended) once the server has exited.
    pub fn exited(&mut self) -> Option<String> {
        self.guard.exited()
    }

    /// kill -9, as a crash or the OOM killer would. The sidecar is not touched: it must go
    /// by itself (the engine spawns it with a parent-death signal); this waits up to
    /// `sidecar_within` for that and kills it if it is still there.
    pub async fn kill_9(&mut self, sidecar_within: Duration) -> Killed {
        let sidecar_pid = self.nats_pid();
        self.owns_sidecar = false;
        let status = self.guard.kill();
        let killed_at = Instant::now();
        let mut sidecar_gone_s = None;
        while let Some(pid) = sidecar_pid {
            if !process::runs(pid, "nats-server") {
                sidecar_gone_s = Some(killed_at.elapsed().as_secs_f64());
                break;
            }
            if killed_at.elapsed() > sidecar_within {
                process::kill_pid(pid);
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Killed {
            status,
            sidecar_pid,
            sidecar_gone_s,
        }
    }

    /// Stops the server the way a user does (SIGTERM) and reports how it ended.
    pub fn stop(mut self) -> String {
        self.stop_all()
    }

    fn stop_all(&mut self) -> String {
        let ended = self.guard.stop();
        // A server that had to be killed leaves its sidecar behind.
        if let Some(pid) = self.nats_pid().filter(|_| self.owns_sidecar) {
            process::kill_pid(pid);
        }
        ended
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_all();
    }
}

/// The API calls the bench makes, with the bearer token; cheap to clone into tasks.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    /// Sends a `GET` of an API path with the bearer token; the answer's head.
    async fn send_get(&self, path: &str) -> Result<reqwest::Response, String> {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(API_TOKEN)
            .send()
            .await
            .map_err(|e| format!("GET {path}: {e}"))
    }

    /// A timed `GET` of an API path with the bearer token: status, body, milliseconds.
    pub async fn get(&self, path: &str) -> Result<(u16, bytes::Bytes, f64), String> {
        let started = Instant::now();
        let response = self.send_get(path).await?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("GET {path}: reading the answer: {e}"))?;
        Ok((status, body, started.elapsed().as_secs_f64() * 1000.0))
    }

    /// A streamed `GET`: the body is read chunk by chunk and only counted (a large export
    /// never sits in this process's memory). Status, bytes, newlines, seconds.
    pub async fn download(&self, path: &str) -> Result<(u16, u64, u64, f64), String> {
        use futures_util::StreamExt;
        let started = Instant::now();
        let response = self.send_get(path).await?;
        let status = response.status().as_u16();
        let (mut bytes, mut lines) = (0u64, 0u64);
        let mut body = response.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| format!("GET {path}: reading the answer: {e}"))?;
            bytes += chunk.len() as u64;
            lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        }
        Ok((status, bytes, lines, started.elapsed().as_secs_f64()))
    }

    /// A `POST` of JSON to an API path with the bearer token: status and JSON answer.
    pub async fn post(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<(u16, serde_json::Value), String> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(API_TOKEN)
            .json(body)
            .send()
            .await
            .map_err(|e| format!("POST {path}: {e}"))?;
        let status = response.status().as_u16();
        let answer = response.json().await.unwrap_or(serde_json::Value::Null);
        Ok((status, answer))
    }

    /// `GET /api/v1/stats`, parsed.
    pub async fn stats(&self) -> Result<serde_json::Value, String> {
        let (status, body, _) = self.get("/api/v1/stats").await?;
        if status != 200 {
            return Err(format!("GET /api/v1/stats: {status}"));
        }
        serde_json::from_slice(&body).map_err(|e| format!("GET /api/v1/stats: not JSON: {e}"))
    }

    /// `events_stored` from `GET /api/v1/stats`.
    pub async fn events_stored(&self) -> Result<u64, String> {
        let stats = self.stats().await?;
        stats["events_stored"]
            .as_f64()
            .map(|n| n as u64)
            .ok_or_else(|| "GET /api/v1/stats: no events_stored".to_string())
    }
}
