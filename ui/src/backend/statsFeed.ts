// Live pipeline figures for both hosts: one poll loop shared by all subscribers, fetching at
// once when the first one arrives, then every `intervalMs`, and stopping with the last one.
// A host can also force a fetch (the desktop does when the sidecar restarts).
import type { Stats } from "./Backend";
import { describeFailure } from "./errors";

/** What a host's `watch` may do while the feed runs. */
export type StatsFeedHooks = {
  /** Fetch now instead of waiting for the next tick; an answer still in flight is then dropped. */
  refresh(): void;
  /** Show a change at once on top of the latest figures (no-op before the first ones arrive). */
  update(change: (latest: Stats) => Stats): void;
  /** Tell subscribers that something went wrong. */
  fail(error: Error): void;
};

export type StatsFeedOptions = {
  getStats: () => Promise<Stats>;
  intervalMs: number;
  /** Started with the first subscriber, stopped (through the returned function) with the last. */
  watch?: (hooks: StatsFeedHooks) => () => void;
};

export type StatsFeed = {
  subscribe(listener: (stats: Stats) => void, onError?: (error: Error) => void): () => void;
};

type Subscriber = {
  listener: (stats: Stats) => void;
  onError?: (error: Error) => void;
};

export function createStatsFeed(options: StatsFeedOptions): StatsFeed {
  const subscribers = new Set<Subscriber>();
  let running = false;
  let latest: Stats | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Bumped by every fetch and by stop: only the newest fetch may deliver or schedule the next.
  let generation = 0;
  let stopWatching: (() => void) | null = null;

  function deliver(stats: Stats): void {
    latest = stats;
    for (const subscriber of [...subscribers]) subscriber.listener(stats);
  }

  function fail(error: Error): void {
    for (const subscriber of [...subscribers]) subscriber.onError?.(error);
  }

  async function fetchNow(): Promise<void> {
    if (!running) return;
    clearTimeout(timer);
    timer = undefined;
    generation += 1;
    const mine = generation;
    try {
      const stats = await options.getStats();
      if (mine === generation) deliver(stats);
    } catch (failure) {
      if (mine === generation) fail(failure instanceof Error ? failure : new Error(describeFailure(failure)));
    }
    // Chained timeouts rather than setInterval: a slow engine never gets overlapping requests.
    if (mine === generation) timer = setTimeout(() => void fetchNow(), options.intervalMs);
  }

  const hooks: StatsFeedHooks = {
    refresh: () => void fetchNow(),
    update(change) {
      if (running && latest !== null) deliver(change(latest));
    },
    fail(error) {
      if (running) fail(error);
    },
  };

  function start(): void {
    running = true;
    void fetchNow();
    stopWatching = options.watch?.(hooks) ?? null;
  }

  function stop(): void {
    running = false;
    generation += 1;
    clearTimeout(timer);
    timer = undefined;
    latest = null;
    const watching = stopWatching;
    stopWatching = null;
    watching?.();
  }

  return {
    subscribe(listener, onError) {
      const subscriber: Subscriber = { listener, onError };
      subscribers.add(subscriber);
      if (subscribers.size === 1) {
        start();
      } else if (latest !== null) {
        // A late subscriber gets the figures everyone else already has, not a wait for the next tick.
        const known = latest;
        queueMicrotask(() => {
          if (subscribers.has(subscriber)) listener(known);
        });
      }
      return () => {
        if (!subscribers.delete(subscriber)) return;
        if (subscribers.size === 0) stop();
      };
    },
  };
}
