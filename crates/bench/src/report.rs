//! What a run found: the machine it ran on, the figures, each target with whether it was
//! met (reported, never asserted), printed as a table and written as JSON
//! (`bench-report.json`, `soak-report.json`).

use std::path::Path;

use serde::Serialize;
use serde_json::{json, Value};

#[derive(Serialize)]
pub struct Machine {
    pub cores: usize,
    pub memory_gib: f64,
    pub kernel: String,
    pub cpu: String,
    pub os: String,
}

impl Machine {
    pub fn this() -> Self {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let meminfo = read("/proc/meminfo");
        let memory_kb: f64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0);
        let cpu = read("/proc/cpuinfo")
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|v| v.trim_start_matches([' ', '\t', ':']).trim().to_string())
            .unwrap_or_default();
        let os = read("/etc/os-release")
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim_matches('"').to_string())
            .unwrap_or_default();
        Self {
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            memory_gib: (memory_kb / 1_048_576.0 * 10.0).round() / 10.0,
            kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
            cpu,
            os,
        }
    }
}

/// One target: the figure, the bound, and whether the figure meets it.
#[derive(Serialize)]
pub struct Target {
    pub name: &'static str,
    pub value: Option<f64>,
    pub unit: &'static str,
    pub bound: String,
    /// None when the figure could not be measured.
    pub met: Option<bool>,
}

impl Target {
    pub fn at_most(name: &'static str, value: Option<f64>, bound: f64, unit: &'static str) -> Self {
        Self {
            name,
            value,
            unit,
            bound: format!("<= {bound} {unit}"),
            met: value.map(|v| v <= bound),
        }
    }

    pub fn at_least(
        name: &'static str,
        value: Option<f64>,
        bound: f64,
        unit: &'static str,
    ) -> Self {
        Self {
            name,
            value,
            unit,
            bound: format!(">= {bound} {unit}").trim_end().to_string(),
            met: value.map(|v| v >= bound),
        }
    }
}

/// One line of the figures table: what, the value, and where it came from.
pub struct Line {
    pub name: String,
    pub value: String,
}

pub fn line(name: impl Into<String>, value: impl Into<String>) -> Line {
    Line {
        name: name.into(),
        value: value.into(),
    }
}

pub fn fmt(value: Option<f64>, unit: &str) -> String {
    match value {
        Some(v) if v >= 100.0 => format!("{v:.0} {unit}"),
        Some(v) if v >= 10.0 => format!("{v:.1} {unit}"),
        Some(v) => format!("{v:.2} {unit}"),
        None => "null".to_string(),
    }
}

pub fn print(lines: &[Line], targets: &[Target], notes: &[String]) {
    let width = lines.iter().map(|l| l.name.len()).max().unwrap_or(0);
    println!();
    for l in lines {
        println!("  {:<width$}  {}", l.name, l.value);
    }
    if !targets.is_empty() {
        println!();
        println!(
            "  {:<28} {:>14}  {:<14} verdict",
            "target", "measured", "bound"
        );
    }
    for t in targets {
        let verdict = match t.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "not measured",
        };
        println!(
            "  {:<28} {:>14}  {:<14} {verdict}",
            t.name,
            fmt(t.value, t.unit),
            t.bound
        );
    }
    if !notes.is_empty() {
        println!();
        for note in notes {
            println!("  note: {note}");
        }
    }
}

pub fn write(path: &Path, report: &Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(report)
        .map_err(|e| format!("cannot encode the report: {e}"))?;
    std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The commit the run measured, marked when the tree had changes.
pub fn git_revision(repo: &Path) -> Value {
    let run = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(repo)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match run(&["rev-parse", "--short", "HEAD"]) {
        Some(commit) => json!({
            "commit": commit,
            "uncommitted_changes": run(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty()),
        }),
        None => Value::Null,
    }
}
