// A Backend under the test's control: it answers getHealth/getEngineInfo/getStats as told and
// lets the test push live health, stats or errors to whoever subscribed.
import { vi } from "vitest";
import type { Backend, BackendKind, EngineInfo, Health, Stats } from "../backend/Backend";
import { engineInfo } from "./fixtures";

type Subscriber<T> = { listener: (value: T) => void; onError?: (error: Error) => void };

export type FakeBackend = Backend & {
  pushHealth(health: Health): void;
  pushError(error: Error): void;
  subscriberCount(): number;
  pushStats(stats: Stats): void;
  pushStatsError(error: Error): void;
  statsSubscriberCount(): number;
};

export function createFakeBackend(options: {
  kind?: BackendKind;
  authorized?: boolean;
  getHealth: () => Promise<Health>;
  getEngineInfo?: () => Promise<EngineInfo>;
  /** What getStats answers; by default it rejects, as an engine without figures would. */
  getStats?: () => Promise<Stats>;
}): FakeBackend {
  const subscribers = new Set<Subscriber<Health>>();
  const statsSubscribers = new Set<Subscriber<Stats>>();
  return {
    kind: options.kind ?? "tauri",
    authorized: options.authorized ?? true,
    getHealth: vi.fn(options.getHealth),
    getEngineInfo: vi.fn(options.getEngineInfo ?? (() => Promise.resolve(engineInfo))),
    onHealth(listener, onError) {
      const subscriber = { listener, onError };
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
    pushHealth(health) {
      for (const subscriber of subscribers) subscriber.listener(health);
    },
    pushError(error) {
      for (const subscriber of subscribers) subscriber.onError?.(error);
    },
    subscriberCount: () => subscribers.size,
    getStats: vi.fn(options.getStats ?? (() => Promise.reject(new Error("no stats in this test")))),
    // Like the real hosts, never calls listeners synchronously; the test pushes what it wants.
    onStats: vi.fn((listener: (stats: Stats) => void, onError?: (error: Error) => void) => {
      const subscriber = { listener, onError };
      statsSubscribers.add(subscriber);
      return () => {
        statsSubscribers.delete(subscriber);
      };
    }),
    pushStats(stats) {
      for (const subscriber of statsSubscribers) subscriber.listener(stats);
    },
    pushStatsError(error) {
      for (const subscriber of statsSubscribers) subscriber.onError?.(error);
    },
    statsSubscriberCount: () => statsSubscribers.size,
  };
}
