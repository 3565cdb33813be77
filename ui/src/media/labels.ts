// Names shown for the engine's enums: sources, event types, session states, dead-letter kinds.
import type { DlqKind, EventType, SessionState, Source } from "../backend/Backend";

const SOURCE_NAMES: Readonly<Record<Source, string>> = {
  tautulli: "Tautulli",
  plex: "Plex",
  jellyfin: "Jellyfin",
  emby: "Emby",
};

export const SOURCES = Object.keys(SOURCE_NAMES) as Source[];

export function sourceName(source: string): string {
  return SOURCE_NAMES[source as Source] ?? source;
}

const EVENT_TYPE_NAMES: Readonly<Record<EventType, string>> = {
  start: "Started",
  stop: "Stopped",
  pause: "Paused",
  resume: "Resumed",
  progress: "Progress",
  watched: "Watched",
  buffer: "Buffering",
  error: "Error",
};

export function eventTypeName(type: string): string {
  return EVENT_TYPE_NAMES[type as EventType] ?? type;
}

const STATE_NAMES: Readonly<Record<SessionState, string>> = {
  playing: "Playing",
  paused: "Paused",
  buffering: "Buffering",
  stopped: "Stopped",
};

export function sessionStateName(state: string): string {
  return STATE_NAMES[state as SessionState] ?? state;
}

const KIND_NAMES: Readonly<Record<DlqKind, { name: string; meaning: string }>> = {
  rejected: { name: "Rejected", meaning: "Refused at the webhook: the body never became an event." },
  permanent: { name: "Permanent", meaning: "Became an event that cannot be stored as it is." },
  exhausted: { name: "Exhausted", meaning: "Storing failed on every delivery." },
};

export const DLQ_KINDS = Object.keys(KIND_NAMES) as DlqKind[];

export function dlqKindName(kind: string): string {
  return KIND_NAMES[kind as DlqKind]?.name ?? kind;
}

export function dlqKindMeaning(kind: string): string {
  return KIND_NAMES[kind as DlqKind]?.meaning ?? "";
}

/** "direct play" → "Direct play"; null → null. */
export function transcodeName(decision: string | null): string | null {
  if (decision === null || decision.trim() === "") return null;
  const text = decision.trim();
  return text[0]!.toUpperCase() + text.slice(1);
}
