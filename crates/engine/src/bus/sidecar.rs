//! The nats-server sidecar process: locate the binary, write its config, spawn it so that
//! it dies with us, wait until it answers, stop it. Restarts are the supervisor's job.
//!
//! Why a dedicated thread per child: PR_SET_PDEATHSIG fires when the *thread* that forked
//! the child exits, not the process. The thread that spawns the child therefore blocks in
//! `wait()` for exactly the child's lifetime, so the signal means "the app is gone".

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use tokio::sync::oneshot;

use crate::secret::Secret;

const STDERR_TAIL_LINES: usize = 20;

/// The largest message the sidecar takes. A webhook body may be 1 MiB and its event carries
/// that body again beside the fields taken from it, so the 1 MiB default would refuse
/// valid webhooks; 8 MiB is the most the NATS documentation recommends. Larger events get
/// a 413.
pub const MAX_PAYLOAD_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SidecarError {
    #[error(
        "nats-server not found (looked at NATS_SERVER_BIN, next to the executable and on PATH); \
         run `make sidecar` or set NATS_SERVER_BIN"
    )]
    BinaryNotFound,
    #[error("NATS_SERVER_BIN points at {0}, which does not exist")]
    ExplicitBinaryMissing(PathBuf),
    #[error("cannot prepare the sidecar in {path}: {source}")]
    Prepare {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start nats-server {bin}: {source}")]
    Spawn {
        bin: PathBuf,
        source: std::io::Error,
    },
    #[error("nats-server exited during start-up ({status}): {stderr}")]
    ExitedAtStart { status: String, stderr: String },
    #[error("nats-server did not accept connections within {0:?}: {1}")]
    NotReady(Duration, String),
}

/// Everything needed to start (and restart) one sidecar instance.
#[derive(Debug, Clone)]
pub struct SidecarSpec {
    pub bin: PathBuf,
    /// Holds the config file and the pid file.
    pub work_dir: PathBuf,
    pub store_dir: PathBuf,
    pub port: u16,
    pub token: Secret,
}

impl SidecarSpec {
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    pub fn config_path(&self) -> PathBuf {
        self.work_dir.join("nats-server.conf")
    }

    pub fn pid_path(&self) -> PathBuf {
        pid_path(&self.work_dir)
    }

    /// The server config: loopback only, token auth, messages up to [`MAX_PAYLOAD_BYTES`],
    /// JetStream syncing every write (its default syncs every 2 minutes, which would lose
    /// acknowledged events on an OS crash), no monitoring port, and a file-store limit set to
    /// the stream's own bound: left to itself nats-server reserves 75 % of the disk's free
    /// space at start, and refuses to create the 10 GiB stream ("insufficient storage
    /// resources") on a disk with less than ~14 GB free — the pipeline would never start. A
    /// disk that really fills is met at write time (publishes fail, events spool or are
    /// answered 503), not at start.
    pub fn render_config(&self) -> String {
        let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
        format!(
            "server_name: \"cartographus\"\n\
             listen: \"127.0.0.1:{port}\"\n\
             authorization {{ token: {token} }}\n\
             max_payload: {max_payload}\n\
             jetstream {{\n  store_dir: {store}\n  sync_interval: \"always\"\n  \
             max_file_store: {max_store}\n}}\n",
            port = self.port,
            max_store = super::stream::MAX_BYTES,
            token = q(self.token.expose()),
            max_payload = MAX_PAYLOAD_BYTES,
            store = q(&self.store_dir.to_string_lossy()),
        )
    }
}

pub fn pid_path(work_dir: &Path) -> PathBuf {
    work_dir.join("nats-server.pid")
}

/// Finds nats-server: the explicit path, then next to our executable (where Tauri's
/// externalBin puts it), then PATH.
pub fn locate_binary(explicit: Option<&Path>) -> Result<PathBuf, SidecarError> {
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(SidecarError::ExplicitBinaryMissing(path.to_path_buf()))
        };
    }
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("nats-server")));
    let on_path: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("nats-server"))
                .collect()
        })
        .unwrap_or_default();
    beside_exe
        .into_iter()
        .chain(on_path)
        .find(|candidate| candidate.is_file())
        .ok_or(SidecarError::BinaryNotFound)
}

/// Picks a free loopback port. The OS may hand it to someone else before nats-server binds
/// it; the supervisor retries with a fresh port when that happens.
pub fn free_loopback_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port())
}

