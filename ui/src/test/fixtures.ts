// Sample payloads shaped exactly like the engine's, shared by the unit tests.
import type {
  DlqEntry,
  EngineInfo,
  Health,
  JobStatus,
  LiveSession,
  MediaEvent,
  Session,
  SetupOverview,
  SidecarStatus,
  SourceSetup,
  Stats,
  StatsHistoryView,
} from "../backend/Backend";

export const mixedHealth: Health = {
  status: "degraded",
  mode: "jetstream",
  parts: {
    // Deliberately not in display order, with an unknown part, to exercise the ordering.
    duckdb: { status: "down", detail: "database is locked" },
    zeta_probe: { status: "up", detail: "extra part" },
    listener: { status: "up", detail: "listening on 127.0.0.1:3857" },
    archive_sink: { status: "disabled", detail: "not configured" },
    nats: { status: "up", detail: "JetStream ready" },
  },
};

export const healthyHealth: Health = {
  status: "ok",
  mode: "jetstream",
  parts: {
    listener: { status: "up", detail: "listening on 127.0.0.1:3857" },
    nats: { status: "up", detail: "JetStream ready" },
    duckdb: { status: "up", detail: "open" },
  },
};

export const engineInfo: EngineInfo = {
  version: "0.1.0",
  data_dir: "/home/user/.local/share/cartographus",
  listen: "127.0.0.1:3857",
  ws_listen: null,
};

export const runningSidecar: SidecarStatus = {
  pid: 1234,
  uptime_s: 312,
  restarts: 0,
  rss_bytes: 38 * 1024 * 1024,
  last_exit: null,
  version: "v2.12.8",
};

const noLatency = { count: 0, p50_ms: null, p95_ms: null, p99_ms: null, mean_ms: null };

/** What a freshly started engine reports beyond the headline figures: nothing happened yet. */
export const quietStatsDetails: Omit<Stats, "events_stored" | "dlq_size" | "stream" | "spool" | "sidecar"> = {
  dlq_by_kind: {},
  dlq_by_source: {},
  dlq_evicted: 0,
  dlq_expired: 0,
  duplicates_dropped: 0,
  duplicates_by_rule: {},
  writer: { stored: 0, duplicates: 0, redelivered: 0, naks: 0, dead_lettered: 0, batches: 0, store_cpu_us: 0 },
  ingest_rate: {},
  latency: { webhook_ack: noLatency, webhook_to_live: noLatency, webhook_to_stored: noLatency, writer_commit: noLatency },
  consumers: [],
  duckdb_file_bytes: 0,
  alerts: [],
};

/** JetStream mode with the engine's own sidecar: every figure present. */
export const jetstreamStats: Stats = {
  events_stored: 1_234_567,
  dlq_size: 3,
  dlq_by_kind: { rejected: 2, exhausted: 1 },
  dlq_by_source: { tautulli: 2, plex: 1 },
  dlq_evicted: 0,
  dlq_expired: 0,
  duplicates_dropped: 17,
  duplicates_by_rule: { cross_source: 12, session: 5 },
  writer: { stored: 1_234_567, duplicates: 17, redelivered: 2, naks: 1, dead_lettered: 1, batches: 4_321, store_cpu_us: 98_765_432 },
  ingest_rate: { tautulli: { last_second: 2, last_minute: 1.5 }, plex: { last_second: 0, last_minute: 0.25 } },
  latency: {
    webhook_ack: { count: 1_000, p50_ms: 2, p95_ms: 5, p99_ms: 10, mean_ms: 3 },
    webhook_to_live: { count: 1_000, p50_ms: 25, p95_ms: 50, p99_ms: 100, mean_ms: 30 },
    webhook_to_stored: { count: 1_000, p50_ms: 100, p95_ms: 250, p99_ms: 500, mean_ms: 150 },
    writer_commit: { count: 4_321, p50_ms: 10, p95_ms: 25, p99_ms: 50, mean_ms: 12 },
  },
  consumers: [
    { name: "persist", pending: 0, ack_pending: 0, redelivered: 0 },
    { name: "live", pending: 0, ack_pending: 0, redelivered: 0 },
  ],
  duckdb_file_bytes: 12 * 1024 * 1024,
  stream: {
    messages: 48_210,
    bytes: 9_876_543,
    first_seq: 1,
    last_seq: 48_210,
    max_bytes: 10 * 1024 * 1024 * 1024,
    max_age_s: 7 * 86_400,
    duplicate_window_s: 120,
  },
  spool: { pending: 0, bytes: 0 },
  sidecar: runningSidecar,
};

/** Direct mode: no stream, spool or sidecar, only what DuckDB knows. */
export const directStats: Stats = {
  ...quietStatsDetails,
  events_stored: 42,
  dlq_size: 0,
  stream: null,
  spool: null,
  sidecar: null,
};

/** Three samples 5 s apart of a JetStream engine taking Tautulli webhooks; no alerts. */
export const statsHistory: StatsHistoryView = {
  interval_s: 5,
  capacity: 180,
  samples: [0, 1, 2].map((i) => ({
    at: new Date(Date.UTC(2026, 10, 30, 12, 0, 5 * i)).toISOString(),
    ingest_per_s: { tautulli: i === 0 ? null : i * 2, plex: 0 },
    stored_per_s: i === 0 ? null : i * 2,
    stored_total: 1_000 + i * 10,
    spool_pending: 0,
    writer_pending: i,
    writer_ack_pending: 0,
    dlq_size: 3,
    stream_messages: 48_000 + i * 10,
    duckdb_file_bytes: 12 * 1024 * 1024,
    sidecar_restarts: 0,
    sidecar_rss_bytes: 40 * 1024 * 1024,
  })),
  alerts: [],
};

