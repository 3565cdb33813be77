// The live reducer: snapshots, batches of messages applied in order, removal on stop, the
// newer report winning around a resync, and positions extrapolated between reports.
import { describe, expect, it } from "vitest";
import type { LiveBatch, LiveMessage, LiveSession } from "../backend/Backend";
import { healthyHealth, jetstreamStats, liveSession, mediaEvent } from "../test/fixtures";
import {
  applyBatch,
  initialLiveState,
  positionAt,
  progressAt,
  RECENT_EVENTS_KEPT,
  snapshotOf,
  type LiveEntry,
  type LiveState,
} from "./liveState";

const T0 = Date.parse("2026-11-27T13:43:31Z");

function snapshot(sessions: LiveSession[], events = [mediaEvent()]): LiveBatch {
  return { kind: "snapshot", snapshot: { sessions, recent_events: events } };
}

function messages(...list: LiveMessage[]): LiveBatch {
  return { kind: "messages", messages: list };
}

function sessionIds(state: LiveState): string[] {
  return state.sessions.map((entry) => entry.live.session.session_id);
}

function eventIds(state: LiveState): string[] {
  return state.recentEvents.map((event) => event.event_id);
}

describe("applyBatch", () => {
  it("starts unsynced, and a snapshot replaces sessions and events and marks it synced", () => {
    expect(initialLiveState.synced).toBe(false);
    const state = applyBatch(initialLiveState, snapshot([liveSession()], [mediaEvent()]), T0);

    expect(state.synced).toBe(true);
    expect(sessionIds(state)).toEqual(["s-ev-1"]);
    expect(state.sessions[0]?.receivedAtMs).toBe(T0);
    expect(eventIds(state)).toEqual(["ev-1"]);
  });

  it("orders sessions most recently started first and leaves out stopped ones", () => {
    const state = applyBatch(
      initialLiveState,
      snapshot([
        liveSession({ session_id: "old", started_at: "2026-11-27T10:00:00Z" }),
        liveSession({ session_id: "new", started_at: "2026-11-27T12:00:00Z" }),
        liveSession({ session_id: "gone", state: "stopped" }),
      ]),
      T0,
    );

    expect(sessionIds(state)).toEqual(["new", "old"]);
  });

  it("prepends events newest first, each once, keeping the last 50", () => {
    let state = applyBatch(initialLiveState, snapshot([], [mediaEvent({ event_id: "a" })]), T0);
    state = applyBatch(
      state,
      messages(
        { type: "event", data: mediaEvent({ event_id: "b" }) },
        { type: "event", data: mediaEvent({ event_id: "c" }) },
        { type: "event", data: mediaEvent({ event_id: "b" }) },
      ),
      T0,
    );
    expect(eventIds(state)).toEqual(["c", "b", "a"]);

    const many = Array.from({ length: 60 }, (_, i): LiveMessage => ({
      type: "event",
      data: mediaEvent({ event_id: `n${i}` }),
    }));
    state = applyBatch(state, messages(...many), T0);
    expect(state.recentEvents).toHaveLength(RECENT_EVENTS_KEPT);
    expect(state.recentEvents[0]?.event_id).toBe("n59");
    expect(state.recentEvents.at(-1)?.event_id).toBe("n10");
  });

  it("adds a new session, updates it in place, and removes it when it stops", () => {
    let state = applyBatch(initialLiveState, snapshot([]), T0);
    state = applyBatch(state, messages({ type: "session", data: liveSession() }), T0 + 100);
    expect(sessionIds(state)).toEqual(["s-ev-1"]);
    expect(state.sessions[0]?.receivedAtMs).toBe(T0 + 100);

    const paused = liveSession({ state: "paused", last_position_ms: 620_000 }, { position_ms: 620_000, as_of: "2026-11-27T13:43:40Z" });
    state = applyBatch(state, messages({ type: "session", data: paused }), T0 + 9_000);
    expect(state.sessions).toHaveLength(1);
    expect(state.sessions[0]?.live.session.state).toBe("paused");
    expect(state.sessions[0]?.live.position_ms).toBe(620_000);

    const stopped = liveSession({ state: "stopped" }, { as_of: "2026-11-27T13:44:00Z" });
    state = applyBatch(state, messages({ type: "session", data: stopped }), T0 + 29_000);
    expect(state.sessions).toEqual([]);
  });

  it("applies a batch's messages in order: a session started and stopped in one batch is gone", () => {
    const state = applyBatch(
      applyBatch(initialLiveState, snapshot([]), T0),
      messages(
        { type: "session", data: liveSession() },
        { type: "event", data: mediaEvent({ event_id: "stop-1", event_type: "stop" }) },
        { type: "session", data: liveSession({ state: "stopped" }, { as_of: "2026-11-27T13:45:00Z" }) },
      ),
      T0,
    );

    expect(state.sessions).toEqual([]);
    expect(eventIds(state)).toEqual(["stop-1", "ev-1"]);
  });

  it("ignores a session report older than the one shown (a backlog replayed after a resync)", () => {
    const newer = liveSession({ state: "paused" }, { as_of: "2026-11-27T13:50:00Z" });
    const older = liveSession({ state: "playing" }, { as_of: "2026-11-27T13:49:00Z" });
    let state = applyBatch(initialLiveState, snapshot([newer]), T0);

    state = applyBatch(state, messages({ type: "session", data: older }), T0 + 10);
    expect(state.sessions[0]?.live.session.state).toBe("paused");
    expect(state.sessions[0]?.receivedAtMs).toBe(T0);

    // An old stop for a session shown since does not remove it either.
    state = applyBatch(state, messages({ type: "session", data: { ...older, session: { ...older.session, state: "stopped" } } }), T0);
    expect(sessionIds(state)).toEqual(["s-ev-1"]);
  });

  it("resyncs on a later snapshot: sessions it lacks disappear, its events replace the list", () => {
    let state = applyBatch(initialLiveState, snapshot([liveSession({ session_id: "a" }), liveSession({ session_id: "b" })]), T0);
    state = applyBatch(state, messages({ type: "event", data: mediaEvent({ event_id: "x" }) }), T0);

    state = applyBatch(state, snapshot([liveSession({ session_id: "b" })], [mediaEvent({ event_id: "y" })]), T0 + 5_000);

    expect(sessionIds(state)).toEqual(["b"]);
    expect(state.sessions[0]?.receivedAtMs).toBe(T0 + 5_000);
    expect(eventIds(state)).toEqual(["y"]);
  });

  it("keeps the latest stats and health from the feed, across snapshots", () => {
    let state = applyBatch(
      initialLiveState,
      messages({ type: "stats", data: jetstreamStats }, { type: "health", data: healthyHealth }),
      T0,
    );
    state = applyBatch(state, snapshot([]), T0);

    expect(state.stats).toBe(jetstreamStats);
    expect(state.health).toBe(healthyHealth);
  });

  it("leaves the state alone for message types it does not know", () => {
    const state = applyBatch(initialLiveState, snapshot([]), T0);
    const unknown = { type: "weather", data: {} } as unknown as LiveMessage;

    expect(applyBatch(state, messages(unknown), T0)).toEqual(state);
  });
});

