// Runtime check of Stats bodies that arrive as untyped JSON, so a wrong answer surfaces as a
// readable error instead of a crash deep inside a component. Every figure may be null.
import type { PipelineAlert, Stats, StatsHistoryView } from "./Backend";

function isNumberOrNull(value: unknown): boolean {
  return value === null || (typeof value === "number" && Number.isFinite(value));
}

/** A nested object whose listed fields are all number | null, or null itself. */
function isFiguresOrNull(value: unknown, fields: readonly string[]): boolean {
  if (value === null) return true;
  if (typeof value !== "object") return false;
  const candidate = value as Record<string, unknown>;
  return fields.every((field) => isNumberOrNull(candidate[field]));
}

function isSidecarOrNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== "object") return false;
  const candidate = value as Record<string, unknown>;
  return (
    isNumberOrNull(candidate.pid) &&
    isNumberOrNull(candidate.uptime_s) &&
    typeof candidate.restarts === "number" &&
    isNumberOrNull(candidate.rss_bytes) &&
    (candidate.last_exit === null || typeof candidate.last_exit === "string")
  );
}

/** An object (a map keyed by kind or source) whose every value passes `check`. */
function isMapOf(value: unknown, check: (entry: unknown) => boolean): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(check);
}

const LATENCY_FIELDS = ["count", "p50_ms", "p99_ms", "mean_ms"] as const;

function isLatencies(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return ["webhook_ack", "webhook_to_live", "webhook_to_stored"].every(
    (name) => candidate[name] !== null && isFiguresOrNull(candidate[name], LATENCY_FIELDS),
  );
}

export function isStats(value: unknown): value is Stats {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    isNumberOrNull(candidate.events_stored) &&
    isNumberOrNull(candidate.dlq_size) &&
    isNumberOrNull(candidate.duplicates_dropped) &&
    isNumberOrNull(candidate.duckdb_file_bytes) &&
    isMapOf(candidate.dlq_by_kind, isNumberOrNull) &&
    isMapOf(candidate.ingest_rate, (rate) => rate !== null && isFiguresOrNull(rate, ["last_second", "last_minute"])) &&
    isLatencies(candidate.latency) &&
    Array.isArray(candidate.consumers) &&
    candidate.writer !== null &&
    isFiguresOrNull(candidate.writer, ["stored", "duplicates", "redelivered", "naks", "dead_lettered", "batches"]) &&
    isFiguresOrNull(candidate.stream, ["messages", "bytes", "first_seq", "last_seq"]) &&
    isFiguresOrNull(candidate.spool, ["pending", "bytes"]) &&
    isSidecarOrNull(candidate.sidecar) &&
    (candidate.alerts === undefined || isAlerts(candidate.alerts))
  );
}

function isAlerts(value: unknown): value is PipelineAlert[] {
  return (
    Array.isArray(value) &&
    value.every((alert: unknown) => {
      if (typeof alert !== "object" || alert === null) return false;
      const a = alert as Record<string, unknown>;
      return (
        typeof a.kind === "string" &&
        (a.severity === "warning" || a.severity === "critical") &&
        typeof a.cause === "string" &&
        typeof a.action === "string" &&
        typeof a.since === "string"
      );
    })
  );
}

const SAMPLE_FIGURES = [
  "stored_per_s",
  "stored_total",
  "spool_pending",
  "writer_pending",
  "writer_ack_pending",
  "dlq_size",
  "stream_messages",
  "duckdb_file_bytes",
  "sidecar_restarts",
  "sidecar_rss_bytes",
] as const;

/** `GET /api/v1/stats/history`: every sample's figures numbers (or null), its alerts readable. */
export function isStatsHistory(value: unknown): value is StatsHistoryView {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.interval_s === "number" &&
    candidate.interval_s > 0 &&
    typeof candidate.capacity === "number" &&
    Array.isArray(candidate.samples) &&
    candidate.samples.every(
      (sample: unknown) =>
        typeof sample === "object" &&
        sample !== null &&
        typeof (sample as Record<string, unknown>).at === "string" &&
        isMapOf((sample as Record<string, unknown>).ingest_per_s, isNumberOrNull) &&
        isFiguresOrNull(sample, SAMPLE_FIGURES),
    ) &&
    isAlerts(candidate.alerts)
  );
}
