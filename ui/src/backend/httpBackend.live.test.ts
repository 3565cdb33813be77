// The browser host's live view: the first view over HTTP, then the shared WebSocket's messages
// in batches, and a resync whenever the socket comes back (also after a 1008 "too slow" close).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveBatch } from "./Backend";
import { createHttpBackend, type HttpBackendOptions } from "./httpBackend";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { healthyHealth, jetstreamStats, liveSession, mediaEvent } from "../test/fixtures";

const ORIGIN = "http://127.0.0.1:3857";

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** Answers by path: the live sessions and the events the test sets, health otherwise. */
function engine() {
  const state = {
    sessions: [liveSession()],
    events: [mediaEvent()],
    eventsFail: false,
    sessionsFail: false,
  };
  const fetchMock = vi.fn<typeof fetch>(async (input) => {
    const url = new URL(String(input));
    if (url.pathname === "/api/v1/sessions/live") {
      return state.sessionsFail
        ? jsonResponse({ error: { code: "unavailable", message: "the engine is stopping" } }, 503)
        : jsonResponse(state.sessions);
    }
    if (url.pathname === "/api/v1/events") {
      return state.eventsFail
        ? jsonResponse({ error: { code: "store_failed", message: "database is locked" } }, 503)
        : jsonResponse({ items: state.events, next_cursor: null });
    }
    return jsonResponse(healthyHealth);
  });
  const calls = (path: string) => fetchMock.mock.calls.filter(([input]) => new URL(String(input)).pathname === path);
  return { state, fetchMock, calls };
}

function backendWith(fetchMock: typeof fetch, options: Partial<HttpBackendOptions> = {}) {
  return createHttpBackend({ origin: ORIGIN, token: "secret-token", fetch: fetchMock, WebSocket: FakeWebSocket, ...options });
}

function batchesOf(onBatch: ReturnType<typeof vi.fn>): LiveBatch[] {
  return onBatch.mock.calls.map(([batch]) => batch as LiveBatch);
}

