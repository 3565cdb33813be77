// The History view against a fake Backend, inside the app (its route in the URL fragment):
// loading, empty and error states, filters written to the URL and sent to the engine, deep
// links, sorting, paging as the list scrolls, and a row opening that session's events.
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { MediaEvent, Page, Session, SessionFilter } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { createFakeBackend, type FakeBackendOptions } from "../test/fakeBackend";
import { liveSession, mediaEvent } from "../test/fixtures";

// jsdom lays nothing out; the virtualised table needs a viewport to fill.
const sizes = { clientHeight: 600, clientWidth: 1200 };
const saved = Object.fromEntries(
  Object.keys(sizes).map((key) => [key, Object.getOwnPropertyDescriptor(HTMLElement.prototype, key)]),
);
beforeAll(() => {
  for (const [key, value] of Object.entries(sizes)) {
    Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => value });
  }
});
afterAll(() => {
  for (const [key, descriptor] of Object.entries(saved)) {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, key, descriptor);
  }
});

function session(n: number, overrides: Partial<Session> = {}): Session {
  return {
    ...liveSession({
      session_id: `s-${n}`,
      title: `Episode ${n}`,
      state: "stopped",
      stopped_at: "2026-11-27T14:30:00Z",
      play_ms: 1_800_000,
      ...overrides,
    }).session,
  };
}

function page<T>(items: T[], next_cursor: string | null = null): Page<T> {
  return { items, next_cursor };
}

function renderHistory(hash: string, operations: FakeBackendOptions["operations"]) {
  window.history.replaceState(null, "", `/${hash}`);
  const backend = createFakeBackend({ operations });
  render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
  return backend;
}

const lastFilter = (mock: unknown): SessionFilter => {
  const calls = (mock as { mock: { calls: [SessionFilter, unknown][] } }).mock.calls;
  return calls[calls.length - 1]![0];
};

