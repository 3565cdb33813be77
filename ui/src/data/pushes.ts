// The Backend's pushes written into the query cache, one subscription each (see
// sharedSubscription): health, pipeline figures and the live feed. The live feed's own health
// and stats messages land in the same entries as onHealth's and onStats', so a figure shown by
// the header, the tabs, the Pipeline and the Live view is one cache entry, never two copies.
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { Backend, Health, LiveBatch, Stats } from "../backend/Backend";
import { describeFailure } from "../backend/errors";
import { applyBatch, initialLiveState, type LiveState } from "../live/liveState";
import { queryKeys } from "./queryKeys";

/** A pushed figure and why the latest update failed (cleared by the next figure). */
export type Pushed<T> = { value: T | null; error: string | null };

/** The live view's cache entry: its state, and why live updates are interrupted (if they are). */
export type LiveEntryState = { live: LiveState; error: string | null };

export const INITIAL_LIVE: LiveEntryState = { live: initialLiveState, error: null };

/** How many pushes each entry of each cache took: a fetch answered after a push is older. */
const pushCounts = new WeakMap<QueryClient, Map<string, number>>();

function pushCount(client: QueryClient, key: QueryKey): number {
  return pushCounts.get(client)?.get(JSON.stringify(key)) ?? 0;
}

export function pushValue<T>(client: QueryClient, key: QueryKey, value: T): void {
  let counts = pushCounts.get(client);
  if (counts === undefined) {
    counts = new Map();
    pushCounts.set(client, counts);
  }
  const name = JSON.stringify(key);
  counts.set(name, (counts.get(name) ?? 0) + 1);
  client.setQueryData<Pushed<T>>(key, { value, error: null });
}

export function pushFailure<T>(client: QueryClient, key: QueryKey, error: Error): void {
  client.setQueryData<Pushed<T>>(key, (previous) => ({ value: previous?.value ?? null, error: error.message }));
}

/**
 * The query function of a pushed entry: asks the engine, and folds a failure into the entry
 * (the last figure stays, with the reason). A push that arrived while the answer was on its
 * way is newer than the answer, so the entry keeps the push.
 */
export async function fetchUnlessPushed<T>(client: QueryClient, key: QueryKey, fetch: () => Promise<T>): Promise<Pushed<T>> {
  const before = pushCount(client, key);
  let answer: Pushed<T>;
  try {
    answer = { value: await fetch(), error: null };
  } catch (failure) {
    answer = { value: client.getQueryData<Pushed<T>>(key)?.value ?? null, error: describeFailure(failure) };
  }
  const current = client.getQueryData<Pushed<T>>(key);
  return pushCount(client, key) !== before && current !== undefined ? current : answer;
}

export function startHealthPushes(client: QueryClient, backend: Backend): () => void {
  return backend.onHealth(
    (health) => pushValue<Health>(client, queryKeys.health, health),
    (error) => pushFailure<Health>(client, queryKeys.health, error),
  );
}

/**
 * New figures. More dead letters than before means new ones arrived: the dead letters shown
 * anywhere are asked again (fewer come from this UI's own retries, which invalidate already).
 */
function pushStats(client: QueryClient, stats: Stats): void {
  const before = client.getQueryData<Pushed<Stats>>(queryKeys.stats)?.value?.dlq_size ?? null;
  pushValue<Stats>(client, queryKeys.stats, stats);
  if (before !== null && stats.dlq_size !== null && stats.dlq_size > before) {
    void client.invalidateQueries({ queryKey: queryKeys.dlq.all });
  }
}

export function startStatsPushes(client: QueryClient, backend: Backend): () => void {
  return backend.onStats(
    (stats) => pushStats(client, stats),
    (error) => pushFailure<Stats>(client, queryKeys.stats, error),
  );
}

/** Figures carried by a live batch, handed to the entries every other view reads them from. */
function shareFigures(client: QueryClient, batch: LiveBatch): void {
  if (batch.kind !== "messages") return;
  for (const message of batch.messages) {
    if (message.type === "stats") pushStats(client, message.data);
    else if (message.type === "health") pushValue<Health>(client, queryKeys.health, message.data);
  }
}

export function startLivePushes(client: QueryClient, backend: Backend, now: () => number = Date.now): () => void {
  // A fresh subscription starts from its own first snapshot, never from an earlier one's state.
  client.setQueryData<LiveEntryState>(queryKeys.live, INITIAL_LIVE);
  let active = true;
  const unsubscribe = backend.subscribeLive(
    (batch) => {
      if (!active) return;
      client.setQueryData<LiveEntryState>(queryKeys.live, (previous = INITIAL_LIVE) => ({
        live: applyBatch(previous.live, batch, now()),
        error: batch.kind === "snapshot" ? null : previous.error,
      }));
      shareFigures(client, batch);
    },
    (error) => {
      if (!active) return;
      client.setQueryData<LiveEntryState>(queryKeys.live, (previous = INITIAL_LIVE) => ({ ...previous, error: error.message }));
    },
  );
  return () => {
    active = false;
    unsubscribe();
  };
}
