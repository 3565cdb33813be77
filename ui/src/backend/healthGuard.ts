// Runtime check of Health payloads that arrive as untyped JSON (HTTP bodies, WebSocket frames),
// so a wrong answer surfaces as a readable error instead of a crash deep inside a component.
import type { Health } from "./Backend";

const OVERALL_STATUSES: ReadonlySet<string> = new Set(["ok", "degraded", "down"]);

export function isHealth(value: unknown): value is Health {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.status === "string" &&
    OVERALL_STATUSES.has(candidate.status) &&
    typeof candidate.mode === "string" &&
    typeof candidate.parts === "object" &&
    candidate.parts !== null
  );
}
