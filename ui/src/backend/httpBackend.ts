// Browser host: the headless `cartographus-server serve` on the same origin, over HTTP for calls
// and a WebSocket for live updates. fetch and WebSocket are injectable so tests need no network.
import type {
  Backend,
  DlqEntry,
  DlqFilter,
  DlqGroup,
  Purged,
  EngineInfo,
  Health,
  ImportStarted,
  JobStatus,
  LiveSession,
  LiveSnapshot,
  MediaEvent,
  Page,
  PageArgs,
  Retried,
  Stats,
  StatsHistoryView,
} from "./Backend";
import { EngineError, unreachableEngineError } from "./errors";
import { isHealth } from "./healthGuard";
import { connectHttpLive } from "./httpLive";
import { createHttpSetup } from "./httpSetup";
import { pageAfterMove } from "./listenMove";
import { createLiveFeed } from "./liveFeed";
import { createLiveHealthFeed } from "./liveHealthFeed";
import { createLiveSocket, type WebSocketConstructorLike } from "./liveSocket";
import { createHttpOperations } from "./httpOperations";
import { createStatsFeed } from "./statsFeed";
import { isStats, isStatsHistory } from "./statsGuard";

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
  /** How long live messages are gathered before the view repaints. */
  liveBatchWindowMs?: number;
  /** Wait before asking again for the live view's first view after a failure. */
  liveResyncRetryMs?: number;
  /** Opens a page in a new tab (plex.tv's sign-in); window.open by default. */
  openWindow?: (url: string) => void;
  /** Saves a downloaded file (diagnostics); the browser's download by default. */
  saveFile?: (blob: Blob, fileName: string) => void;
};

const HEALTH_PATH = "/api/v1/health";
const INFO_PATH = "/api/v1/info";
const STATS_PATH = "/api/v1/stats";
const STATS_HISTORY_PATH = "/api/v1/stats/history";
const SOCKET_PATH = "/api/v1/ws";
const LIVE_SESSIONS_PATH = "/api/v1/sessions/live";
const EVENTS_PATH = "/api/v1/events";
const DLQ_PATH = "/api/v1/dlq";
const JOBS_PATH = "/api/v1/jobs";
const IMPORT_TAUTULLI_PATH = "/api/v1/import/tautulli";

/** Recent events asked for with the first live view, as many as the engine's snapshot holds. */
const RECENT_EVENTS = 50;

export type RequestOptions = {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Longer than the default for calls the engine answers only after a third party did. */
  timeoutMs?: number;
};

/** A token-gated JSON call (see callApi below), as the per-area helpers receive it. */
export type CallApi = <T>(path: string, what: string, init?: RequestOptions, check?: (body: unknown) => boolean) => Promise<T>;

