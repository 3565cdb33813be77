// The dead-letter filter as the form holds it (empty strings for "any") and as the engine takes it.
import type { DlqFilter, DlqKind, Source } from "../backend/Backend";

export type DlqFilterForm = {
  source: Source | "";
  kind: DlqKind | "";
  /** Text in the error or the payload. */
  q: string;
};

export const EMPTY_FILTER: DlqFilterForm = { source: "", kind: "", q: "" };

/** Only the fields that narrow anything; an empty form matches every entry. */
export function toDlqFilter(form: DlqFilterForm): DlqFilter {
  const filter: DlqFilter = {};
  if (form.source !== "") filter.source = form.source;
  if (form.kind !== "") filter.kind = form.kind;
  const text = form.q.trim();
  if (text !== "") filter.q = text;
  return filter;
}

export function isFiltered(form: DlqFilterForm): boolean {
  return Object.keys(toDlqFilter(form)).length > 0;
}
