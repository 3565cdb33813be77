//! The built desktop app finds its sidecar the way an installed one does: `nats-server`
//! beside the executable (Tauri's externalBin). This also makes `cargo test --no-run` build
//! the `cartographus` binary that the WebDriver end-to-end test launches.

use std::path::Path;

#[test]
fn the_sidecar_sits_beside_the_desktop_binary() {
    let app = Path::new(env!("CARGO_BIN_EXE_cartographus"));
    assert!(app.is_file(), "{} missing", app.display());
    let sidecar = app.with_file_name("nats-server");
    let metadata = std::fs::metadata(&sidecar)
        .unwrap_or_else(|e| panic!("{}: {e} (run `make sidecar`)", sidecar.display()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert!(
            metadata.permissions().mode() & 0o111 != 0,
            "sidecar is not executable"
        );
    }
    let version = std::process::Command::new(&sidecar)
        .arg("--version")
        .output()
        .expect("the sidecar runs");
    let text = String::from_utf8_lossy(&version.stdout);
    let pinned = include_str!("../../sidecars/nats-server.lock")
        .lines()
        .find_map(|line| line.strip_prefix("version="))
        .expect("a pinned version");
    assert!(
        text.contains(pinned),
        "sidecar says {text:?}, pinned {pinned}"
    );
}
