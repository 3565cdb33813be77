// Narrowing the live sessions to one source and one server: the servers are told apart by their
// identity (several Plex servers, a Jellyfin beside them) and shown by name where a report gave one.
import type { Source } from "../backend/Backend";
import type { LiveEntry } from "./liveState";

export type LiveFilter = { source: Source | ""; server: string };

export const NO_FILTER: LiveFilter = { source: "", server: "" };

export type ServerChoice = { id: string; name: string };

/** The server a session runs on: its id, and its name when a report named it. */
export function serverOf(entry: LiveEntry): ServerChoice | null {
  const id = entry.live.session.server_id;
  if (id === null) return null;
  return { id, name: entry.live.server_name ?? id };
}

/** Each server with a live session once, by name. */
export function serverChoices(entries: readonly LiveEntry[]): ServerChoice[] {
  const byId = new Map<string, ServerChoice>();
  for (const entry of entries) {
    const server = serverOf(entry);
    if (server !== null && !byId.has(server.id)) byId.set(server.id, server);
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** Each source with a live session once. */
export function sourceChoices(entries: readonly LiveEntry[]): Source[] {
  return [...new Set(entries.map((entry) => entry.live.session.source))].sort();
}

export function isFiltered(filter: LiveFilter): boolean {
  return filter.source !== "" || filter.server !== "";
}

export function filterSessions(entries: readonly LiveEntry[], filter: LiveFilter): LiveEntry[] {
  return entries.filter(
    (entry) =>
      (filter.source === "" || entry.live.session.source === filter.source) &&
      (filter.server === "" || entry.live.session.server_id === filter.server),
  );
}