describe("positions", () => {
  function entry(session: Parameters<typeof liveSession>[0], position: number | null = 600_000): LiveEntry {
    return { live: liveSession(session, { position_ms: position }), receivedAtMs: T0 };
  }

  it("moves a playing session on by the time since its report", () => {
    expect(positionAt(entry({}), T0)).toBe(600_000);
    expect(positionAt(entry({}), T0 + 12_500)).toBe(612_500);
    expect(progressAt(entry({}), T0 + 12_500)).toBeCloseTo(612_500 / 2_712_000);
  });

  it("holds a paused or buffering session where it was reported", () => {
    expect(positionAt(entry({ state: "paused" }), T0 + 60_000)).toBe(600_000);
    expect(positionAt(entry({ state: "buffering" }), T0 + 60_000)).toBe(600_000);
  });

  it("never runs past the end, nor backwards when the clock does", () => {
    expect(positionAt(entry({ duration_ms: 610_000 }), T0 + 60_000)).toBe(610_000);
    expect(progressAt(entry({ duration_ms: 610_000 }), T0 + 60_000)).toBe(1);
    expect(positionAt(entry({}), T0 - 5_000)).toBe(600_000);
  });

  it("has no position or progress without a reported position, and no progress without a duration", () => {
    expect(positionAt(entry({}, null), T0)).toBeNull();
    expect(progressAt(entry({}, null), T0)).toBeNull();
    expect(positionAt(entry({ duration_ms: null }), T0 + 1_000)).toBe(601_000);
    expect(progressAt(entry({ duration_ms: null }), T0)).toBeNull();
  });

  it("hands a late subscriber a snapshot with positions brought forward to now", () => {
    const state = applyBatch(
      initialLiveState,
      snapshot([liveSession({ session_id: "p" }), liveSession({ session_id: "q", state: "paused" })]),
      T0,
    );

    const late = snapshotOf(state, T0 + 3_000);

    expect(late.sessions.map((live) => [live.session.session_id, live.position_ms])).toEqual([
      ["p", 603_000],
      ["q", 600_000],
    ]);
    expect(late.recent_events).toEqual(state.recentEvents);
  });
});
