//! `cartographus-soak` end to end, shortened: half a minute of load against the real server
//! and sidecar with a kill every 8 s. The run must pass having killed both, and its report
//! must account for every acknowledged event and sample both processes' memory; against a
//! server that loses its data when restarted, it must fail and say what is missing.
//! The server is the workspace's `target/debug/cartographus-server` (build the workspace first).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn soak(dir: &Path, minutes: &str, server_bin: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cartographus-soak"));
    command
        .args(["--minutes", minutes, "--kill-every", "8", "--seed", "1"])
        .args(["--rss-every", "1", "--drain-within", "60"])
        .arg("--report")
        .arg(dir.join("soak-report.json"))
        .arg("--work-dir")
        .arg(dir);
    if let Some(bin) = server_bin {
        command.arg("--server-bin").arg(bin);
    }
    command.output().unwrap()
}

fn report(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("soak-report.json")).unwrap()).unwrap()
}

#[test]
fn a_short_soak_kills_server_and_sidecar_and_finds_every_acknowledged_event_stored() {
    let dir = tempfile::tempdir().unwrap();
    let output = soak(dir.path(), "0.5", None);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the soak failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("PASSED"), "{stdout}");

    let report = report(dir.path());
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

#[test]
fn a_server_that_loses_its_data_on_restart_fails_the_soak() {
    let dir = tempfile::tempdir().unwrap();
    // The real server, but every start after the first wipes the data dir first: what a
    // crash that lost acknowledged events would look like from outside.
    let server =
        Path::new(env!("CARGO_BIN_EXE_cartographus-soak")).with_file_name("cartographus-server");
    let wrapper = dir.path().join("forgetful-server");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\n\
             data=\"$CARTOGRAPHUS_DATA_DIR\"\n\
             if [ -e \"$data/.started\" ]; then rm -rf \"$data\"/*; fi\n\
             touch \"$data/.started\"\n\
             exec \"{}\" \"$@\"\n",
            server.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();

    let output = soak(dir.path(), "0.25", Some(&wrapper));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAILED"), "{stdout}");
    assert!(
        stdout.contains("acknowledged events are not in playback_events"),
        "{stdout}"
    );
    let report = report(dir.path());
    assert_eq!(report["passed"], false);
    assert_eq!(report["kills"]["server"], 1, "{report:#}");
    // Everything acknowledged before the kill (8 s at 50/s) is gone.
    let missing = report["count"]["missing"].as_u64().unwrap();
    assert!(missing > 100, "{report:#}");
    assert_eq!(
        report["count"]["missing_examples"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    // A failed run keeps its work dir as evidence.
    assert!(stdout.contains("kept "), "{stdout}");
}
