// Every key of the one query cache, in one place: a view that shows a figure and the code that
// pushes or invalidates it name the same entry, so two components never hold two copies.
// Keys are arrays from the general to the particular, so ["dlq"] invalidates lists and groups.
import type { QueryClient } from "@tanstack/react-query";
import type { DedupRule, DlqFilter, EventFilter, LogLevel, PlaysQuery, Range, SessionFilter } from "../backend/Backend";

export const queryKeys = {
  /** Health: fetched once, then replaced by every push (onHealth, live feed). */
  health: ["health"] as const,
  /** Pipeline figures: only pushed (onStats, live feed); never fetched by a view. */
  stats: ["stats"] as const,
  /** The pipeline's last 15 minutes, polled. */
  statsHistory: ["stats-history"] as const,
  /** The live view's state, folded from the live feed's batches. */
  live: ["live"] as const,
  /** Facts about the engine; a new listener address asks again. */
  engineInfo: (listener: string | null) => ["engine-info", listener] as const,
  settings: ["settings"] as const,
  setup: ["setup"] as const,
  /** The log's tail at a level (the cursor lives in the cached tail). */
  logs: (level: LogLevel) => ["logs", level] as const,
  /** A job followed to its end; `run` tells apart two follows of one job (a resumed import). */
  job: (id: string, run: number) => ["job", id, run] as const,
  dlq: {
    /** Everything about dead letters: what a retry or delete invalidates. */
    all: ["dlq"] as const,
    list: (filter: DlqFilter, pageSize: number) => ["dlq", "list", filter, pageSize] as const,
    /** The groups of every filter. */
    allGroups: ["dlq", "groups"] as const,
    groups: (filter: DlqFilter) => ["dlq", "groups", filter] as const,
  },
  sessions: {
    all: ["sessions"] as const,
    list: (filter: SessionFilter) => ["sessions", filter] as const,
  },
  events: (filter: EventFilter) => ["events", filter] as const,
  event: (id: string) => ["event", id] as const,
  dedup: (rule: DedupRule | null) => ["dedup", rule] as const,
  plays: (request: PlaysQuery) => ["plays", request] as const,
  concurrent: (range: Range) => ["concurrent", range] as const,
  /** Everything read from the stored events: what a retried dead letter or an import changes. */
  storedEvents: [["sessions"], ["events"], ["event"], ["plays"], ["concurrent"]] as const,
};

/** New events were stored (a retry, an import): history and analytics ask again when next shown. */
export function invalidateStoredEvents(client: QueryClient): Promise<void> {
  return Promise.all(queryKeys.storedEvents.map((queryKey) => client.invalidateQueries({ queryKey }))).then(() => undefined);
}
