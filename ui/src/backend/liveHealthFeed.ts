// Live health for the browser host: health messages from the shared WebSocket, and HTTP
// polling whenever that socket is not open (or there is no token, hence no socket).
import type { Health } from "./Backend";
import { describeFailure } from "./errors";
import { isHealth } from "./healthGuard";
import type { LiveSocket } from "./liveSocket";

export type LiveHealthFeedOptions = {
  /** The shared socket; null means "no token": polling only. */
  socket: LiveSocket | null;
  pollHealth: () => Promise<Health>;
  pollIntervalMs: number;
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
  let stopListening: (() => void) | null = null;
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

  function start(): void {
    running = true;
    const { socket } = options;
    // Poll until the socket is open (it may be already, for the live view).
    if (socket === null || !socket.isOpen()) startPolling();
    stopListening =
      socket?.listen({
        onOpen: stopPolling,
        onMessage(message) {
          if (message.type === "health" && isHealth(message.data)) deliver(message.data);
        },
        onClose: startPolling,
      }) ?? null;
  }

  function stop(): void {
    running = false;
    stopPolling();
    const listening = stopListening;
    stopListening = null;
    listening?.();
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
