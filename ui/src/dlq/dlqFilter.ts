// The dead-letter filter as the form holds it (empty strings for "any") and as the engine takes it.
import type { DlqFilter, DlqKind, Source } from "../backend/Backend";

/** How far back the list reaches, by the entries' last failure. */
export type DlqRange = "" | "1h" | "24h" | "7d";

export const DLQ_RANGES: readonly { value: DlqRange; label: string; ms: number }[] = [
  { value: "1h", label: "Last hour", ms: 3_600_000 },
  { value: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
];

export type DlqFilterForm = {
  source: Source | "";
  kind: DlqKind | "";
  /** The stable code of the last error (`invalid_json`, `store_failed`, …). */
  code: string;
  range: DlqRange;
  /** Text in the error or the payload. */
  q: string;
};

export const EMPTY_FILTER: DlqFilterForm = { source: "", kind: "", code: "", range: "", q: "" };

/** Only the fields that narrow anything; an empty form matches every entry. A range counts back from `now`. */
export function toDlqFilter(form: DlqFilterForm, now: number = Date.now()): DlqFilter {
  const filter: DlqFilter = {};
  if (form.source !== "") filter.source = form.source;
  if (form.kind !== "") filter.kind = form.kind;
  const code = form.code.trim();
  if (code !== "") filter.code = code;
  const range = DLQ_RANGES.find((r) => r.value === form.range);
  if (range !== undefined) filter.since = new Date(now - range.ms).toISOString();
  const text = form.q.trim();
  if (text !== "") filter.q = text;
  return filter;
}

export function isFiltered(form: DlqFilterForm): boolean {
  return Object.keys(toDlqFilter(form)).length > 0;
}
