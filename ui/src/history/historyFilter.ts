// The History view's state as URL parameters (deep links, the back button) and as the engine's
// SessionFilter: range, user, media type, stream decision, source, server, free text and sort.
import type { MediaType, SessionFilter, SessionSortKey, SortOrder, Source, StreamDecision } from "../backend/Backend";
import { isRangeId, resolveRange, type RangeId } from "../data/timeRange";

export const MEDIA_TYPES: ReadonlyArray<{ id: MediaType; label: string }> = [
  { id: "movie", label: "Movies" },
  { id: "episode", label: "Episodes" },
  { id: "track", label: "Music" },
  { id: "other", label: "Other" },
];

export const DECISIONS: ReadonlyArray<{ id: StreamDecision; label: string }> = [
  { id: "direct_play", label: "Direct play" },
  { id: "direct_stream", label: "Direct stream" },
  { id: "transcode", label: "Transcode" },
  { id: "unknown", label: "Unknown" },
];

export const SOURCES: ReadonlyArray<{ id: Source; label: string }> = [
  { id: "tautulli", label: "Tautulli" },
  { id: "plex", label: "Plex" },
  { id: "jellyfin", label: "Jellyfin" },
  { id: "emby", label: "Emby" },
];

const SORT_KEYS: ReadonlyArray<SessionSortKey> = [
  "started_at",
  "stopped_at",
  "user",
  "title",
  "player",
  "platform",
  "product",
  "source",
  "server",
  "duration",
  "paused",
  "percent",
  "decision",
];

export type HistoryState = {
  range: RangeId;
  from: string | null;
  to: string | null;
  user: string;
  mediaType: MediaType | null;
  decision: StreamDecision | null;
  source: Source | null;
  server: string;
  q: string;
  sort: SessionSortKey;
  order: SortOrder;
};

function oneOf<T extends string>(value: string | null, allowed: ReadonlyArray<{ id: T }> | ReadonlyArray<T>): T | null {
  if (value === null) return null;
  const ids = allowed.map((a) => (typeof a === "string" ? a : a.id));
  return (ids as string[]).includes(value) ? (value as T) : null;
}

/** What the URL says; anything unknown is left at its default. */
export function readHistoryState(params: URLSearchParams): HistoryState {
  const range = params.get("range");
  return {
    range: isRangeId(range) ? range : "all",
    from: params.get("from"),
    to: params.get("to"),
    user: params.get("user") ?? "",
    mediaType: oneOf(params.get("media_type"), MEDIA_TYPES),
    decision: oneOf(params.get("decision"), DECISIONS),
    source: oneOf(params.get("source"), SOURCES),
    server: params.get("server") ?? "",
    q: params.get("q") ?? "",
    sort: oneOf(params.get("sort"), SORT_KEYS) ?? "started_at",
    order: params.get("order") === "asc" ? "asc" : "desc",
  };
}

/** The URL parameters of a state, defaults left out so links stay short. */
export function writeHistoryState(state: HistoryState): URLSearchParams {
  const params = new URLSearchParams();
  const set = (name: string, value: string | null) => {
    if (value !== null && value !== "") params.set(name, value);
  };
  if (state.range !== "all") set("range", state.range);
  if (state.range === "custom") {
    set("from", state.from);
    set("to", state.to);
  }
  set("user", state.user.trim());
  set("media_type", state.mediaType);
  set("decision", state.decision);
  set("source", state.source);
  set("server", state.server.trim());
  set("q", state.q.trim());
  if (state.sort !== "started_at") set("sort", state.sort);
  if (state.order !== "desc") set("order", state.order);
  return params;
}

/** The engine's filter for a state at `now` (presets are relative to it). */
export function toSessionFilter(state: HistoryState, now: Date): SessionFilter {
  const { since, until } = resolveRange(state.range, state.from, state.to, now);
  const text = (value: string) => (value.trim() === "" ? null : value.trim());
  return {
    since,
    until,
    user: text(state.user),
    media_type: state.mediaType,
    decision: state.decision,
    source: state.source,
    server: text(state.server),
    q: text(state.q),
    sort: state.sort,
    order: state.order,
  };
}
