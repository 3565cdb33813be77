// Sample payloads shaped exactly like the engine's, shared by the unit tests.
import type { EngineInfo, Health } from "../backend/Backend";

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
