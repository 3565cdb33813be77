// Live health for the browser host: one WebSocket shared by all subscribers, reconnecting with
// exponential backoff, and HTTP polling whenever that socket is not open (or there is no token).
import type { Health } from "./Backend";
import { describeFailure } from "./errors";
import { isHealth } from "./healthGuard";

/** The part of the browser WebSocket this feed uses, so tests can inject a fake. */
export interface WebSocketLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(): void;
}

export type WebSocketConstructorLike = new (url: string) => WebSocketLike;

export type LiveHealthFeedOptions = {
  /** Where to open the socket; null means "no token": polling only. */
  socketUrl: string | null;
  WebSocket: WebSocketConstructorLike;
  pollHealth: () => Promise<Health>;
  pollIntervalMs: number;
  reconnectInitialDelayMs: number;
  reconnectMaxDelayMs: number;
};

export type LiveHealthFeed = {
  subscribe(listener: (health: Health) => void, onError?: (error: Error) => void): () => void;
};

type Subscriber = {
  listener: (health: Health) => void;
  onError?: (error: Error) => void;
};

export function createLiveHealthFeed(options: LiveHealthFeedOptions): LiveHealthFeed {
  const subscribers = new Set<Subscriber>();
  let running = false;
  let socket: WebSocketLike | null = null;
  let reconnectDelayMs = options.reconnectInitialDelayMs;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  // Bumped whenever polling stops, so an in-flight poll neither delivers nor reschedules.
  let pollGeneration = 0;

  function deliver(health: Health): void {
    for (const subscriber of [...subscribers]) subscriber.listener(health);
  }

  function reportFailure(error: Error): void {
    for (const subscriber of [...subscribers]) subscriber.onError?.(error);
  }

  function startPolling(): void {
    if (!running || pollTimer !== undefined) return;
    pollTimer = setTimeout(pollOnce, options.pollIntervalMs);
  }

  function stopPolling(): void {
    clearTimeout(pollTimer);
    pollTimer = undefined;
    pollGeneration += 1;
  }

  async function pollOnce(): Promise<void> {
    const generation = pollGeneration;
    try {
      const health = await options.pollHealth();
      if (generation === pollGeneration) deliver(health);
    } catch (failure) {
      if (generation === pollGeneration) {
        reportFailure(failure instanceof Error ? failure : new Error(describeFailure(failure)));
      }
    }
    // Chained timeouts rather than setInterval: a slow engine never gets overlapping requests.
    if (generation === pollGeneration) pollTimer = setTimeout(pollOnce, options.pollIntervalMs);
  }

  function handleSocketMessage(data: unknown): void {
    if (typeof data !== "string") return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return; // Not JSON: nothing this UI understands.
    }
    if (typeof message !== "object" || message === null) return;
    const { type, data: payload } = message as { type?: unknown; data?: unknown };
    // Other message types ("event", "session", "stats") belong to views that do not exist yet.
    if (type === "health" && isHealth(payload)) deliver(payload);
  }

  function openSocket(url: string): void {
    let opened: WebSocketLike;
    try {
      opened = new options.WebSocket(url);
    } catch {
      scheduleReconnect(url);
      return;
    }
    socket = opened;
    // Handlers check `socket === opened` so a socket we already gave up on cannot act.
    opened.onopen = () => {
      if (socket !== opened) return;
      reconnectDelayMs = options.reconnectInitialDelayMs;
      stopPolling();
    };
    opened.onmessage = (event) => {
      if (socket === opened) handleSocketMessage(event.data);
    };
    opened.onerror = () => {
      // Nothing to do: a failed socket always follows up with `close`.
    };
    opened.onclose = () => {
      if (socket !== opened) return;
      socket = null;
      startPolling();
      scheduleReconnect(url);
    };
  }

  function scheduleReconnect(url: string): void {
    if (!running) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (running) openSocket(url);
    }, reconnectDelayMs);
    reconnectDelayMs = Math.min(reconnectDelayMs * 2, options.reconnectMaxDelayMs);
  }

  function start(): void {
    running = true;
    // Poll from the start; a socket that opens switches polling off.
    startPolling();
    if (options.socketUrl !== null) openSocket(options.socketUrl);
  }

  function stop(): void {
    running = false;
    stopPolling();
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    reconnectDelayMs = options.reconnectInitialDelayMs;
    const closing = socket;
    socket = null;
    closing?.close();
  }

  return {
    subscribe(listener, onError) {
      const subscriber: Subscriber = { listener, onError };
      subscribers.add(subscriber);
      if (subscribers.size === 1) start();
      return () => {
        if (!subscribers.delete(subscriber)) return;
        if (subscribers.size === 0) stop();
      };
    },
  };
}
