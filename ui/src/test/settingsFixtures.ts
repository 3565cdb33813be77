// Settings, log and diagnostics answers shaped exactly like the engine's, for the unit tests.
import type { DiagnosticsExport, LogTail, SettingView, SettingsView } from "../backend/Backend";

function setting(partial: Partial<SettingView> & Pick<SettingView, "key" | "group" | "kind">): SettingView {
  return {
    value: null,
    default: null,
    locked_by: null,
    applies: "restart",
    restart_pending: false,
    desktop_only: false,
    secret: false,
    choices: [],
    min: null,
    max: null,
    ...partial,
  };
}

export const MASK = "••••••••";

export const settingsView: SettingsView = {
  restart_required: false,
  settings: [
    setting({ key: "listen", group: "listener", kind: "address", value: "127.0.0.1:3857", default: "127.0.0.1:3857" }),
    setting({ key: "ws_port", group: "listener", kind: "port", min: 1, max: 65535 }),
    setting({ key: "api_token", group: "tokens", kind: "token", value: MASK, secret: true, applies: "now" }),
    setting({
      key: "webhook_token_tautulli",
      group: "tokens",
      kind: "token",
      value: MASK,
      secret: true,
      applies: "now",
    }),
    setting({
      key: "nats_mode",
      group: "nats",
      kind: "choice",
      value: "embedded",
      default: "embedded",
      choices: ["embedded", "external", "off"],
    }),
    setting({ key: "nats_url", group: "nats", kind: "text" }),
    setting({ key: "nats_token", group: "nats", kind: "secret", secret: true }),
    setting({ key: "nats_creds", group: "nats", kind: "path" }),
    setting({ key: "nats_retention_days", group: "storage", kind: "count", value: 7, default: 7, min: 1, max: 3650, applies: "now" }),
    setting({
      key: "writer_batch_size",
      group: "storage",
      kind: "count",
      value: 20,
      default: 1000,
      min: 1,
      max: 100000,
      locked_by: "CARTOGRAPHUS_WRITER_BATCH_SIZE",
    }),
    setting({ key: "writer_flush_interval", group: "storage", kind: "duration", value: 5000, default: 5000, min: 1, max: 60000 }),
    setting({ key: "dlq_max_entries", group: "dead_letters", kind: "count", value: 10000, default: 10000, min: 100, max: 10000, applies: "now" }),
    setting({ key: "dlq_max_age_days", group: "dead_letters", kind: "count", value: 7, default: 7, min: 1, max: 7, applies: "now" }),
    setting({ key: "session_timeout", group: "sessions", kind: "duration", value: 21600000, default: 21600000, min: 60000, max: 604800000 }),
    setting({ key: "tautulli_poll_interval", group: "tautulli", kind: "duration", value: 30000, default: 30000, min: 5000, max: 3600000 }),
    setting({
      key: "theme",
      group: "appearance",
      kind: "choice",
      value: "system",
      default: "system",
      choices: ["system", "light", "dark"],
      applies: "now",
    }),
    setting({ key: "start_at_login", group: "desktop", kind: "toggle", value: false, default: false, applies: "now", desktop_only: true }),
    setting({ key: "keep_in_tray", group: "desktop", kind: "toggle", value: false, default: false, applies: "now", desktop_only: true }),
    setting({
      key: "notify_sidecar_down",
      group: "notifications",
      kind: "toggle",
      value: true,
      default: true,
      applies: "now",
      desktop_only: true,
    }),
  ],
};

export const logTail: LogTail = {
  dir: "/home/user/.local/share/cartographus/logs",
  file: "cartographus.2025-11-30.log",
  cursor: "cartographus.2025-11-30.log@300",
  lines: [
    {
      at: "2025-11-30T19:40:00.100000Z",
      level: "info",
      target: "cartographus_engine::engine",
      message: "engine started listen=127.0.0.1:3857",
    },
    { at: "2025-11-30T19:40:01.200000Z", level: "warn", target: "cartographus_engine::bus", message: "NATS unavailable" },
  ],
};

export const diagnosticsExport: DiagnosticsExport = {
  file_name: "cartographus-diagnostics-20251130-194000-000.zip",
  path: "/home/user/.local/share/cartographus/diagnostics/cartographus-diagnostics-20251130-194000-000.zip",
  size_bytes: 20480,
  entries: ["about.txt", "settings.json", "stats.json", "logs/cartographus.2025-11-30.log"],
};
