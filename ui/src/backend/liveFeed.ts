// The live view's fan-out for both hosts: one connection to the engine shared by every
// subscriber, and a mirror of the state so far, so a subscriber joining late starts from a
// snapshot of it instead of waiting for the engine to send one.
import type { LiveBatch, LiveMessage } from "./Backend";
import { applyBatch, initialLiveState, snapshotOf, type LiveState } from "../live/liveState";

/** What a host's `connect` may do while the feed runs. */
export type LiveFeedHooks = {
  /** Hand a batch to every subscriber (the first must be a snapshot). */
  deliver(batch: LiveBatch): void;
  /** Tell subscribers that live updates are interrupted; the next snapshot means recovered. */
  fail(error: Error): void;
};

export type LiveFeedOptions = {
  /** Starts the connection with the first subscriber; the returned function ends it. */
  connect: (hooks: LiveFeedHooks) => () => void;
  /**
   * Keep the connection (and the mirror) after the last subscriber leaves. The desktop does:
   * an IPC channel cannot be closed from the page, so it is opened once and kept.
   */
  keepConnected?: boolean;
  now?: () => number;
};

export type LiveFeed = {
  subscribe(onBatch: (batch: LiveBatch) => void, onError?: (error: Error) => void): () => void;
};

type Subscriber = {
  onBatch: (batch: LiveBatch) => void;
  onError?: (error: Error) => void;
  /** Joined after the first snapshot: owed one built from the mirror before anything else. */
  owedSnapshot: boolean;
};

export function createLiveFeed(options: LiveFeedOptions): LiveFeed {
  const now = options.now ?? Date.now;
  const subscribers = new Set<Subscriber>();
  let mirror: LiveState = initialLiveState;
  let disconnect: (() => void) | null = null;
  /** The interruption reported since the last snapshot, for subscribers who join meanwhile. */
  let interruption: Error | null = null;

  /** The mirror as a snapshot, followed by the latest figures it knows. */
  function catchUp(subscriber: Subscriber): void {
    subscriber.owedSnapshot = false;
    subscriber.onBatch({ kind: "snapshot", snapshot: snapshotOf(mirror, now()) });
    const figures: LiveMessage[] = [];
    if (mirror.health !== null) figures.push({ type: "health", data: mirror.health });
    if (mirror.stats !== null) figures.push({ type: "stats", data: mirror.stats });
    if (figures.length > 0) subscriber.onBatch({ kind: "messages", messages: figures });
  }

  const hooks: LiveFeedHooks = {
    deliver(batch) {
      if (disconnect === null) return;
      mirror = applyBatch(mirror, batch, now());
      if (batch.kind === "snapshot") interruption = null;
      for (const subscriber of [...subscribers]) {
        // The mirror already holds this batch, so the owed snapshot covers it.
        if (subscriber.owedSnapshot) catchUp(subscriber);
        else subscriber.onBatch(batch);
      }
    },
    fail(error) {
      if (disconnect === null) return;
      interruption = error;
      for (const subscriber of [...subscribers]) subscriber.onError?.(error);
    },
  };

  function connect(): void {
    mirror = initialLiveState;
    interruption = null;
    // Set before connecting: a host may deliver or fail synchronously.
    disconnect = () => {};
    disconnect = options.connect(hooks);
  }

  return {
    subscribe(onBatch, onError) {
      const subscriber: Subscriber = { onBatch, onError, owedSnapshot: false };
      subscribers.add(subscriber);
      if (disconnect === null) {
        connect();
      } else {
        subscriber.owedSnapshot = mirror.synced;
        queueMicrotask(() => {
          if (!subscribers.has(subscriber)) return;
          if (subscriber.owedSnapshot) catchUp(subscriber);
          if (interruption !== null) subscriber.onError?.(interruption);
        });
      }
      return () => {
        if (!subscribers.delete(subscriber)) return;
        if (subscribers.size === 0 && !options.keepConnected && disconnect !== null) {
          const stop = disconnect;
          disconnect = null;
          mirror = initialLiveState;
          stop();
        }
      };
    },
  };
}