beforeEach(() => {
  FakeWebSocket.reset();
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("httpBackend live view", () => {
  it("shares one socket with live health", () => {
    const { fetchMock } = engine();
    const backend = backendWith(fetchMock);
    const stopHealth = backend.onHealth(() => {});
    const stopLive = backend.subscribeLive(() => {});

    expect(FakeWebSocket.instances).toHaveLength(1);
    stopLive();
    expect(FakeWebSocket.latest().closedByClient).toBe(false);
    stopHealth();
    expect(FakeWebSocket.latest().closedByClient).toBe(true);
  });

  it("asks for the first view once the engine speaks, with the token, then delivers it as a snapshot", async () => {
    const { fetchMock, calls } = engine();
    const backend = backendWith(fetchMock);
    const onBatch = vi.fn();
    backend.subscribeLive(onBatch);
    const socket = FakeWebSocket.latest();
    socket.simulateOpen();
    await vi.advanceTimersByTimeAsync(0);
    // Not before the first message: until then the engine may not have subscribed the socket.
    expect(calls("/api/v1/sessions/live")).toHaveLength(0);

    socket.simulateMessage({ type: "health", data: healthyHealth });
    await vi.advanceTimersByTimeAsync(0);

    const [[sessionsUrl, sessionsInit]] = calls("/api/v1/sessions/live") as [[string, RequestInit]];
    expect(sessionsUrl).toBe(`${ORIGIN}/api/v1/sessions/live`);
    expect(new Headers(sessionsInit.headers).get("Authorization")).toBe("Bearer secret-token");
    expect(calls("/api/v1/events")[0]?.[0]).toBe(`${ORIGIN}/api/v1/events?limit=50`);
    expect(batchesOf(onBatch)).toEqual([
      { kind: "snapshot", snapshot: { sessions: [liveSession()], recent_events: [mediaEvent()] } },
      { kind: "messages", messages: [{ type: "health", data: healthyHealth }] },
    ]);
  });

  it("keeps what arrives while the first view is on its way for after it", async () => {
    const { fetchMock } = engine();
    let answer: (response: Response) => void = () => {};
    const slow = vi.fn<typeof fetch>(async (input, init) =>
      new URL(String(input)).pathname === "/api/v1/sessions/live"
        ? new Promise<Response>((resolve) => {
            answer = resolve;
          })
        : fetchMock(input, init),
    );
    const backend = backendWith(slow);
    const onBatch = vi.fn();
    backend.subscribeLive(onBatch);
    const socket = FakeWebSocket.latest();
    socket.simulateOpen();
    socket.simulateMessage({ type: "health", data: healthyHealth });
    const later = mediaEvent({ event_id: "ev-later" });
    socket.simulateMessage({ type: "event", data: later });
    await vi.advanceTimersByTimeAsync(100);
    expect(onBatch).not.toHaveBeenCalled();

    answer(jsonResponse([liveSession()]));
    await vi.advanceTimersByTimeAsync(0);

    expect(batchesOf(onBatch).map((batch) => batch.kind)).toEqual(["snapshot", "messages"]);
    expect(batchesOf(onBatch)[1]).toEqual({
      kind: "messages",
      messages: [
        { type: "health", data: healthyHealth },
        { type: "event", data: later },
      ],
    });
  });

  it("gathers later messages into one batch per 25 ms and drops what is not a live message", async () => {
    const { fetchMock } = engine();
    const backend = backendWith(fetchMock);
    const onBatch = vi.fn();
    backend.subscribeLive(onBatch);
    const socket = FakeWebSocket.latest();
    socket.simulateOpen();
    socket.simulateMessage({ type: "health", data: healthyHealth });
    await vi.advanceTimersByTimeAsync(0);
    onBatch.mockClear();

    const session = liveSession({ state: "paused" }, { as_of: "2026-11-27T13:44:00Z" });
    socket.simulateMessage({ type: "event", data: mediaEvent({ event_id: "ev-2", event_type: "pause" }) });
    socket.simulateMessage({ type: "session", data: session });
    socket.simulateMessage("not json");
    socket.simulateMessage({ type: "session", data: null });
    socket.simulateMessage({ type: "gossip", data: {} });
    socket.simulateMessage({ type: "stats", data: jetstreamStats });
    await vi.advanceTimersByTimeAsync(24);
    expect(onBatch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);

    expect(batchesOf(onBatch)).toEqual([
      {
        kind: "messages",
        messages: [
          { type: "event", data: mediaEvent({ event_id: "ev-2", event_type: "pause" }) },
          { type: "session", data: session },
          { type: "stats", data: jetstreamStats },
        ],
      },
    ]);
  });

  it("after a 1008 close, says it fell behind, reconnects and resynchronises from a new first view", async () => {
    const { fetchMock, state, calls } = engine();
    const backend = backendWith(fetchMock);
    const onBatch = vi.fn();
    const onError = vi.fn();
    backend.subscribeLive(onBatch, onError);
    FakeWebSocket.latest().simulateOpen();
    FakeWebSocket.latest().simulateMessage({ type: "health", data: healthyHealth });
    await vi.advanceTimersByTimeAsync(0);

    FakeWebSocket.latest().simulateClose(1008, "too slow: the client fell behind the live feed");
    expect(onError.mock.calls[0]?.[0].message).toBe(
      "Live updates fell behind (too slow: the client fell behind the live feed); reconnecting…",
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeWebSocket.instances).toHaveLength(2);

    // Meanwhile the session ended; the engine lists none now.
    state.sessions = [];
    onBatch.mockClear();
    FakeWebSocket.latest().simulateOpen();
    FakeWebSocket.latest().simulateMessage({ type: "health", data: healthyHealth });
    await vi.advanceTimersByTimeAsync(0);

    expect(calls("/api/v1/sessions/live")).toHaveLength(2);
    expect(batchesOf(onBatch)[0]).toEqual({ kind: "snapshot", snapshot: { sessions: [], recent_events: [mediaEvent()] } });
  });

  it("words an ordinary close as an interruption", () => {
    const { fetchMock } = engine();
    const onError = vi.fn();
    backendWith(fetchMock).subscribeLive(() => {}, onError);
    FakeWebSocket.latest().simulateOpen();

    FakeWebSocket.latest().simulateClose(1006);

    expect(onError.mock.calls[0]?.[0].message).toBe("Live updates were interrupted; reconnecting…");
  });

  it("starts without the event history when DuckDB cannot answer", async () => {
    const { fetchMock, state } = engine();
    state.eventsFail = true;
    const onBatch = vi.fn();
    backendWith(fetchMock).subscribeLive(onBatch);
    FakeWebSocket.latest().simulateOpen();
    FakeWebSocket.latest().simulateMessage({ type: "health", data: healthyHealth });
    await vi.advanceTimersByTimeAsync(0);

    expect(batchesOf(onBatch)[0]).toEqual({ kind: "snapshot", snapshot: { sessions: [liveSession()], recent_events: [] } });
  });

  it("reports a failed first view with the engine's words and asks again 2 s later", async () => {
    const { fetchMock, state, calls } = engine();
    state.sessionsFail = true;
    const onBatch = vi.fn();
    const onError = vi.fn();
    backendWith(fetchMock).subscribeLive(onBatch, onError);
    FakeWebSocket.latest().simulateOpen();
    FakeWebSocket.latest().simulateMessage({ type: "health", data: healthyHealth });
    await vi.advanceTimersByTimeAsync(0);
    expect(onError.mock.calls[0]?.[0].message).toBe("the engine is stopping");
    expect(onBatch).not.toHaveBeenCalled();

    state.sessionsFail = false;
    const during = mediaEvent({ event_id: "ev-during" });
    FakeWebSocket.latest().simulateMessage({ type: "event", data: during });
    await vi.advanceTimersByTimeAsync(2_000);

    expect(calls("/api/v1/sessions/live")).toHaveLength(2);
    expect(batchesOf(onBatch)[0]?.kind).toBe("snapshot");
    // What arrived meanwhile still follows the snapshot.
    expect(batchesOf(onBatch)[1]).toEqual({
      kind: "messages",
      messages: [
        { type: "health", data: healthyHealth },
        { type: "event", data: during },
      ],
    });
  });

  it("starts at once when the shared socket already flows, and stops listening when unsubscribed", async () => {
    const { fetchMock, calls } = engine();
    const backend = backendWith(fetchMock);
    backend.onHealth(() => {});
    FakeWebSocket.latest().simulateOpen();
    FakeWebSocket.latest().simulateMessage({ type: "health", data: healthyHealth });

    const onBatch = vi.fn();
    const unsubscribe = backend.subscribeLive(onBatch);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls("/api/v1/sessions/live")).toHaveLength(1);
    expect(batchesOf(onBatch)[0]?.kind).toBe("snapshot");

    unsubscribe();
    FakeWebSocket.latest().simulateMessage({ type: "event", data: mediaEvent({ event_id: "ev-9" }) });
    await vi.advanceTimersByTimeAsync(100);
    expect(onBatch).toHaveBeenCalledOnce();
  });

  it("without a token, opens nothing and says the live view needs it", async () => {
    const { fetchMock } = engine();
    const onBatch = vi.fn();
    const onError = vi.fn();
    backendWith(fetchMock, { token: null }).subscribeLive(onBatch, onError);
    await vi.advanceTimersByTimeAsync(0);

    expect(FakeWebSocket.instances).toHaveLength(0);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(onBatch).not.toHaveBeenCalled();
    expect(onError.mock.calls[0]?.[0].message).toBe(
      "Live updates need the API token: open the link printed by cartographus-server.",
    );
  });
});
