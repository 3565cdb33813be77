//! Tauri's build step, with an app manifest listing our commands so each must be granted
//! explicitly in capabilities/ (the default would allow every command to every window).

fn main() {
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
            "get_health",
            "get_engine_info",
            "get_stats",
            "get_stats_history",
            "subscribe_live",
            "get_live_snapshot",
            "list_events",
            "get_event",
            "list_sessions",
            "get_analytics_plays",
            "get_analytics_concurrent",
            "export_history",
            "list_dlq",
            "get_dlq_entry",
            "retry_dlq_entry",
            "retry_dlq_entries",
            "delete_dlq_entry",
            "purge_dlq",
            "list_dlq_groups",
            "list_dedup",
            "restore_dedup",
            "start_replay",
            "preview_replay",
            "import_tautulli",
            "get_job",
            "cancel_job",
            "get_setup",
            "set_listen",
            "check_listen",
            "connect_tautulli",
            "test_tautulli",
            "disconnect_tautulli",
            "connect_plex",
            "disconnect_plex",
            "start_plex_pin",
            "check_plex_pin",
            "get_settings",
            "update_settings",
            "reveal_setting",
            "regenerate_token",
            "get_ingestion",
            "pause_ingestion",
            "resume_ingestion",
            "get_logs",
            "export_diagnostics",
            "open_log_folder",
            "show_diagnostics",
        ]));
    if let Err(e) = tauri_build::try_build(attributes) {
        // The usual cause: the sidecar binary is not in place yet.
        panic!("tauri build step failed: {e:#}\nhint: run `make sidecar` (places binaries/nats-server-<triple>) and `make ui` (builds ui/dist)");
    }
}
