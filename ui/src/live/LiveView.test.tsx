// The Live tab against a fake Backend: the first view, updates without remounting, sessions
// leaving on stop, positions moving while playing, and what is said when updates fail.
import { act, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { LiveBatch, LiveMessage, LiveSession } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { createFakeBackend, type FakeBackend } from "../test/fakeBackend";
import { healthyHealth, jetstreamStats, liveSession, mediaEvent } from "../test/fixtures";

function renderApp(backend: FakeBackend) {
  return render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
}

function snapshot(sessions: LiveSession[], events = [mediaEvent()]): LiveBatch {
  return { kind: "snapshot", snapshot: { sessions, recent_events: events } };
}

function push(backend: FakeBackend, ...messages: LiveMessage[]) {
  act(() => backend.pushLive({ kind: "messages", messages }));
}

const card = (id: string) => document.querySelector<HTMLElement>(`[data-testid="live-session"][data-session-id="${id}"]`);

describe("Live view", () => {
  it("is the first tab, selected by default, and says it is connecting until the first view", () => {
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(healthyHealth) });
    renderApp(backend);

    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((tab) => tab.textContent)).toEqual(["Live", "History", "Analytics", "Health", "Pipeline", "Dead letters", "Duplicates", "Replay", "Logs", "Settings"]);
    expect(screen.getByRole("tab", { name: "Live" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("tabpanel").getAttribute("aria-labelledby")).toBe("tab-live");
    expect(screen.getByTestId("live-loading").textContent).toBe("Connecting to the live feed…");
    expect(backend.liveSubscriberCount()).toBe(1);
  });

  it("shows each session with its show, episode, user, player, state, position, stream and source", () => {
    const backend = createFakeBackend();
    renderApp(backend);

    act(() => backend.pushLive(snapshot([liveSession()])));

    const session = card("s-ev-1")!;
    expect(session.getAttribute("data-state")).toBe("playing");
    expect(within(session).getByTestId("session-title").textContent).toBe("Harbor Lights");
    expect(within(session).getByTestId("session-subtitle").textContent).toBe("Season 3 · The Long Night Shift");
    expect(within(session).getByTestId("session-user").textContent).toBe("dana");
    expect(within(session).getByTestId("session-player").textContent).toBe("Living Room TV");
    expect(within(session).getByTestId("session-state").textContent).toContain("Playing");
    expect(within(session).getByTestId("session-transcode").textContent).toBe("Direct play");
    expect(within(session).getByTestId("session-source").textContent).toBe("Tautulli");
    expect(within(session).getByTestId("session-server").textContent).toBe("Basement");
    expect(within(session).getByTestId("session-position").textContent).toBe("10:00 / 45:12");
    const bar = within(session).getByRole("progressbar", { name: "Playback position" });
    expect(bar.getAttribute("aria-valuenow")).toBe("22.1");
    expect(screen.getByRole("heading", { name: "Now playing · 1" })).toBeTruthy();
  });

  it("names each session's server, and its id when no report named it", () => {
    const backend = createFakeBackend();
    renderApp(backend);

    act(() =>
      backend.pushLive(
        snapshot([
          liveSession({ session_id: "s-a", source: "plex", server_id: "uuid-attic" }, { server_name: "Attic" }),
          liveSession({ session_id: "s-b", source: "jellyfin", server_id: "jf-den" }, { server_name: null }),
        ]),
      ),
    );

    expect(within(card("s-a")!).getByTestId("session-server").textContent).toBe("Attic");
    expect(within(card("s-b")!).getByTestId("session-server").textContent).toBe("jf-den");
  });

  it("filters the sessions by source and by server, and shows all again", () => {
    const backend = createFakeBackend();
    renderApp(backend);
    act(() =>
      backend.pushLive(
        snapshot([
          liveSession({ session_id: "s-basement", source: "plex", server_id: "uuid-basement" }, { server_name: "Basement" }),
          liveSession({ session_id: "s-attic", source: "plex", server_id: "uuid-attic" }, { server_name: "Attic" }),
          liveSession({ session_id: "s-den", source: "jellyfin", server_id: "jf-den" }, { server_name: "Den" }),
        ]),
      ),
    );
    const shownIds = () =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="live-session"]')].map((el) => el.dataset.sessionId).sort();
    const server = screen.getByTestId("live-filter-server") as HTMLSelectElement;
    const source = screen.getByTestId("live-filter-source") as HTMLSelectElement;
    expect([...server.options].map((o) => o.textContent)).toEqual(["Any server", "Attic", "Basement", "Den"]);
    expect([...source.options].map((o) => o.textContent)).toEqual(["Any source", "Jellyfin", "Plex"]);

    act(() => fireEvent.change(source, { target: { value: "plex" } }));
    expect(shownIds()).toEqual(["s-attic", "s-basement"]);
    act(() => fireEvent.change(server, { target: { value: "uuid-attic" } }));
    expect(shownIds()).toEqual(["s-attic"]);
    act(() => fireEvent.change(source, { target: { value: "jellyfin" } }));
    expect(shownIds()).toEqual([]);
    expect(screen.getByTestId("live-sessions-filtered-out").textContent).toContain("No session here matches");

    act(() => screen.getByTestId("live-filter-clear").click());
    expect(shownIds()).toEqual(["s-attic", "s-basement", "s-den"]);
    expect(screen.queryByTestId("live-filter-clear")).toBeNull();
  });

  it("lists recent events newest first with time, source, type, user and title", () => {
    const backend = createFakeBackend();
    renderApp(backend);
    act(() =>
      backend.pushLive(
        snapshot([], [mediaEvent({ event_id: "ev-1", occurred_at: "2026-11-27T13:43:30Z" })]),
      ),
    );

    push(backend, {
      type: "event",
      data: mediaEvent({
        event_id: "ev-2",
        event_type: "pause",
        occurred_at: "2026-11-27T13:50:05Z",
        username: "sam",
        origin: "poll",
      }),
    });

    const rows = screen.getAllByTestId("recent-event");
    expect(rows.map((row) => row.getAttribute("data-event-id"))).toEqual(["ev-2", "ev-1"]);
    const cells = within(rows[0]!).getAllByRole("cell").map((cell) => cell.textContent);
    expect(cells).toEqual(["13:50:05", "Tautulli via poll", "Paused", "sam", "Harbor Lights — Season 3 · The Long Night Shift"]);
    // A webhook, the usual way, is not marked.
    expect(within(rows[1]!).queryByTestId("event-origin")).toBeNull();
  });

  it("updates a session in place and removes it when it stops, without resubscribing", () => {
    const backend = createFakeBackend();
    renderApp(backend);
    act(() => backend.pushLive(snapshot([])));
    expect(screen.getByTestId("live-sessions-empty").textContent).toBe("Nobody is watching right now.");

    push(backend, { type: "session", data: liveSession() });
    const first = card("s-ev-1");
    expect(first?.getAttribute("data-state")).toBe("playing");

    push(backend, {
      type: "session",
      data: liveSession({ state: "paused" }, { position_ms: 620_000, as_of: "2026-11-27T13:44:00Z" }),
    });
    expect(card("s-ev-1")).toBe(first);
    expect(first?.getAttribute("data-state")).toBe("paused");
    expect(within(first!).getByTestId("session-position").textContent).toBe("10:20 / 45:12");

    push(backend, { type: "session", data: liveSession({ state: "stopped" }, { as_of: "2026-11-27T13:45:00Z" }) });
    expect(card("s-ev-1")).toBeNull();
    expect(backend.subscribeLive).toHaveBeenCalledOnce();
  });

  it("starts over on a resync snapshot", () => {
    const backend = createFakeBackend();
    renderApp(backend);
    act(() => backend.pushLive(snapshot([liveSession({ session_id: "a" }), liveSession({ session_id: "b" })])));
    expect(screen.getAllByTestId("live-session")).toHaveLength(2);

    act(() => backend.pushLive(snapshot([liveSession({ session_id: "b" })], [])));

    expect(screen.getAllByTestId("live-session").map((element) => element.dataset.sessionId)).toEqual(["b"]);
    expect(screen.getByTestId("recent-events-empty")).toBeTruthy();
  });

  it("shows the pulse of the pipeline from the figures on the feed", () => {
    const backend = createFakeBackend();
    renderApp(backend);
    act(() => backend.pushLive(snapshot([])));

    push(backend, { type: "stats", data: jetstreamStats });

    expect(screen.getByTestId("live-figures").textContent).toBe(
      "105 webhooks/minwebhook → screen 25 ms (median)1,234,567 stored3 dead letters",
    );
  });

  it("says when live updates are interrupted, until the next snapshot", () => {
    const backend = createFakeBackend();
    renderApp(backend);
    act(() => backend.pushLive(snapshot([liveSession()])));

    act(() => backend.pushLiveError(new Error("Live updates were interrupted; reconnecting…")));
    expect(screen.getByTestId("live-error").textContent).toBe(
      "Live updates were interrupted; reconnecting… What is shown may be out of date.",
    );
    expect(card("s-ev-1")).not.toBeNull();

    act(() => backend.pushLive(snapshot([liveSession()])));
    expect(screen.queryByTestId("live-error")).toBeNull();
  });

  it("in a browser without the token, asks for the link instead of subscribing", () => {
    const backend = createFakeBackend({ kind: "http", authorized: false });
    renderApp(backend);

    expect(screen.getByTestId("live-unauthorized").textContent).toContain("needs the API token");
    expect(backend.subscribeLive).not.toHaveBeenCalled();
  });

  it("unsubscribes when another tab is opened", () => {
    const backend = createFakeBackend();
    renderApp(backend);
    expect(backend.liveSubscriberCount()).toBe(1);

    act(() => screen.getByRole("tab", { name: "Health" }).click());

    expect(backend.liveSubscriberCount()).toBe(0);
  });
});

describe("Live view positions", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "setTimeout", "clearTimeout", "Date"] });
    vi.setSystemTime(Date.parse("2026-11-27T13:43:31Z"));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("moves a playing session's position on every second between reports, and holds a paused one", () => {
    const backend = createFakeBackend();
    renderApp(backend);
    act(() =>
      backend.pushLive(
        snapshot([
          liveSession({ session_id: "playing" }),
          liveSession({ session_id: "paused", state: "paused" }, { position_ms: 90_000 }),
        ]),
      ),
    );
    const position = (id: string) => within(card(id)!).getByTestId("session-position").textContent;
    expect(position("playing")).toBe("10:00 / 45:12");

    act(() => vi.advanceTimersByTime(3_000));

    expect(position("playing")).toBe("10:03 / 45:12");
    expect(card("playing")!.querySelector("[data-position-ms]")?.getAttribute("data-position-ms")).toBe("603000");
    expect(position("paused")).toBe("1:30 / 45:12");
  });
});
