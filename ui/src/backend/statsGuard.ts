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

export function isStats(value: unknown): value is Stats {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    isNumberOrNull(candidate.events_stored) &&
    isNumberOrNull(candidate.dlq_size) &&
    isFiguresOrNull(candidate.stream, ["messages", "bytes", "first_seq", "last_seq"]) &&
    isFiguresOrNull(candidate.spool, ["pending", "bytes"]) &&
    isSidecarOrNull(candidate.sidecar)
  );
}
