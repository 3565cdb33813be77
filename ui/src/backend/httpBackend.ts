// Browser host: the headless `cartographus-server serve` on the same origin, over HTTP for calls
// and a WebSocket for live updates. fetch and WebSocket are injectable so tests need no network.
import type { Backend, EngineInfo, Health, Stats } from "./Backend";
import { unreachableEngineError } from "./errors";
import { isHealth } from "./healthGuard";
import { createLiveHealthFeed, type WebSocketConstructorLike } from "./liveHealthFeed";
import { createStatsFeed } from "./statsFeed";
import { isStats } from "./statsGuard";

export type HttpBackendOptions = {
  /** Origin of cartographus-server, e.g. "http://127.0.0.1:3857" (the page's own origin in practice). */
  origin: string;
  /** API token from the link the server printed; null when the page was opened without it. */
  token: string | null;
  fetch?: typeof fetch;
  WebSocket?: WebSocketConstructorLike;
  pollIntervalMs?: number;
  /** How often onStats asks for /api/v1/stats (the server does not push them). */
  statsIntervalMs?: number;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  requestTimeoutMs?: number;
};

const HEALTH_PATH = "/api/v1/health";
const INFO_PATH = "/api/v1/info";
const STATS_PATH = "/api/v1/stats";
const SOCKET_PATH = "/api/v1/ws";

export function createHttpBackend(options: HttpBackendOptions): Backend {
  const { origin, token } = options;
  // Looked up at call time (not captured) so the browser's fetch keeps its `this`.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;

  async function request(path: string, headers: Record<string, string>): Promise<Response> {
    try {
      return await fetchImpl(new URL(path, origin).toString(), {
        headers: { Accept: "application/json", ...headers },
        // Without a timeout a hung server would stall polling forever.
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (failure) {
      throw unreachableEngineError(origin, failure);
    }
  }

  async function readJson(response: Response, path: string): Promise<unknown> {
    try {
      return await response.json();
    } catch {
      throw new Error(`The engine at ${origin} sent an unreadable answer to ${path} (HTTP ${response.status}).`);
    }
  }

  function unexpectedStatus(response: Response, path: string): Error {
    const statusText = response.statusText ? ` ${response.statusText}` : "";
    return new Error(`The engine at ${origin} answered ${path} with HTTP ${response.status}${statusText}.`);
  }

  async function getHealth(): Promise<Health> {
    const response = await request(HEALTH_PATH, {});
    // 503 is the engine saying "degraded" or "down": it still carries the Health body.
    if (!response.ok && response.status !== 503) throw unexpectedStatus(response, HEALTH_PATH);
    const body = await readJson(response, HEALTH_PATH);
    if (!isHealth(body)) throw new Error(`The engine at ${origin} sent a health answer this UI does not understand.`);
    return body;
  }

  /** The engine's own words from an `{"error":{"message":…}}` body, if it sent one. */
  async function errorMessage(response: Response): Promise<string | null> {
    try {
      const body: unknown = await response.json();
      const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
      return typeof message === "string" && message.trim() !== "" ? message.trim() : null;
    } catch {
      return null;
    }
  }

  /** GET a token-gated path; `what` names it for the no-token error ("Engine details"). */
  async function requestWithToken(path: string, what: string): Promise<Response> {
    if (token === null) {
      throw new Error(`${what} need the API token: open the link printed by cartographus-server.`);
    }
    const response = await request(path, { Authorization: `Bearer ${token}` });
    if (response.status === 401 || response.status === 403) {
      throw new Error("The engine refused the API token: open the link printed by cartographus-server again.");
    }
    return response;
  }

  async function getEngineInfo(): Promise<EngineInfo> {
    const response = await requestWithToken(INFO_PATH, "Engine details");
    if (!response.ok) throw unexpectedStatus(response, INFO_PATH);
    return (await readJson(response, INFO_PATH)) as EngineInfo;
  }

  async function getStats(): Promise<Stats> {
    const response = await requestWithToken(STATS_PATH, "Pipeline figures");
    if (!response.ok) {
      // 503 stats_unavailable says why (e.g. DuckDB busy): worth showing as is.
      const reason = await errorMessage(response);
      if (reason === null) throw unexpectedStatus(response, STATS_PATH);
      throw new Error(`The engine could not report its pipeline figures: ${reason}`);
    }
    const body = await readJson(response, STATS_PATH);
    if (!isStats(body)) throw new Error(`The engine at ${origin} sent pipeline figures this UI does not understand.`);
    return body;
  }

  const liveHealth = createLiveHealthFeed({
    socketUrl: token === null ? null : socketUrl(origin, token),
    WebSocket: options.WebSocket ?? globalThis.WebSocket,
    pollHealth: getHealth,
    pollIntervalMs: options.pollIntervalMs ?? 2_000,
    reconnectInitialDelayMs: options.reconnectInitialDelayMs ?? 1_000,
    reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? 30_000,
  });

  const liveStats = createStatsFeed({ getStats, intervalMs: options.statsIntervalMs ?? 5_000 });

  return {
    kind: "http",
    authorized: token !== null,
    getHealth,
    getEngineInfo,
    onHealth: (listener, onError) => liveHealth.subscribe(listener, onError),
    getStats,
    // Without the token every request would be refused: do not poll at all.
    onStats: (listener, onError) => (token === null ? () => {} : liveStats.subscribe(listener, onError)),
  };
}

/** ws(s)://<same host>/api/v1/ws?token=…; browsers cannot set headers on a WebSocket, hence the query. */
export function socketUrl(origin: string, token: string): string {
  const url = new URL(SOCKET_PATH, origin);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("token", token);
  return url.toString();
}
