// Sample payloads shaped exactly like the engine's, shared by the unit tests.
import type { EngineInfo, Health, SidecarStatus, Stats } from "../backend/Backend";

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
};

export const runningSidecar: SidecarStatus = {
  pid: 1234,
  uptime_s: 312,
  restarts: 0,
  rss_bytes: 38 * 1024 * 1024,
  last_exit: null,
};

const noLatency = { count: null, p50_ms: null, p99_ms: null, mean_ms: null };

/** What a freshly started engine reports beyond the headline figures: nothing happened yet. */
export const quietStatsDetails: Omit<Stats, "events_stored" | "dlq_size" | "stream" | "spool" | "sidecar"> = {
  dlq_by_kind: {},
  duplicates_dropped: 0,
  writer: { stored: 0, duplicates: 0, redelivered: 0, naks: 0, dead_lettered: 0, batches: 0 },
  ingest_rate: {},
  latency: { webhook_ack: noLatency, webhook_to_live: noLatency, webhook_to_stored: noLatency },
  consumers: [],
  duckdb_file_bytes: null,
};

/** JetStream mode with the engine's own sidecar: every figure present. */
export const jetstreamStats: Stats = {
  events_stored: 1_234_567,
  dlq_size: 3,
  dlq_by_kind: { rejected: 2, exhausted: 1 },
  duplicates_dropped: 17,
  writer: { stored: 1_234_567, duplicates: 17, redelivered: 2, naks: 1, dead_lettered: 1, batches: 4_321 },
  ingest_rate: { tautulli: { last_second: 2, last_minute: 1.5 }, plex: { last_second: 0, last_minute: 0.25 } },
  latency: {
    webhook_ack: { count: 1_000, p50_ms: 2, p99_ms: 10, mean_ms: 3 },
    webhook_to_live: { count: 1_000, p50_ms: 25, p99_ms: 100, mean_ms: 30 },
    webhook_to_stored: { count: 1_000, p50_ms: 100, p99_ms: 500, mean_ms: 150 },
  },
  consumers: [
    { name: "persist", pending: 0, ack_pending: 0, redelivered: 0 },
    { name: "live", pending: 0, ack_pending: null, redelivered: null },
  ],
  duckdb_file_bytes: 12 * 1024 * 1024,
  stream: { messages: 48_210, bytes: 9_876_543, first_seq: 1, last_seq: 48_210 },
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