describe("History", () => {
  it("is a tab whose route shows the sessions with their columns", async () => {
    renderHistory("", { listSessions: () => Promise.resolve(page([session(1, { platform: "Roku" })])) });
    fireEvent.click(screen.getByTestId("tab-history"));
    expect(window.location.hash).toBe("#/history");
    const row = await screen.findByTestId("history-row");
    expect(within(row).getByText("Harbor Lights — Season 3 — Episode 1")).toBeTruthy();
    expect(within(row).getByText("Roku")).toBeTruthy();
    expect(within(row).getByText("Direct play")).toBeTruthy();
    expect(within(row).getByText("30:00")).toBeTruthy();
  });

  it("says it is loading, then why it is empty and what to do", async () => {
    let answer: (value: Page<Session>) => void = () => {};
    renderHistory("#/history", { listSessions: () => new Promise((resolve) => (answer = resolve)) });
    expect(screen.getByTestId("history-loading")).toBeTruthy();
    act(() => answer(page([])));
    expect((await screen.findByTestId("history-empty")).textContent).toMatch(/Connect a source/);
  });

  it("offers to clear filters that match nothing", async () => {
    renderHistory("#/history?user=nobody", { listSessions: () => Promise.resolve(page([])) });
    const empty = await screen.findByTestId("history-empty");
    fireEvent.click(within(empty).getByRole("button", { name: "Clear the filters" }));
    expect(window.location.hash).toBe("#/history");
  });

  it("shows a failure with a Retry that asks again", async () => {
    const listSessions = vi
      .fn()
      .mockRejectedValueOnce(new Error("database error: boom"))
      .mockResolvedValue(page([session(1)]));
    renderHistory("#/history", { listSessions });
    const error = await screen.findByTestId("history-error");
    expect(error.textContent).toContain("database error: boom");
    fireEvent.click(within(error).getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("history-row")).toBeTruthy();
  });

  it("reads a deep link's filters and sends them to the engine", async () => {
    const backend = renderHistory("#/history?user=lee&media_type=movie&decision=transcode&q=dune&sort=user&order=asc", {
      listSessions: () => Promise.resolve(page([session(1)])),
    });
    await screen.findByTestId("history-row");
    expect(lastFilter(backend.listSessions)).toMatchObject({
      user: "lee",
      media_type: "movie",
      decision: "transcode",
      q: "dune",
      sort: "user",
      order: "asc",
      since: null,
    });
    expect(screen.getByTestId("history-user")).toHaveProperty("value", "lee");
  });

  it("writes a filter into the URL, where Back undoes it", async () => {
    const backend = renderHistory("#/history", { listSessions: () => Promise.resolve(page([session(1)])) });
    await screen.findByTestId("history-row");
    fireEvent.change(screen.getByTestId("history-media-type"), { target: { value: "episode" } });
    expect(window.location.hash).toBe("#/history?media_type=episode");
    await waitFor(() => expect(lastFilter(backend.listSessions).media_type).toBe("episode"));
    fireEvent.change(screen.getByTestId("history-range"), { target: { value: "7d" } });
    expect(window.location.hash).toBe("#/history?range=7d&media_type=episode");
    await waitFor(() => expect(lastFilter(backend.listSessions).since).not.toBeNull());
    const since = Date.parse(lastFilter(backend.listSessions).since!);
    expect(Math.abs(Date.now() - 7 * 86_400_000 - since)).toBeLessThan(60_000);

    act(() => {
      window.history.back();
    });
    await waitFor(() => expect(window.location.hash).toBe("#/history?media_type=episode"));
    await waitFor(() => expect(screen.getByTestId("history-range")).toHaveProperty("value", "all"));
  });

  it("sends typed search text once typing pauses", async () => {
    const backend = renderHistory("#/history", { listSessions: () => Promise.resolve(page([session(1)])) });
    await screen.findByTestId("history-row");
    fireEvent.change(screen.getByTestId("history-search"), { target: { value: "harbor" } });
    await waitFor(() => expect(window.location.hash).toBe("#/history?q=harbor"));
    await waitFor(() => expect(lastFilter(backend.listSessions).q).toBe("harbor"));
  });

  it("sorts from a column header, flipping the order on a second click", async () => {
    const backend = renderHistory("#/history", { listSessions: () => Promise.resolve(page([session(1)])) });
    await screen.findByTestId("history-row");
    fireEvent.click(screen.getByTestId("sort-duration"));
    expect(window.location.hash).toBe("#/history?sort=duration");
    await waitFor(() => expect(lastFilter(backend.listSessions)).toMatchObject({ sort: "duration", order: "desc" }));
    fireEvent.click(screen.getByTestId("sort-duration"));
    expect(window.location.hash).toBe("#/history?sort=duration&order=asc");
    expect(screen.getByRole("columnheader", { name: /Duration/ }).getAttribute("aria-sort")).toBe("ascending");
  });

  it("fetches the next page with the cursor when the end of the list comes into view", async () => {
    const first = Array.from({ length: 30 }, (_, i) => session(i));
    const second = Array.from({ length: 30 }, (_, i) => session(100 + i));
    const listSessions = vi.fn((_filter: SessionFilter, args: { cursor?: string | null }) =>
      Promise.resolve(args.cursor === "c1" ? page(second) : page(first, "c1")),
    );
    renderHistory("#/history", { listSessions });
    await screen.findAllByTestId("history-row");
    await waitFor(() => expect(listSessions).toHaveBeenCalledTimes(2));
    expect(listSessions.mock.calls[1]![1]).toMatchObject({ cursor: "c1", limit: 200 });
    // Rendered rows stay a window of the 60, not all of them.
    await waitFor(() => expect(screen.getByTestId("history-table").getAttribute("aria-rowcount")).toBe("61"));
    expect(screen.getAllByTestId("history-row").length).toBeLessThan(60);
  });

  it("opens a row's events from the keyboard, with the session in the URL, and closes with Escape", async () => {
    const events: MediaEvent[] = [
      mediaEvent({ event_id: "e-stop", event_type: "stop", occurred_at: "2026-11-27T14:30:00Z" }),
      mediaEvent({ event_id: "e-start", event_type: "start", occurred_at: "2026-11-27T14:00:00Z" }),
    ];
    const backend = renderHistory("#/history?user=dana", {
      listSessions: () => Promise.resolve(page([session(7)])),
      listEvents: () => Promise.resolve(page(events)),
    });
    const row = await screen.findByTestId("history-row");
    fireEvent.keyDown(row, { key: "Enter" });
    expect(window.location.hash).toBe("#/history/s-7?user=dana");
    const panel = await screen.findByTestId("session-events");
    expect(await within(panel).findAllByTestId("session-event")).toHaveLength(2);
    expect(backend.listEvents).toHaveBeenCalledWith({ session: "s-7" }, { limit: 500 });
    expect(within(panel).getByText("stop")).toBeTruthy();
    fireEvent.keyDown(panel, { key: "Escape" });
    expect(window.location.hash).toBe("#/history?user=dana");
    expect(screen.queryByTestId("session-events")).toBeNull();
  });

  it("exports the sessions the filters cover", async () => {
    const exportHistory = vi.fn(() => Promise.resolve({ kind: "saved" as const, path: "/home/dana/h.csv", rows: 42 }));
    renderHistory("#/history?source=plex", {
      listSessions: () => Promise.resolve(page([session(1)])),
      exportHistory,
    });
    await screen.findByTestId("history-row");
    fireEvent.click(screen.getByTestId("history-export-parquet"));
    expect((await screen.findByTestId("history-export-result")).textContent).toBe("Saved 42 rows to /home/dana/h.csv");
    expect(exportHistory).toHaveBeenCalledWith({ table: "sessions", filter: expect.objectContaining({ source: "plex" }) }, "parquet");
  });
});