/** A Tautulli play of an episode, shaped like the engine's MediaEvent; override what a test needs. */
export function mediaEvent(overrides: Partial<MediaEvent> = {}): MediaEvent {
  const type = overrides.event_type ?? "start";
  return {
    event_id: "ev-1",
    event_type: type,
    source: "tautulli",
    origin: "webhook",
    server_id: "srv",
    server_name: "Basement",
    session_key: "311",
    correlation_key: `player-1|48213|${type}`,
    occurred_at: "2026-11-27T13:43:30Z",
    received_at: "2026-11-27T13:43:30.120Z",
    user_id: "9123456",
    username: "dana",
    media_type: "episode",
    title: "The Long Night Shift",
    parent_title: "Season 3",
    grandparent_title: "Harbor Lights",
    rating_key: "48213",
    year: 2021,
    duration_ms: 2_712_000,
    view_offset_ms: 0,
    player: "Living Room TV",
    platform: "Android",
    product: "Plex for Android (TV)",
    device: "Android TV",
    machine_id: "player-1",
    ip_address: "192.168.1.40",
    location: "lan",
    transcode_decision: "direct play",
    video_resolution: "1080",
    raw: {},
    ...overrides,
  };
}

/** A live session as the engine reports it; `session` fields and the rest can be overridden. */
export function liveSession(
  session: Partial<Session> = {},
  overrides: Partial<Omit<LiveSession, "session">> = {},
): LiveSession {
  return {
    session: {
      session_id: "s-ev-1",
      source: "tautulli",
      server_id: "srv",
      user_id: "9123456",
      username: "dana",
      rating_key: "48213",
      title: "The Long Night Shift",
      parent_title: "Season 3",
      grandparent_title: "Harbor Lights",
      media_type: "episode",
      player: "Living Room TV",
      machine_id: "player-1",
      platform: "Android",
      product: "Plex for Android (TV)",
      server_name: "Basement",
      state: "playing",
      started_at: "2026-11-27T13:43:30Z",
      stopped_at: null,
      paused_ms: 0,
      play_ms: 0,
      last_position_ms: 600_000,
      duration_ms: 2_712_000,
      percent_complete: 22,
      transcode_decision: "direct play",
      closed_by_timeout: false,
      closed_by: null,
      playback_key: "srv@player-1|48213",
      state_since: "2026-11-27T13:43:30Z",
      last_event_at: "2026-11-27T13:43:30Z",
      event_count: 1,
      ...session,
    },
    server_name: "Basement",
    position_ms: 600_000,
    as_of: "2026-11-27T13:43:31Z",
    ...overrides,
  };
}

/** A webhook body refused for invalid JSON, as the DLQ lists it. */
export function dlqEntry(overrides: Partial<DlqEntry> = {}): DlqEntry {
  return {
    id: "dlq-1",
    kind: "rejected",
    code: "invalid_json",
    source: "tautulli",
    subject: null,
    error: "invalid_json: the body is not valid JSON: EOF while parsing at line 1 column 20",
    attempts: [{ at: "2026-11-27T13:43:30Z", error: "invalid_json: the body is not valid JSON" }],
    first_failed_at: "2026-11-27T13:43:30Z",
    last_failed_at: "2026-11-27T13:43:30Z",
    payload: '{"event": "play", ',
    payload_encoding: "utf8",
    payload_bytes: 18,
    content_type: "application/json",
    headers: { "content-type": "application/json", "user-agent": "Tautulli/2.14" },
    event_id: null,
    ...overrides,
  };
}

export function jobStatus(overrides: Partial<JobStatus> = {}): JobStatus {
  return {
    id: "job-1",
    kind: "dlq_retry",
    state: "running",
    total: 2,
    done: 0,
    failed: 0,
    error: null,
    started_at: "2026-11-27T13:45:00Z",
    finished_at: null,
    rate: null,
    eta_seconds: null,
    outcome: null,
    ...overrides,
  };
}

/** A source that never connected and never sent anything. */
export const sourceNotSetUp: SourceSetup = { connected: false, url: null, notifier_id: null, last_event_at: null, last_test_at: null };

/**
 * The setup overview of a fresh install on a machine with one LAN address: nothing connected,
 * no event yet. `sources` overrides are merged per source.
 */
export function setupOverview(
  overrides: Partial<Omit<SetupOverview, "sources">> & { sources?: Partial<SetupOverview["sources"]> } = {},
): SetupOverview {
  const { sources, ...rest } = overrides;
  return {
    listen: "127.0.0.1:3857",
    listen_locked_by: null,
    lan_addresses: ["192.168.1.20"],
    webhook_urls: {
      tautulli: "http://127.0.0.1:3857/webhooks/tautulli?token=wh-secret",
      plex: "http://127.0.0.1:3857/webhooks/plex?token=wh-secret",
      jellyfin: "http://127.0.0.1:3857/webhooks/jellyfin?token=wh-secret",
      emby: "http://127.0.0.1:3857/webhooks/emby?token=wh-secret",
    },
    ...rest,
    sources: {
      tautulli: sourceNotSetUp,
      plex: sourceNotSetUp,
      jellyfin: sourceNotSetUp,
      emby: sourceNotSetUp,
      ...sources,
    },
  };
}
