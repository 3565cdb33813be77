//! Tauri's build step, with an app manifest listing our commands so each must be granted
//! explicitly in capabilities/ (the default would allow every command to every window).

fn main() {
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
            "get_health",
            "get_engine_info",
            "get_stats",
        ]));
    if let Err(e) = tauri_build::try_build(attributes) {
        // The usual cause: the sidecar binary is not in place yet.
        panic!("tauri build step failed: {e:#}\nhint: run `make sidecar` (places binaries/nats-server-<triple>) and `make ui` (builds ui/dist)");
    }
}
