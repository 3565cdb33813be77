// The browser host's backend against an injected fetch and a fake WebSocket: status handling,
// the token, live messages, polling and reconnect backoff.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Health } from "./Backend";
import { createHttpBackend, type HttpBackendOptions } from "./httpBackend";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { directStats, engineInfo, healthyHealth, jetstreamStats, mixedHealth, statsHistory } from "../test/fixtures";

const ORIGIN = "http://127.0.0.1:3857";

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function fakeFetch(answer: () => Response | Promise<Response>) {
  return vi.fn<typeof fetch>(async () => answer());
}

function backendWith(options: Partial<HttpBackendOptions>) {
  return createHttpBackend({
    origin: ORIGIN,
    token: "secret-token",
    fetch: fakeFetch(() => jsonResponse(healthyHealth)),
    WebSocket: FakeWebSocket,
    ...options,
  });
}

beforeEach(() => {
  FakeWebSocket.reset();
});

describe("httpBackend calls", () => {
  it("reads health from a 200 answer", async () => {
    const fetchMock = fakeFetch(() => jsonResponse(healthyHealth));
    const backend = backendWith({ fetch: fetchMock });

    await expect(backend.getHealth()).resolves.toEqual(healthyHealth);
    expect(fetchMock.mock.calls[0]?.[0]).toBe(`${ORIGIN}/api/v1/health`);
  });

  it("asks for health with the token, so the engine includes each part's detail", async () => {
    const fetchMock = fakeFetch(() => jsonResponse(healthyHealth));
    await backendWith({ fetch: fetchMock }).getHealth();
    expect(new Headers(fetchMock.mock.calls[0]?.[1]?.headers).get("Authorization")).toBe("Bearer secret-token");

    const withoutToken = fakeFetch(() => jsonResponse(healthyHealth));
    await backendWith({ fetch: withoutToken, token: null }).getHealth();
    expect(new Headers(withoutToken.mock.calls[0]?.[1]?.headers).has("Authorization")).toBe(false);
  });

  it("reads the Health body of a 503 instead of treating it as a failure", async () => {
    const downHealth: Health = { ...mixedHealth, status: "down" };
    const backend = backendWith({ fetch: fakeFetch(() => jsonResponse(downHealth, 503)) });

    await expect(backend.getHealth()).resolves.toEqual(downHealth);
  });

  it("reports an unreachable engine with where and why", async () => {
    const backend = backendWith({ fetch: fakeFetch(() => Promise.reject(new TypeError("Failed to fetch"))) });

    await expect(backend.getHealth()).rejects.toThrow(`Cannot reach the engine at ${ORIGIN}: Failed to fetch`);
  });

  it("rejects other statuses and bodies that are not Health, with readable messages", async () => {
    const failing = backendWith({
      fetch: fakeFetch(() => new Response("oops", { status: 500, statusText: "Internal Server Error" })),
    });
    await expect(failing.getHealth()).rejects.toThrow(
      `The engine at ${ORIGIN} answered /api/v1/health with HTTP 500 Internal Server Error.`,
    );

    const strange = backendWith({ fetch: fakeFetch(() => jsonResponse({ hello: "world" })) });
    await expect(strange.getHealth()).rejects.toThrow("health answer this UI does not understand");
  });

  it("sends the token as a Bearer header for engine info", async () => {
    const fetchMock = fakeFetch(() => jsonResponse(engineInfo));
    const backend = backendWith({ fetch: fetchMock });

    await expect(backend.getEngineInfo()).resolves.toEqual(engineInfo);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe(`${ORIGIN}/api/v1/info`);
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer secret-token");
  });

  it("explains a refused token", async () => {
    const backend = backendWith({ fetch: fakeFetch(() => new Response("", { status: 401 })) });

    await expect(backend.getEngineInfo()).rejects.toThrow("The engine refused the API token");
  });

  it("without a token, is not authorized and does not ask for engine info", async () => {
    const fetchMock = fakeFetch(() => jsonResponse(engineInfo));
    const backend = backendWith({ token: null, fetch: fetchMock });

    expect(backend.authorized).toBe(false);
    expect(backend.kind).toBe("http");
    await expect(backend.getEngineInfo()).rejects.toThrow("need the API token");
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe("httpBackend live health", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("opens the WebSocket on the same host with the token", () => {
    const backend = backendWith({});
    const unsubscribe = backend.onHealth(() => {});

    expect(FakeWebSocket.instances).toHaveLength(1);
    const url = new URL(FakeWebSocket.latest().url);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe("ws://127.0.0.1:3857/api/v1/ws");
    expect(url.searchParams.get("token")).toBe("secret-token");
    unsubscribe();
  });

  it("delivers health messages to every listener and ignores other types and junk", () => {
    const backend = backendWith({});
    const first = vi.fn();
    const second = vi.fn();
    const unsubscribeFirst = backend.onHealth(first);
    const unsubscribeSecond = backend.onHealth(second);
    const socket = FakeWebSocket.latest();
    socket.simulateOpen();

    socket.simulateMessage({ type: "session", data: { id: "abc" } });
    socket.simulateMessage({ type: "stats", data: healthyHealth });
    socket.simulateMessage("not json");
    socket.simulateMessage({ type: "health", data: { nonsense: true } });
    expect(first).not.toHaveBeenCalled();

    socket.simulateMessage({ type: "health", data: mixedHealth });

    expect(first).toHaveBeenCalledExactlyOnceWith(mixedHealth);
    expect(second).toHaveBeenCalledExactlyOnceWith(mixedHealth);
    // Both listeners share one socket.
    expect(FakeWebSocket.instances).toHaveLength(1);
    unsubscribeFirst();
    unsubscribeSecond();
  });

  it("without a token, polls /api/v1/health every 2 s and opens no socket", async () => {
    const fetchMock = fakeFetch(() => jsonResponse(mixedHealth, 503));
    const backend = backendWith({ token: null, fetch: fetchMock });
    const listener = vi.fn();
    const unsubscribe = backend.onHealth(listener);

    await vi.advanceTimersByTimeAsync(1_999);
    expect(fetchMock).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(listener).toHaveBeenCalledExactlyOnceWith(mixedHealth);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(FakeWebSocket.instances).toHaveLength(0);

    unsubscribe();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it("reports failed polls to onError and recovers on the next good one", async () => {
    let engineUp = false;
    const fetchMock = fakeFetch(() =>
      engineUp ? jsonResponse(healthyHealth) : Promise.reject(new TypeError("connection refused")),
    );
    const backend = backendWith({ token: null, fetch: fetchMock });
    const listener = vi.fn();
    const onError = vi.fn();
    const unsubscribe = backend.onHealth(listener, onError);

    await vi.advanceTimersByTimeAsync(2_000);
    expect(onError).toHaveBeenCalledOnce();
    expect((onError.mock.calls[0]?.[0] as Error).message).toBe(
      `Cannot reach the engine at ${ORIGIN}: connection refused`,
    );

    engineUp = true;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(listener).toHaveBeenCalledExactlyOnceWith(healthyHealth);
    unsubscribe();
  });

  it("polls only while the socket is not open", async () => {
    const fetchMock = fakeFetch(() => jsonResponse(healthyHealth));
    const backend = backendWith({ fetch: fetchMock });
    const unsubscribe = backend.onHealth(() => {});
    const socket = FakeWebSocket.latest();

    socket.simulateOpen();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetchMock).not.toHaveBeenCalled();

    socket.simulateClose();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    unsubscribe();
  });

  it("reconnects with backoff doubling from 1 s up to 30 s, reset by a successful open", async () => {
    const backend = backendWith({});
    const unsubscribe = backend.onHealth(() => {});

    // Each failed attempt waits twice as long as the previous one, capped at 30 s.
    const expectedDelays = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000];
    for (const delay of expectedDelays) {
      const attemptsBefore = FakeWebSocket.instances.length;
      FakeWebSocket.latest().simulateClose();
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(FakeWebSocket.instances).toHaveLength(attemptsBefore);
      await vi.advanceTimersByTimeAsync(1);
      expect(FakeWebSocket.instances).toHaveLength(attemptsBefore + 1);
    }

    FakeWebSocket.latest().simulateOpen();
    FakeWebSocket.latest().simulateClose();
    const attemptsBefore = FakeWebSocket.instances.length;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeWebSocket.instances).toHaveLength(attemptsBefore + 1);
    unsubscribe();
  });

  it("closes the socket and stops reconnecting once the last listener leaves", async () => {
    const backend = backendWith({});
    const unsubscribe = backend.onHealth(() => {});
    const socket = FakeWebSocket.latest();
    socket.simulateOpen();

    unsubscribe();
    socket.simulateClose();
    await vi.advanceTimersByTimeAsync(60_000);

    expect(socket.closedByClient).toBe(true);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});

describe("httpBackend stats", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  function statsCalls(fetchMock: ReturnType<typeof fakeFetch>) {
    return fetchMock.mock.calls.filter(([url]) => url === `${ORIGIN}/api/v1/stats`);
  }

  it("reads stats from /api/v1/stats with the token as a Bearer header", async () => {
    const fetchMock = fakeFetch(() => jsonResponse(jetstreamStats));
    const backend = backendWith({ fetch: fetchMock });

    await expect(backend.getStats()).resolves.toEqual(jetstreamStats);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe(`${ORIGIN}/api/v1/stats`);
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer secret-token");
  });

  it("reads the pipeline's history from /api/v1/stats/history with the Bearer header, refusing strange bodies", async () => {
    const fetchMock = fakeFetch(() => jsonResponse(statsHistory));
    await expect(backendWith({ fetch: fetchMock }).getStatsHistory()).resolves.toEqual(statsHistory);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe(`${ORIGIN}/api/v1/stats/history`);
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer secret-token");

    const strange = backendWith({
      fetch: fakeFetch(() => jsonResponse({ ...statsHistory, samples: [{ ...statsHistory.samples[0], spool_pending: "1" }] })),
    });
    await expect(strange.getStatsHistory()).rejects.toThrow("this UI does not understand");
  });

  it("accepts the null figures of direct mode", async () => {
    const backend = backendWith({ fetch: fakeFetch(() => jsonResponse(directStats)) });

    await expect(backend.getStats()).resolves.toEqual(directStats);
  });

  it("explains refused tokens, engine-side failures and strange bodies", async () => {
    const refused = backendWith({ fetch: fakeFetch(() => new Response("", { status: 401 })) });
    await expect(refused.getStats()).rejects.toThrow("The engine refused the API token");

    const busy = backendWith({
      fetch: fakeFetch(() =>
        jsonResponse({ error: { code: "stats_unavailable", message: "database is locked" } }, 503),
      ),
    });
    await expect(busy.getStats()).rejects.toThrow(
      "The engine could not report its pipeline figures: database is locked",
    );

    const broken = backendWith({
      fetch: fakeFetch(() => new Response("oops", { status: 502, statusText: "Bad Gateway" })),
    });
    await expect(broken.getStats()).rejects.toThrow(
      `The engine at ${ORIGIN} answered /api/v1/stats with HTTP 502 Bad Gateway.`,
    );

    const strange = backendWith({ fetch: fakeFetch(() => jsonResponse({ ...jetstreamStats, dlq_size: "3" })) });
    await expect(strange.getStats()).rejects.toThrow("pipeline figures this UI does not understand");
  });

  it("without a token, getStats rejects readably and onStats never asks nor calls back", async () => {
    const fetchMock = fakeFetch(() => jsonResponse(jetstreamStats));
    const backend = backendWith({ token: null, fetch: fetchMock });

    await expect(backend.getStats()).rejects.toThrow(
      "Pipeline figures need the API token: open the link printed by cartographus-server.",
    );
    const listener = vi.fn();
    const onError = vi.fn();
    const unsubscribe = backend.onStats(listener, onError);
    await vi.advanceTimersByTimeAsync(60_000);
    unsubscribe();

    expect(fetchMock).not.toHaveBeenCalled();
    expect(listener).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
  });

  it("polls /api/v1/stats at once and every 5 s with the Bearer header, until unsubscribed", async () => {
    const fetchMock = fakeFetch(() => jsonResponse(jetstreamStats));
    const backend = backendWith({ fetch: fetchMock });
    const listener = vi.fn();

    const unsubscribe = backend.onStats(listener);
    await vi.advanceTimersByTimeAsync(0);
    expect(statsCalls(fetchMock)).toHaveLength(1);
    expect(listener).toHaveBeenCalledExactlyOnceWith(jetstreamStats);

    await vi.advanceTimersByTimeAsync(4_999);
    expect(statsCalls(fetchMock)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(statsCalls(fetchMock)).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(statsCalls(fetchMock)).toHaveLength(4);
    expect(listener).toHaveBeenCalledTimes(4);
    for (const [, init] of statsCalls(fetchMock)) {
      expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer secret-token");
    }

    unsubscribe();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(statsCalls(fetchMock)).toHaveLength(4);
    expect(listener).toHaveBeenCalledTimes(4);
  });

  it("reports a failed poll to onError and recovers on the next good one", async () => {
    let engineUp = false;
    const fetchMock = fakeFetch(() =>
      engineUp ? jsonResponse(directStats) : Promise.reject(new TypeError("connection refused")),
    );
    const backend = backendWith({ fetch: fetchMock });
    const listener = vi.fn();
    const onError = vi.fn();
    const unsubscribe = backend.onStats(listener, onError);

    await vi.advanceTimersByTimeAsync(0);
    expect((onError.mock.calls[0]?.[0] as Error).message).toBe(
      `Cannot reach the engine at ${ORIGIN}: connection refused`,
    );
    expect(listener).not.toHaveBeenCalled();

    engineUp = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(listener).toHaveBeenCalledExactlyOnceWith(directStats);
    unsubscribe();
  });

  it("shares one poll between subscribers, giving a late one the latest figures at once", async () => {
    const fetchMock = fakeFetch(() => jsonResponse(jetstreamStats));
    const backend = backendWith({ fetch: fetchMock });
    const first = vi.fn();
    const second = vi.fn();
    const unsubscribeFirst = backend.onStats(first);
    await vi.advanceTimersByTimeAsync(0);

    const unsubscribeSecond = backend.onStats(second);
    await vi.advanceTimersByTimeAsync(0);
    expect(second).toHaveBeenCalledExactlyOnceWith(jetstreamStats);
    expect(statsCalls(fetchMock)).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(5_000);
    expect(statsCalls(fetchMock)).toHaveLength(2);
    expect(first).toHaveBeenCalledTimes(2);
    expect(second).toHaveBeenCalledTimes(2);

    unsubscribeFirst();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(statsCalls(fetchMock)).toHaveLength(3);
    unsubscribeSecond();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(statsCalls(fetchMock)).toHaveLength(3);
  });
});
