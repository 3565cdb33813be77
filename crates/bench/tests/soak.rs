//! `cartographus-soak` end to end, shortened: half a minute of load against the real server
//! and sidecar with a kill every 8 s. The run must pass having killed both, and its report
//! must account for every acknowledged event and sample both processes' memory.

use std::process::Command;

use serde_json::Value;

#[test]
fn a_short_soak_kills_server_and_sidecar_and_finds_every_acknowledged_event_stored() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("soak-report.json");
    let output = Command::new(env!("CARGO_BIN_EXE_cartographus-soak"))
        .args(["--minutes", "0.5", "--kill-every", "8", "--seed", "1"])
        .args(["--rss-every", "1", "--drain-within", "60"])
        .arg("--report")
        .arg(&report)
        .arg("--work-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the soak failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("PASSED"), "{stdout}");

    let report: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(report["passed"], true, "{report:#}");
    assert!(
        report["kills"]["server"].as_u64().unwrap() >= 1,
        "{report:#}"
    );
    assert!(
        report["kills"]["sidecar"].as_u64().unwrap() >= 1,
        "{report:#}"
    );
    assert_eq!(
        report["restarts"]["server_by_the_soak"],
        report["kills"]["server"]
    );
    assert!(
        report["restarts"]["sidecar_by_the_engine"]
            .as_u64()
            .unwrap()
            >= report["kills"]["sidecar"].as_u64().unwrap(),
        "{report:#}"
    );

    // 50 webhooks/s for 30 s, nearly all acknowledged, every one of those stored.
    let load = &report["load"];
    assert_eq!(load["sent"], 1500);
    let acknowledged = report["count"]["acknowledged"].as_u64().unwrap();
    assert!(acknowledged > 1000, "{load:#}");
    assert_eq!(
        acknowledged + load["unanswered"].as_u64().unwrap(),
        1500 - load["answered_non_2xx"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum::<u64>()
    );
    assert_eq!(report["count"]["missing"], 0);
    assert_eq!(report["count"]["stored_more_than_once"], 0);
    assert!(report["count"]["stored"].as_u64().unwrap() >= acknowledged);

    let samples = report["rss_samples"].as_array().unwrap();
    assert!(samples.iter().any(|s| s["engine_mb"].as_f64() > Some(1.0)));
    assert!(samples.iter().any(|s| s["nats_mb"].as_f64() > Some(1.0)));
    assert!(report["rss_mb"]["engine_mb"]["median"].as_f64().unwrap() > 1.0);
    assert!(report["rss_mb"]["nats_mb"]["median"].as_f64().unwrap() > 1.0);
    // A passing run cleans up after itself.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("cartographus-soak-")
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
