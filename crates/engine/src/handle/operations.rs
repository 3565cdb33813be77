//! Every public function of [`EngineHandle`](super::EngineHandle) and the door each adapter
//! opens for it: its HTTP route and its desktop command, or why one of them has none. The
//! engine's tests hold the router and the handle to this table, the desktop's tests hold its
//! command list to it, so no operation can reach one host only by accident.

/// How the HTTP API offers an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Http {
    /// `method` and the route's path as the router declares it (`{id}` for a parameter).
    Route {
        method: &'static str,
        path: &'static str,
    },
    /// Not over HTTP, and why.
    None(&'static str),
}

/// How the desktop window offers an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desktop {
    /// The Tauri command's name.
    Command(&'static str),
    /// Pushed to the window as this typed event (the type's name).
    Event(&'static str),
    /// Not as a command, and why.
    None(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The `EngineHandle` function.
    pub function: &'static str,
    pub http: Http,
    pub desktop: Desktop,
}

const fn op(function: &'static str, http: Http, desktop: Desktop) -> Operation {
    Operation {
        function,
        http,
        desktop,
    }
}

const fn route(method: &'static str, path: &'static str) -> Http {
    Http::Route { method, path }
}

use Desktop::Command;

pub const OPERATIONS: &[Operation] = &[
    op(
        "take_webhook",
        route("POST", "/webhooks/{source}"),
        Desktop::None("media servers and Tautulli send webhooks over HTTP; the window never does"),
    ),
    op("health", route("GET", "/api/v1/health"), Command("get_health")),
    op(
        "subscribe_health",
        route("GET", "/api/v1/ws"),
        Desktop::Event("HealthChanged"),
    ),
    op("info", route("GET", "/api/v1/info"), Command("get_engine_info")),
    op(
        "subscribe_sidecar",
        Http::None("the sidecar's state reaches browsers inside the stats"),
        Desktop::Event("SidecarChanged"),
    ),
    op("stats", route("GET", "/api/v1/stats"), Command("get_stats")),
    op(
        "metrics_text",
        route("GET", "/metrics"),
        Desktop::None("Prometheus scrapes over HTTP; the window shows the same figures as stats"),
    ),
    op(
        "live_snapshot",
        Http::None("browsers build it from /api/v1/sessions/live and /api/v1/events, then follow the WebSocket"),
        Command("get_live_snapshot"),
    ),
    op(
        "live_sessions",
        route("GET", "/api/v1/sessions/live"),
        Desktop::None("the window's live snapshot carries them (get_live_snapshot)"),
    ),
    op(
        "subscribe_live",
        Http::None("browsers follow the WebSocket (subscribe_live_messages)"),
        Command("subscribe_live"),
    ),
    op(
        "subscribe_live_messages",
        route("GET", "/api/v1/ws"),
        Desktop::None("the window follows batches over its IPC channel (subscribe_live)"),
    ),
    op("events", route("GET", "/api/v1/events"), Command("list_events")),
    op(
        "event",
        route("GET", "/api/v1/events/{id}"),
        Command("get_event"),
    ),
    op("sessions", route("GET", "/api/v1/sessions"), Command("list_sessions")),
    op(
        "analytics_plays",
        route("GET", "/api/v1/analytics/plays"),
        Command("get_analytics_plays"),
    ),
    op(
        "analytics_concurrent",
        route("GET", "/api/v1/analytics/concurrent"),
        Command("get_analytics_concurrent"),
    ),
    op(
        "export_events_download",
        // {file}: events.csv or events.parquet
        route("GET", "/api/v1/export/{file}"),
        Desktop::None("the window saves where the user chooses (export_to)"),
    ),
    op(
        "export_sessions_download",
        // {file}: sessions.csv or sessions.parquet
        route("GET", "/api/v1/export/{file}"),
        Desktop::None("the window saves where the user chooses (export_to)"),
    ),
    op(
        "export_to",
        Http::None("a browser downloads the file (export_events_download and export_sessions_download)"),
        Command("export_history"),
    ),
    op("dedup_records", route("GET", "/api/v1/dedup"), Command("list_dedup")),
    op(
        "restore_duplicate",
        route("POST", "/api/v1/dedup/{id}/restore"),
        Command("restore_dedup"),
    ),
    op(
        "stats_history",
        route("GET", "/api/v1/stats/history"),
        Command("get_stats_history"),
    ),
    op("dlq_entries", route("GET", "/api/v1/dlq"), Command("list_dlq")),
    op("dlq_groups", route("GET", "/api/v1/dlq/groups"), Command("list_dlq_groups")),
    op("dlq_entry", route("GET", "/api/v1/dlq/{id}"), Command("get_dlq_entry")),
    op(
        "dlq_retry",
        route("POST", "/api/v1/dlq/{id}/retry"),
        Command("retry_dlq_entry"),
    ),
    op(
        "dlq_retry_many",
        route("POST", "/api/v1/dlq/retry"),
        Command("retry_dlq_entries"),
    ),
    op(
        "dlq_delete",
        route("DELETE", "/api/v1/dlq/{id}"),
        Command("delete_dlq_entry"),
    ),
    op("dlq_purge", route("DELETE", "/api/v1/dlq"), Command("purge_dlq")),
    op("replay", route("POST", "/api/v1/replay"), Command("start_replay")),
    op(
        "replay_preview",
        route("GET", "/api/v1/replay/preview"),
        Command("preview_replay"),
    ),
    op(
        "import_tautulli",
        route("POST", "/api/v1/import/tautulli"),
        Command("import_tautulli"),
    ),
    op("job", route("GET", "/api/v1/jobs/{id}"), Command("get_job")),
    op("cancel_job", route("DELETE", "/api/v1/jobs/{id}"), Command("cancel_job")),
    op("ingestion", route("GET", "/api/v1/ingestion"), Command("get_ingestion")),
    op(
        "pause_ingestion",
        route("POST", "/api/v1/ingestion/pause"),
        Command("pause_ingestion"),
    ),
    op(
        "resume_ingestion",
        route("POST", "/api/v1/ingestion/resume"),
        Command("resume_ingestion"),
    ),
    op("settings", route("GET", "/api/v1/settings"), Command("get_settings")),
    op(
        "update_settings",
        route("PATCH", "/api/v1/settings"),
        Command("update_settings"),
    ),
    op(
        "reveal_secret",
        route("GET", "/api/v1/settings/{key}/secret"),
        Command("reveal_setting"),
    ),
    op(
        "regenerate_token",
        route("POST", "/api/v1/settings/{key}/regenerate"),
        Command("regenerate_token"),
    ),
    op("log_tail", route("GET", "/api/v1/logs"), Command("get_logs")),
    op(
        "log_dir",
        Http::None("opening a folder is the desktop's; browsers read the log with /api/v1/logs"),
        Command("open_log_folder"),
    ),
    op(
        "export_diagnostics",
        route("POST", "/api/v1/diagnostics"),
        Command("export_diagnostics"),
    ),
    op(
        "diagnostics_file",
        route("GET", "/api/v1/diagnostics/{file_name}"),
        Command("show_diagnostics"),
    ),
    op("get_setup", route("GET", "/api/v1/setup"), Command("get_setup")),
    op(
        "set_listen",
        route("PUT", "/api/v1/setup/listen"),
        Command("set_listen"),
    ),
    op(
        "check_listen",
        route("POST", "/api/v1/setup/listen/check"),
        Command("check_listen"),
    ),
    op(
        "connect_tautulli",
        route("POST", "/api/v1/setup/tautulli"),
        Command("connect_tautulli"),
    ),
    op(
        "test_tautulli",
        route("POST", "/api/v1/setup/tautulli/test"),
        Command("test_tautulli"),
    ),
    op(
        "disconnect_tautulli",
        route("DELETE", "/api/v1/setup/tautulli"),
        Command("disconnect_tautulli"),
    ),
    op(
        "connect_plex",
        route("POST", "/api/v1/setup/plex"),
        Command("connect_plex"),
    ),
    op(
        "disconnect_plex",
        route("DELETE", "/api/v1/setup/plex"),
        Command("disconnect_plex"),
    ),
    op(
        "start_plex_pin",
        route("POST", "/api/v1/setup/plex/pin"),
        Command("start_plex_pin"),
    ),
    op(
        "check_plex_pin",
        route("GET", "/api/v1/setup/plex/pin/{id}"),
        Command("check_plex_pin"),
    ),
];

/// The desktop commands the table names, in its order.
pub fn commands() -> impl Iterator<Item = &'static str> {
    OPERATIONS.iter().filter_map(|op| match op.desktop {
        Desktop::Command(name) => Some(name),
        Desktop::Event(_) | Desktop::None(_) => None,
    })
}

/// The desktop events the table names.
pub fn events() -> impl Iterator<Item = &'static str> {
    OPERATIONS.iter().filter_map(|op| match op.desktop {
        Desktop::Event(name) => Some(name),
        Desktop::Command(_) | Desktop::None(_) => None,
    })
}

