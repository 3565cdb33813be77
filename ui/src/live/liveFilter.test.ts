import { describe, expect, it } from "vitest";
import { liveSession } from "../test/fixtures";
import { filterSessions, serverChoices, sourceChoices } from "./liveFilter";
import type { LiveEntry } from "./liveState";

const entry = (id: string, source: "plex" | "jellyfin", server: string | null, name: string | null): LiveEntry => ({
  live: liveSession({ session_id: id, source, server_id: server }, { server_name: name }),
  receivedAtMs: 0,
});

describe("live filters", () => {
  const entries = [
    entry("a", "plex", "uuid-1", "Basement"),
    entry("b", "plex", "uuid-2", "Basement"),
    entry("c", "jellyfin", "jf", null),
    entry("d", "plex", null, null),
  ];

  it("offers each server once by identity, even two of one name", () => {
    expect(serverChoices(entries)).toEqual([
      { id: "uuid-1", name: "Basement" },
      { id: "uuid-2", name: "Basement" },
      { id: "jf", name: "jf" },
    ]);
    expect(sourceChoices(entries)).toEqual(["jellyfin", "plex"]);
  });

  it("keeps what matches both filters", () => {
    const ids = (source: "" | "plex" | "jellyfin", server: string) =>
      filterSessions(entries, { source, server }).map((e) => e.live.session.session_id);
    expect(ids("", "")).toEqual(["a", "b", "c", "d"]);
    expect(ids("plex", "")).toEqual(["a", "b", "d"]);
    expect(ids("", "uuid-2")).toEqual(["b"]);
    expect(ids("jellyfin", "uuid-2")).toEqual([]);
  });
});
