// Runtime check of Stats bodies that arrive as untyped JSON, so a wrong answer surfaces as a
// readable error instead of a crash deep inside a component. Every figure may be null.
import type { Stats } from "./Backend";

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
    isSidecarOrNull(candidate.sidecar)
  );
}