/// The HTTP routes the table names, as (method, path).
pub fn routes() -> impl Iterator<Item = (&'static str, &'static str)> {
    OPERATIONS.iter().filter_map(|op| match op.http {
        Http::Route { method, path } => Some((method, path)),
        Http::None(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The public functions of every `impl EngineHandle` block in this folder, read from the
    /// source: a new one must be added to the table (with its doors or why not).
    fn public_handle_functions() -> BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/handle");
        let mut found = BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let mut inside = false;
            for line in text.lines() {
                if line.starts_with("impl EngineHandle {") {
                    inside = true;
                } else if line == "}" {
                    inside = false;
                } else if inside {
                    let signature = line
                        .strip_prefix("    pub async fn ")
                        .or_else(|| line.strip_prefix("    pub fn "));
                    if let Some(rest) = signature {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        found.insert(name);
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_public_handle_function_is_in_the_table_once() {
        let listed: Vec<&str> = OPERATIONS.iter().map(|op| op.function).collect();
        let unique: BTreeSet<String> = listed.iter().map(|f| f.to_string()).collect();
        assert_eq!(unique.len(), listed.len(), "a function listed twice");
        let public = public_handle_functions();
        assert!(public.len() > 30, "the scan found the handle: {public:?}");
        assert_eq!(
            public, unique,
            "EngineHandle's public functions vs OPERATIONS"
        );
    }

    #[test]
    fn every_operation_has_a_door_and_reasons_say_something() {
        for op in OPERATIONS {
            let http_none = match op.http {
                Http::None(why) => Some(why),
                Http::Route { .. } => None,
            };
            let desktop_none = match op.desktop {
                Desktop::None(why) => Some(why),
                Desktop::Command(_) | Desktop::Event(_) => None,
            };
            assert!(
                http_none.is_none() || desktop_none.is_none(),
                "{} is offered by neither adapter",
                op.function
            );
            for why in http_none.into_iter().chain(desktop_none) {
                assert!(why.len() > 20, "{}: say why, not {why:?}", op.function);
            }
        }
    }
}
