// What a playback is called: shows with their episodes, films with their year, tracks with
// their artist, and a session's show found from an event of the same playback.
import { describe, expect, it } from "vitest";
import { liveSession, mediaEvent } from "../test/fixtures";
import { mediaLines, mediaTitle, playbackKeyOf, sessionMediaLines } from "./mediaTitle";

describe("mediaLines and mediaTitle", () => {
  it("names an episode by its show, then season and episode", () => {
    expect(mediaLines(mediaEvent())).toEqual({ primary: "Harbor Lights", secondary: "Season 3 · The Long Night Shift" });
    expect(mediaTitle(mediaEvent())).toBe("Harbor Lights — Season 3 · The Long Night Shift");
    expect(mediaTitle(mediaEvent({ parent_title: null }))).toBe("Harbor Lights — The Long Night Shift");
  });

  it("names a film with its year, a track with its artist and album", () => {
    const film = mediaEvent({ media_type: "movie", title: "Heat", parent_title: null, grandparent_title: null, year: 1995 });
    expect(mediaTitle(film)).toBe("Heat (1995)");
    const track = mediaEvent({ media_type: "track", title: "Teardrop", parent_title: "Mezzanine", grandparent_title: "Massive Attack" });
    expect(mediaLines(track)).toEqual({ primary: "Teardrop", secondary: "Massive Attack — Mezzanine" });
  });

  it("falls back to whatever title there is", () => {
    expect(mediaTitle(mediaEvent({ grandparent_title: null }))).toBe("The Long Night Shift");
    expect(mediaTitle(mediaEvent({ media_type: "other", title: null, grandparent_title: null, parent_title: null }))).toBe("Unknown title");
  });
});

describe("sessionMediaLines", () => {
  it("completes a session's title with the show of the same playback's newest event", () => {
    const events = [
      mediaEvent({ correlation_key: "other-player|1|start", grandparent_title: "Other Show" }),
      mediaEvent({ event_type: "pause", correlation_key: "player-1|48213|pause" }),
    ];
    expect(playbackKeyOf(events[1]!)).toBe("player-1|48213");

    expect(sessionMediaLines(liveSession().session, events)).toEqual({
      primary: "Harbor Lights",
      secondary: "Season 3 · The Long Night Shift",
    });
  });

  it("shows the session's own show and episode when no event of it is at hand", () => {
    expect(sessionMediaLines(liveSession().session, [])).toEqual({
      primary: "Harbor Lights",
      secondary: "Season 3 · The Long Night Shift",
    });
  });

  it("shows the bare title of a session that knows no more", () => {
    const bare = liveSession({ parent_title: null, grandparent_title: null }).session;
    expect(sessionMediaLines(bare, [])).toEqual({ primary: "The Long Night Shift", secondary: null });
  });
});
