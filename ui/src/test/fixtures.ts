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

/** JetStream mode with the engine's own sidecar: every figure present. */
export const jetstreamStats: Stats = {
  events_stored: 1_234_567,
  dlq_size: 3,
  stream: { messages: 48_210, bytes: 9_876_543, first_seq: 1, last_seq: 48_210 },
  spool: { pending: 0, bytes: 0 },
  sidecar: runningSidecar,
};

/** Direct mode: no stream, spool or sidecar, only what DuckDB knows. */
export const directStats: Stats = {
  events_stored: 42,
  dlq_size: 0,
  stream: null,
  spool: null,
  sidecar: null,
};
