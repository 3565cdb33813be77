// The four dedup rules as people read them (a name and a one-line meaning, from
// docs/architecture.md "Dedup rules"), and the Duplicates view's rule filter as a URL parameter.
import type { DedupRule } from "../backend/Backend";

export const RULES: ReadonlyArray<{ id: DedupRule; label: string; meaning: string }> = [
  { id: "event_id", label: "Same event", meaning: "The same event id arrived again in another delivery (a resent webhook)." },
  {
    id: "session",
    label: "Same session moment",
    meaning: "The same source reported the same start, stop or watched of one session again within 10 minutes.",
  },
  {
    id: "cross_source",
    label: "Another source",
    meaning: "Another source reported the same moment of the same playback (e.g. Tautulli and Plex).",
  },
  {
    id: "cross_origin",
    label: "Another way in",
    meaning: "The same source reported it again by another way (webhook, history import or activity poll).",
  },
];

export function ruleLabel(rule: string): string {
  return RULES.find((r) => r.id === rule)?.label ?? rule;
}

export function ruleMeaning(rule: string): string {
  return RULES.find((r) => r.id === rule)?.meaning ?? "A rule this version of the app does not know.";
}

/** `?rule=session` → "session"; anything unknown is no filter. */
export function readRule(params: URLSearchParams): DedupRule | null {
  const value = params.get("rule");
  return RULES.some((r) => r.id === value) ? (value as DedupRule) : null;
}

export function writeRule(rule: DedupRule | null): URLSearchParams {
  const params = new URLSearchParams();
  if (rule !== null) params.set("rule", rule);
  return params;
}
