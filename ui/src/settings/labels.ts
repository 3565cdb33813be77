// What each setting and group is called on screen, with a line of help where the name alone
// does not say enough. Keys are the engine's (GET /api/v1/settings).
import type { SettingGroup } from "../backend/Backend";

export const GROUP_TITLES: Readonly<Record<SettingGroup, string>> = {
  listener: "Listener",
  tokens: "Tokens",
  nats: "NATS",
  storage: "Storage",
  dead_letters: "Dead letters",
  sessions: "Sessions",
  tautulli: "Tautulli",
  appearance: "Appearance",
  desktop: "Desktop",
  notifications: "Notifications",
};

type Label = { label: string; help?: string };

const LABELS: Readonly<Record<string, Label>> = {
  listen: {
    label: "Listener address",
    help: "Where webhooks and the API are answered. 127.0.0.1 is this computer only; 0.0.0.0 or a LAN address lets a media server on another machine reach it.",
  },
  ws_port: { label: "Extra WebSocket port", help: "Optional: the live feed alone on its own port. Empty for none." },
  api_token: { label: "API token", help: "Opens the web UI and the API." },
  webhook_token_tautulli: { label: "Tautulli webhook token" },
  webhook_token_plex: { label: "Plex webhook token" },
  webhook_token_jellyfin: { label: "Jellyfin webhook token" },
  webhook_token_emby: { label: "Emby webhook token" },
  nats_mode: { label: "NATS", help: "Embedded runs nats-server for you; Off stores events straight into DuckDB (no replay)." },
  nats_url: { label: "Server URLs", help: "nats://host:4222 — several, comma-separated, for a cluster." },
  nats_token: { label: "Server token", help: "Leave empty to keep the one saved." },
  nats_creds: { label: "Credentials file", help: "A .creds file (JWT and nkey) on this machine." },
  nats_retention_days: { label: "Stream retention (days)", help: "How long JetStream keeps events for replay." },
  writer_batch_size: { label: "Batch size", help: "Events per DuckDB write." },
  writer_flush_interval: { label: "Flush interval", help: "Longest wait before a partial batch is written, e.g. 5s or 250ms." },
  dlq_max_entries: { label: "Most dead letters kept", help: "The oldest make room beyond this (at most 10,000)." },
  dlq_max_age_days: { label: "Days a dead letter is kept", help: "At most 7." },
  session_timeout: { label: "Session timeout", help: "A session silent this long is closed, e.g. 6h." },
  tautulli_poll_interval: { label: "Tautulli poll interval", help: "How often Tautulli's activity is checked for playbacks the webhooks missed, e.g. 30s; 0 switches it off." },
  theme: { label: "Theme" },
  start_at_login: { label: "Start Cartographus when I log in" },
  keep_in_tray: { label: "Keep running in the tray when the window is closed" },
  notify_sidecar_down: { label: "When NATS has been down for more than 30 seconds" },
  notify_dlq_growth: { label: "When new dead letters arrive (at most once a minute)" },
  notify_tautulli_unreachable: { label: "When Tautulli cannot be reached" },
};

const CHOICE_LABELS: Readonly<Record<string, string>> = {
  embedded: "Embedded (the app runs nats-server)",
  external: "External server or cluster",
  off: "Off (straight to DuckDB, no replay)",
  system: "Same as the system",
  light: "Light",
  dark: "Dark",
};

export function settingLabel(key: string): Label {
  return LABELS[key] ?? { label: key.replace(/_/g, " ") };
}

export function choiceLabel(choice: string): string {
  return CHOICE_LABELS[choice] ?? choice;
}