export function createHttpBackend(options: HttpBackendOptions): Backend {
  const { origin, token } = options;
  // Looked up at call time (not captured) so the browser's fetch keeps its `this`.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;

  async function request(
    path: string,
    { method = "GET", body, headers = {}, timeoutMs = requestTimeoutMs }: RequestOptions = {},
  ): Promise<Response> {
    const allHeaders: Record<string, string> = { Accept: "application/json", ...headers };
    if (body !== undefined) allHeaders["Content-Type"] = "application/json";
    try {
      return await fetchImpl(new URL(path, origin).toString(), {
        method,
        headers: allHeaders,
        body: body === undefined ? undefined : JSON.stringify(body),
        // Without a timeout a hung server would stall polling forever.
        signal: AbortSignal.timeout(timeoutMs),
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
    // Without the token the engine answers the verdicts only; with it, each part's detail too.
    const response = token === null ? await request(HEALTH_PATH) : await requestWithToken(HEALTH_PATH, "Health details");
    // 503 is the engine saying "degraded" or "down": it still carries the Health body.
    if (!response.ok && response.status !== 503) throw unexpectedStatus(response, HEALTH_PATH);
    const body = await readJson(response, HEALTH_PATH);
    if (!isHealth(body)) throw new Error(`The engine at ${origin} sent a health answer this UI does not understand.`);
    return body;
  }

  /** The engine's `{"error":{"code","message"}}` body, if it sent one. */
  async function engineError(response: Response): Promise<EngineError | null> {
    try {
      const body: unknown = await response.json();
      const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      const message = typeof error?.message === "string" ? error.message.trim() : "";
      if (message === "") return null;
      return new EngineError(typeof error?.code === "string" ? error.code : "unknown", message);
    } catch {
      return null;
    }
  }

  /** A token-gated call; `what` names it for the no-token error ("Engine details"). */
  async function requestWithToken(path: string, what: string, init: RequestOptions = {}): Promise<Response> {
    if (token === null) {
      throw new Error(`${what} need the API token: open the link printed by cartographus-server.`);
    }
    const response = await request(path, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } });
    if (response.status === 401 || response.status === 403) {
      throw new Error("The engine refused the API token: open the link printed by cartographus-server again.");
    }
    return response;
  }

  /**
   * A token-gated JSON call: the parsed body of a 2xx answer, the engine's own error (code and
   * message) otherwise. `check` guards bodies that views rely on.
   */
  async function callApi<T>(
    path: string,
    what: string,
    init: RequestOptions = {},
    check?: (body: unknown) => boolean,
  ): Promise<T> {
    const response = await requestWithToken(path, what, init);
    if (!response.ok) throw (await engineError(response)) ?? unexpectedStatus(response, pathOnly(path));
    if (response.status === 204) return undefined as T;
    const body = await readJson(response, pathOnly(path));
    if (check !== undefined && !check(body)) {
      throw new Error(`The engine at ${origin} sent an answer to ${pathOnly(path)} this UI does not understand.`);
    }
    return body as T;
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
      const reason = await engineError(response);
      if (reason === null) throw unexpectedStatus(response, STATS_PATH);
      throw new Error(`The engine could not report its pipeline figures: ${reason.message}`);
    }
    const body = await readJson(response, STATS_PATH);
    if (!isStats(body)) throw new Error(`The engine at ${origin} sent pipeline figures this UI does not understand.`);
    return body;
  }

  async function fetchLiveSnapshot(): Promise<LiveSnapshot> {
    const [sessions, events] = await Promise.all([
      callApi<LiveSession[]>(LIVE_SESSIONS_PATH, "Live sessions", {}, Array.isArray),
      // The event history is DuckDB's: when it is busy the view starts without it, and the
      // events pushed from now on fill the list.
      callApi<Page<MediaEvent>>(withQuery(EVENTS_PATH, { limit: RECENT_EVENTS }), "Events", {}, isPage).catch(
        () => null,
      ),
    ]);
    return { sessions, recent_events: events?.items ?? [] };
  }

  const socket =
    token === null
      ? null
      : createLiveSocket({
          url: socketUrl(origin, token),
          WebSocket: options.WebSocket ?? globalThis.WebSocket,
          reconnectInitialDelayMs: options.reconnectInitialDelayMs ?? 1_000,
          reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? 30_000,
        });

  const liveHealth = createLiveHealthFeed({
    socket,
    pollHealth: getHealth,
    pollIntervalMs: options.pollIntervalMs ?? 2_000,
  });

  const liveStats = createStatsFeed({ getStats, intervalMs: options.statsIntervalMs ?? 5_000 });

  const liveView =
    socket === null
      ? null
      : createLiveFeed({
          connect: (hooks) =>
            connectHttpLive(
              {
                socket,
                fetchSnapshot: fetchLiveSnapshot,
                batchWindowMs: options.liveBatchWindowMs ?? 25,
                resyncRetryMs: options.liveResyncRetryMs ?? 2_000,
              },
              hooks,
            ),
        });

  const dlqPath = (id: string) => `${DLQ_PATH}/${encodeURIComponent(id)}`;

  async function fetchFile(path: string, what: string): Promise<Blob> {
    const response = await requestWithToken(path, what);
    if (!response.ok) throw (await engineError(response)) ?? unexpectedStatus(response, pathOnly(path));
    return response.blob();
  }

  return {
    ...createHttpOperations({ callApi, fetchFile, saveFile: options.saveFile }),
    kind: "http",
    authorized: token !== null,
    getHealth,
    getEngineInfo,
    onHealth: (listener, onError) => liveHealth.subscribe(listener, onError),
    getStats,
    getStatsHistory: () =>
      callApi<StatsHistoryView>(STATS_HISTORY_PATH, "The pipeline's history", {}, isStatsHistory),
    // Without the token every request would be refused: do not poll at all.
    onStats: (listener, onError) => (token === null ? () => {} : liveStats.subscribe(listener, onError)),
    subscribeLive(onBatch, onError) {
      if (liveView === null) {
        let cancelled = false;
        queueMicrotask(() => {
          if (!cancelled) {
            onError?.(new Error("Live updates need the API token: open the link printed by cartographus-server."));
          }
        });
        return () => {
          cancelled = true;
        };
      }
      return liveView.subscribe(onBatch, onError);
    },
    listDlq: (filter: DlqFilter, page: PageArgs) =>
      callApi<Page<DlqEntry>>(withQuery(DLQ_PATH, { ...filter, ...page }), "Dead letters", {}, isPage),
    getDlqEntry: (id) => callApi<DlqEntry>(dlqPath(id), "Dead letters"),
    retryDlq: (id, payload) =>
      callApi<Retried>(`${dlqPath(id)}/retry`, "Dead letters", {
        method: "POST",
        body: payload === null ? undefined : { payload },
      }),
    retryDlqMany: (selection) =>
      callApi<JobStatus>(`${DLQ_PATH}/retry`, "Dead letters", { method: "POST", body: selection }),
    deleteDlq: async (id) => {
      await callApi<void>(dlqPath(id), "Dead letters", { method: "DELETE" });
    },
    listDlqGroups: (filter) => callApi<DlqGroup[]>(withQuery(`${DLQ_PATH}/groups`, { ...filter }), "Dead letters"),
    purgeDlq: (filter) => callApi<Purged>(withQuery(DLQ_PATH, { ...filter }), "Dead letters", { method: "DELETE" }),
    getJob: (id) => callApi<JobStatus>(`${JOBS_PATH}/${encodeURIComponent(id)}`, "Jobs"),
    cancelJob: (id) => callApi<JobStatus>(`${JOBS_PATH}/${encodeURIComponent(id)}`, "Jobs", { method: "DELETE" }),
    importTautulli: (request) =>
      callApi<ImportStarted>(IMPORT_TAUTULLI_PATH, "History import", { method: "POST", body: request }),
    ...createHttpSetup(callApi, options.openWindow ?? openInNewTab),
    continueAt: (changed) => pageAfterMove(origin, token, changed.listen),
  };
}

function openInNewTab(url: string): void {
  window.open(url, "_blank", "noopener,noreferrer");
}

function isPage(value: unknown): boolean {
  return typeof value === "object" && value !== null && Array.isArray((value as { items?: unknown }).items);
}

/** `path?name=value…` for the parameters that are set (null, undefined and "" are left out). */
export function withQuery(path: string, parameters: Record<string, string | number | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value === null || value === undefined || value === "") continue;
    query.set(name, String(value));
  }
  const text = query.toString();
  return text === "" ? path : `${path}?${text}`;
}

function pathOnly(path: string): string {
  return path.split("?")[0] ?? path;
}

/** ws(s)://<same host>/api/v1/ws?token=…; browsers cannot set headers on a WebSocket, hence the query. */
export function socketUrl(origin: string, token: string): string {
  const url = new URL(SOCKET_PATH, origin);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("token", token);
  return url.toString();
}
