// One subscription to a Backend push per query cache, however many components show what it
// pushes: the first consumer starts it, the last one to unmount stops it, and in between it
// writes into the cache (setQueryData), which is where every consumer reads.
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { Backend } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";

type Running = { consumers: number; stop: () => void };

const running = new WeakMap<QueryClient, Map<string, Running>>();

/**
 * Joins the subscription `name` of `client`, starting it with `start` when nobody holds it yet.
 * Returns the function that leaves it (stopping it with its last consumer).
 */
export function joinSubscription(client: QueryClient, name: string, start: () => () => void): () => void {
  let byName = running.get(client);
  if (byName === undefined) {
    byName = new Map();
    running.set(client, byName);
  }
  const table = byName;
  let entry = table.get(name);
  if (entry === undefined) {
    // Registered before starting: a start that pushes synchronously finds itself running.
    const fresh: Running = { consumers: 0, stop: () => {} };
    table.set(name, fresh);
    fresh.stop = start();
    entry = fresh;
  }
  const joined = entry;
  joined.consumers += 1;
  let left = false;
  return () => {
    if (left) return;
    left = true;
    joined.consumers -= 1;
    if (joined.consumers === 0 && table.get(name) === joined) {
      table.delete(name);
      joined.stop();
    }
  };
}

/**
 * Holds the subscription `name` while the calling component is mounted (and `enabled`).
 * `start` subscribes to the Backend and writes what it hears into the cache; a cache serves
 * one Backend (the app's), so the name alone identifies the subscription.
 */
export function useSharedSubscription(
  name: string,
  start: (client: QueryClient, backend: Backend) => () => void,
  enabled = true,
): void {
  const client = useQueryClient();
  const backend = useBackend();
  useEffect(() => {
    if (!enabled) return;
    return joinSubscription(client, name, () => start(client, backend));
    // `start` is module-level in every caller; the subscription is named, not identified by it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, backend, name, enabled]);
}