/// A started nats-server. Dropping it does not stop the process; call [`stop`](Self::stop).
pub struct RunningSidecar {
    pub pid: u32,
    pub started_at: Instant,
    exited: oneshot::Receiver<std::io::Result<ExitStatus>>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    pid_file: PathBuf,
}

impl RunningSidecar {
    /// Writes the config, spawns the server and waits until it accepts an authenticated
    /// connection (or fails with what it printed).
    pub async fn start(spec: &SidecarSpec, ready_within: Duration) -> Result<Self, SidecarError> {
        let prepare = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SidecarError::Prepare { path, source }
        };
        std::fs::create_dir_all(&spec.work_dir).map_err(prepare(&spec.work_dir))?;
        std::fs::create_dir_all(&spec.store_dir).map_err(prepare(&spec.store_dir))?;
        write_private(&spec.config_path(), spec.render_config().as_bytes())
            .map_err(prepare(&spec.config_path()))?;

        let mut running = spawn(spec)?;
        std::fs::write(running.pid_file.clone(), running.pid.to_string())
            .map_err(prepare(&running.pid_file))?;

        let deadline = Instant::now() + ready_within;
        loop {
            if let Ok(result) = running.exited.try_recv() {
                let status = match result {
                    Ok(status) => status.to_string(),
                    Err(e) => e.to_string(),
                };
                let _ = std::fs::remove_file(&running.pid_file);
                return Err(SidecarError::ExitedAtStart {
                    status,
                    stderr: running.stderr_tail(),
                });
            }
            let probe = async_nats::ConnectOptions::with_token(spec.token.expose().to_string())
                .connection_timeout(Duration::from_millis(500))
                .connect(spec.url());
            if let Ok(Ok(client)) = tokio::time::timeout(Duration::from_millis(700), probe).await {
                drop(client);
                return Ok(running);
            }
            if Instant::now() >= deadline {
                let tail = running.stderr_tail();
                running.stop(Duration::from_secs(2)).await;
                return Err(SidecarError::NotReady(ready_within, tail));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Resolves when the process exits on its own.
    pub async fn wait_exit(&mut self) -> String {
        match (&mut self.exited).await {
            Ok(Ok(status)) => status.to_string(),
            Ok(Err(e)) => format!("wait failed: {e}"),
            Err(_) => "the watcher thread is gone".to_string(),
        }
    }

    pub fn stderr_tail(&self) -> String {
        self.stderr_tail
            .lock()
            .map(|lines| lines.iter().cloned().collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    }

    /// SIGTERM (nats-server flushes and exits), then SIGKILL after `grace`.
    pub async fn stop(mut self, grace: Duration) {
        let pid = Pid::from_raw(self.pid as i32);
        let _ = kill(pid, Signal::SIGTERM);
        if tokio::time::timeout(grace, &mut self.exited).await.is_err() {
            tracing::warn!(pid = self.pid, "nats-server ignored SIGTERM; killing it");
            let _ = kill(pid, Signal::SIGKILL);
            let _ = (&mut self.exited).await;
        }
        let _ = std::fs::remove_file(&self.pid_file);
    }
}

fn spawn(spec: &SidecarSpec) -> Result<RunningSidecar, SidecarError> {
    let mut command = Command::new(&spec.bin);
    command
        .arg("-c")
        .arg(spec.config_path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    die_with_parent(&mut command);

    let (spawned_tx, spawned_rx) = std::sync::mpsc::channel();
    let (exit_tx, exit_rx) = oneshot::channel();
    let stderr_tail = Arc::new(Mutex::new(VecDeque::with_capacity(STDERR_TAIL_LINES)));
    let tail = Arc::clone(&stderr_tail);
    let watcher = std::thread::Builder::new()
        .name("nats-sidecar".into())
        .spawn(move || match command.spawn() {
            Err(e) => {
                let _ = spawned_tx.send(Err(e));
            }
            Ok(mut child) => {
                if let Some(stderr) = child.stderr.take() {
                    forward_stderr(stderr, tail);
                }
                let _ = spawned_tx.send(Ok(child.id()));
                let _ = exit_tx.send(child.wait());
            }
        });
    let spawn_err = |source| SidecarError::Spawn {
        bin: spec.bin.clone(),
        source,
    };
    watcher.map_err(spawn_err)?;
    let pid = spawned_rx
        .recv()
        .map_err(|_| spawn_err(std::io::Error::other("watcher thread died")))?
        .map_err(spawn_err)?;
    tracing::info!(pid, port = spec.port, "nats-server started");
    Ok(RunningSidecar {
        pid,
        started_at: Instant::now(),
        exited: exit_rx,
        stderr_tail,
        pid_file: spec.pid_path(),
    })
}

/// nats-server logs to stderr; its lines go to our log (warnings and errors as warnings)
/// and the last few are kept to explain a failed start.
fn forward_stderr(stderr: std::process::ChildStderr, tail: Arc<Mutex<VecDeque<String>>>) {
    let spawned = std::thread::Builder::new()
        .name("nats-stderr".into())
        .spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("[ERR]") || line.contains("[WRN]") || line.contains("[FTL]") {
                    tracing::warn!(target: "nats_server", "{line}");
                } else {
                    tracing::debug!(target: "nats_server", "{line}");
                }
                if let Ok(mut lines) = tail.lock() {
                    if lines.len() == STDERR_TAIL_LINES {
                        lines.pop_front();
                    }
                    lines.push_back(line);
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot forward nats-server output: {e}");
    }
}

#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    let parent = std::process::id();
    // SAFETY: only async-signal-safe calls (prctl, getppid, _exit) run between fork and exec.
    unsafe {
        command.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(Signal::SIGTERM).map_err(std::io::Error::from)?;
            // The parent may have died before prctl took effect.
            if nix::unistd::getppid().as_raw() as u32 != parent {
                nix::libc::_exit(1);
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_command: &mut Command) {}

/// Stops a sidecar left behind by an earlier run that could not stop it (recorded in the
/// pid file). The pid is only trusted if that process still runs our config file, so a
/// recycled pid never gets a signal.
pub fn stop_stale(work_dir: &Path) -> Option<u32> {
    let pid_file = pid_path(work_dir);
    let pid: u32 = std::fs::read_to_string(&pid_file)
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let config = work_dir.join("nats-server.conf");
    let ours = std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|cmdline| {
            let needle = config.to_string_lossy();
            String::from_utf8_lossy(&cmdline).contains(needle.as_ref())
        })
        .unwrap_or(false);
    let _ = std::fs::remove_file(&pid_file);
    if !ours {
        return None;
    }
    tracing::warn!(pid, "stopping a nats-server left over from an earlier run");
    let target = Pid::from_raw(pid as i32);
    let _ = kill(target, Signal::SIGTERM);
    let gone = |deadline: Instant| {
        while Instant::now() < deadline {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    };
    if !gone(Instant::now() + Duration::from_secs(5)) {
        let _ = kill(target, Signal::SIGKILL);
        gone(Instant::now() + Duration::from_secs(2));
    }
    Some(pid)
}

fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    let mut file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)?
    };
    #[cfg(not(unix))]
    let mut file = std::fs::File::create(path)?;
    file.write_all(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_is_loopback_token_and_sync_always() {
        let spec = SidecarSpec {
            bin: "/bin/false".into(),
            work_dir: "/d/nats".into(),
            store_dir: "/d/jet \"stream\"".into(),
            port: 4555,
            token: Secret::new("t0k"),
        };
        let conf = spec.render_config();
        assert!(conf.contains("listen: \"127.0.0.1:4555\""), "{conf}");
        assert!(conf.contains("token: \"t0k\""), "{conf}");
        assert!(conf.contains("sync_interval: \"always\""), "{conf}");
        assert!(conf.contains("max_payload: 8388608\n"), "{conf}");
        assert!(conf.contains(r#"store_dir: "/d/jet \"stream\"""#), "{conf}");
        assert!(
            conf.contains(&format!(
                "max_file_store: {}",
                crate::bus::stream::MAX_BYTES
            )),
            "{conf}"
        );
        assert!(
            !conf.contains("http"),
            "monitoring port must stay off: {conf}"
        );
    }

    #[test]
    fn explicit_binary_must_exist() {
        let err = locate_binary(Some(Path::new("/nope/nats-server"))).unwrap_err();
        assert!(err.to_string().contains("/nope/nats-server"));
    }

    #[test]
    fn a_recycled_pid_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        // Our own pid: alive, but not running that config.
        std::fs::write(pid_path(dir.path()), std::process::id().to_string()).unwrap();
        assert_eq!(stop_stale(dir.path()), None);
        assert!(!pid_path(dir.path()).exists());
    }
}
