// A Backend under the test's control: it answers getHealth/getEngineInfo as told and lets
// the test push live health updates or errors to whoever subscribed.
import { vi } from "vitest";
import type { Backend, BackendKind, EngineInfo, Health } from "../backend/Backend";
import { engineInfo } from "./fixtures";

type Subscriber = { listener: (health: Health) => void; onError?: (error: Error) => void };

export type FakeBackend = Backend & {
  pushHealth(health: Health): void;
  pushError(error: Error): void;
  subscriberCount(): number;
};

export function createFakeBackend(options: {
  kind?: BackendKind;
  authorized?: boolean;
  getHealth: () => Promise<Health>;
  getEngineInfo?: () => Promise<EngineInfo>;
}): FakeBackend {
  const subscribers = new Set<Subscriber>();
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
  };
}
