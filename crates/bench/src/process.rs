//! Child processes the bench starts (nats-server, cartographus-server) and what we read
//! about them from /proc. Every child is owned by a guard that stops it when dropped, on
//! the error paths too, so a failed run leaves nothing behind.

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// A child that is stopped (SIGTERM, then SIGKILL after `grace`) when dropped.
pub struct ChildGuard {
    child: Child,
    grace: Duration,
}

impl ChildGuard {
    pub fn new(child: Child, grace: Duration) -> Self {
        Self { child, grace }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Some(description) when the process has exited.
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(format!("cannot tell whether it runs: {e}")),
        }
    }

    /// SIGKILL (kill -9) and reap it. Returns how it ended.
    pub fn kill(&mut self) -> String {
        if let Some(status) = self.exited() {
            return status;
        }
        if let Err(e) = self.child.kill() {
            return format!("cannot kill it: {e}");
        }
        match self.child.wait() {
            Ok(status) => status.to_string(),
            Err(e) => format!("killed; cannot reap it: {e}"),
        }
    }

    /// SIGTERM, wait up to the grace period, then SIGKILL. Returns how it ended.
    pub fn stop(&mut self) -> String {
        if let Some(status) = self.exited() {
            return status;
        }
        let _ = kill(Pid::from_raw(self.child.id() as i32), Signal::SIGTERM);
        let deadline = Instant::now() + self.grace;
        while Instant::now() < deadline {
            if let Some(status) = self.exited() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        format!("killed after {:?} without exiting on SIGTERM", self.grace)
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Resident memory of a process in MiB (VmRSS), None once it is gone.
pub fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// The pid in a pid file, if that process is alive and runs `expected` (so a recycled pid
/// is never mistaken for ours).
pub fn pid_from_file(path: &Path, expected: &str) -> Option<u32> {
    let pid: u32 = std::fs::read_to_string(path).ok()?.trim().parse().ok()?;
    runs(pid, expected).then_some(pid)
}

/// Whether `pid` is alive and its command line contains `expected` (a zombie has an empty
/// one, so a process that died but was not reaped yet counts as gone).
pub fn runs(pid: u32, expected: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(expected))
}

/// Kills a process we know we caused (a sidecar left behind by a server that was killed).
pub fn kill_pid(pid: u32) {
    let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
}

/// A free loopback port (the OS may reuse it before we bind; good enough for a bench).
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

/// The last `lines` lines of a log file, for error messages.
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_own_rss() {
        let rss = rss_mb(std::process::id()).unwrap();
        assert!(rss > 0.1, "{rss}");
    }

    #[test]
    fn kill_ends_a_child_with_sigkill_at_once() {
        let child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut guard = ChildGuard::new(child, Duration::from_secs(30));
        let started = Instant::now();
        let ended = guard.kill();
        assert!(ended.contains("signal: 9"), "{ended}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(!runs(pid, "sleep"), "the child must be gone");
    }

    #[test]
    fn runs_checks_the_command_line() {
        let me = std::process::id();
        assert!(runs(me, "cartographus_bench"));
        assert!(!runs(me, "nats-server"));
    }

    #[test]
    fn a_guard_stops_its_child() {
        let child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = child.id();
        drop(ChildGuard::new(child, Duration::from_secs(1)));
        assert!(rss_mb(pid).is_none(), "the child must be gone");
    }
}
