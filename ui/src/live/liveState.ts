// The live view's state and the one reducer that folds the engine's batches into it, shared by
// the views (useLive) and the backends (to hand a late subscriber the state so far). Pure: the
// caller passes the time, so tests control the clock.
import type { Health, LiveBatch, LiveMessage, LiveSession, LiveSnapshot, MediaEvent, Stats } from "../backend/Backend";

/** Recent events kept, as many as the engine's snapshot holds. */
export const RECENT_EVENTS_KEPT = 50;

/** A live session and when this UI learned its position (local clock, ms since the epoch). */
export type LiveEntry = {
  live: LiveSession;
  /**
   * Local time at which `live.position_ms` held. Extrapolation counts from here rather than
   * from `as_of`, which is the engine's clock: the two clocks need not agree (a remote server).
   */
  receivedAtMs: number;
};

export type LiveState = {
  /** False until the first snapshot: nothing to show yet, as opposed to "nobody watching". */
  synced: boolean;
  /** Open sessions, most recently started first. */
  sessions: LiveEntry[];
  /** Newest first, at most RECENT_EVENTS_KEPT, each event once. */
  recentEvents: MediaEvent[];
  /** Latest figures pushed on the live feed (the engine sends them every second). */
  stats: Stats | null;
  health: Health | null;
};

export const initialLiveState: LiveState = {
  synced: false,
  sessions: [],
  recentEvents: [],
  stats: null,
  health: null,
};

export function applyBatch(state: LiveState, batch: LiveBatch, nowMs: number): LiveState {
  if (batch.kind === "snapshot") return applySnapshot(state, batch.snapshot, nowMs);
  return batch.messages.reduce((current, message) => applyMessage(current, message, nowMs), state);
}

/** Replaces sessions and events wholesale (a first view, or a resync); figures stay until the next ones. */
function applySnapshot(state: LiveState, snapshot: LiveSnapshot, nowMs: number): LiveState {
  const sessions = snapshot.sessions
    .filter((live) => live.session.state !== "stopped")
    .map((live) => ({ live, receivedAtMs: nowMs }));
  return {
    ...state,
    synced: true,
    sessions: sortSessions(sessions),
    recentEvents: uniqueEvents(snapshot.recent_events).slice(0, RECENT_EVENTS_KEPT),
  };
}

export function applyMessage(state: LiveState, message: LiveMessage, nowMs: number): LiveState {
  switch (message.type) {
    case "event":
      return addEvent(state, message.data);
    case "session":
      return upsertSession(state, message.data, nowMs);
    case "stats":
      return { ...state, stats: message.data };
    case "health":
      return { ...state, health: message.data };
    default:
      // A message type newer than this UI: nothing to show for it.
      return state;
  }
}

function addEvent(state: LiveState, event: MediaEvent): LiveState {
  // The same event can reach us twice around a resync (in the snapshot and in the backlog).
  if (state.recentEvents.some((known) => known.event_id === event.event_id)) return state;
  return { ...state, recentEvents: [event, ...state.recentEvents].slice(0, RECENT_EVENTS_KEPT) };
}

function upsertSession(state: LiveState, live: LiveSession, nowMs: number): LiveState {
  const id = live.session.session_id;
  const index = state.sessions.findIndex((entry) => entry.live.session.session_id === id);
  const known = index === -1 ? undefined : state.sessions[index];
  // Around a resync, a message can be older than the snapshot that already covers it: the
  // engine stamps each with its own clock, so the newer `as_of` wins.
  if (known !== undefined && timeOf(known.live.as_of) > timeOf(live.as_of)) return state;

  const others = state.sessions.filter((_, position) => position !== index);
  if (live.session.state === "stopped") {
    return known === undefined ? state : { ...state, sessions: others };
  }
  return { ...state, sessions: sortSessions([...others, { live, receivedAtMs: nowMs }]) };
}

function timeOf(iso: string): number {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? 0 : time;
}

function sortSessions(entries: LiveEntry[]): LiveEntry[] {
  return entries.sort((a, b) => {
    const byStart = timeOf(b.live.session.started_at) - timeOf(a.live.session.started_at);
    if (byStart !== 0) return byStart;
    const [idA, idB] = [a.live.session.session_id, b.live.session.session_id];
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  });
}

function uniqueEvents(events: MediaEvent[]): MediaEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    if (seen.has(event.event_id)) return false;
    seen.add(event.event_id);
    return true;
  });
}

/**
 * Where playback is at `nowMs`: the reported position plus the time since it was reported
 * while playing (paused and buffering playback stands still), never past the end.
 */
export function positionAt(entry: LiveEntry, nowMs: number): number | null {
  const { position_ms: position, session } = entry.live;
  if (position === null) return null;
  const elapsed = session.state === "playing" ? Math.max(0, nowMs - entry.receivedAtMs) : 0;
  const extrapolated = position + elapsed;
  const duration = session.duration_ms;
  return duration !== null && duration > 0 ? Math.min(extrapolated, duration) : extrapolated;
}

/** Share of the item played at `nowMs`, 0–1; null without a position or a duration. */
export function progressAt(entry: LiveEntry, nowMs: number): number | null {
  const position = positionAt(entry, nowMs);
  const duration = entry.live.session.duration_ms;
  if (position === null || duration === null || duration <= 0) return null;
  return Math.min(1, Math.max(0, position / duration));
}

/**
 * The state as a snapshot for a subscriber joining late, positions brought forward to `nowMs`
 * (that subscriber will count from when it receives them).
 */
export function snapshotOf(state: LiveState, nowMs: number): LiveSnapshot {
  return {
    sessions: state.sessions.map((entry) => ({ ...entry.live, position_ms: positionAt(entry, nowMs) })),
    recent_events: state.recentEvents,
  };
}
