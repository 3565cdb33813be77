// The Analytics view against a fake Backend, inside the app: every chart from the engine's rows
// (days filled, weekdays in order, a readable table behind each), empty and error states, and
// range, source and metric kept in the URL and sent to the engine with the zone's offsets.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { Concurrent, Plays, PlaysQuery, Range } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { createFakeBackend } from "../test/fakeBackend";

function answer(query: PlaysQuery): Plays {
  const rows: Record<string, Plays["rows"]> = {
    day: [
      { key: "2026-11-27", series: query.series === "transcode" ? "transcode" : "movie", plays: 2, duration_s: 7200 },
      { key: "2026-11-29", series: query.series === "transcode" ? "direct play" : "episode", plays: 1, duration_s: 1800 },
    ],
    weekday: [
      { key: "Sunday", plays: 1, duration_s: 1800 },
      { key: "Friday", plays: 2, duration_s: 7200 },
    ],
    hour: [{ key: "21", plays: 3, duration_s: 9000 }],
    user: query.order === "duration"
      ? [
          { key: "dana", plays: 1, duration_s: 7000 },
          { key: "lee", plays: 2, duration_s: 2000 },
        ]
      : [
          { key: "lee", plays: 2, duration_s: 2000 },
          { key: "dana", plays: 1, duration_s: 7000 },
        ],
    title: [{ key: "Harbor Lights", plays: 3, duration_s: 9000 }],
    platform: [{ key: "Chrome", plays: 3, duration_s: 9000 }],
  };
  return { by: query.by, series: query.series ?? null, rows: rows[query.by] ?? [] };
}

function renderAnalytics(hash: string, options: {
  getAnalyticsPlays?: (query: PlaysQuery) => Promise<Plays>;
  getAnalyticsConcurrent?: (range: Range) => Promise<Concurrent>;
} = {}) {
  window.history.replaceState(null, "", `/${hash}`);
  const backend = createFakeBackend({
    operations: {
      getAnalyticsPlays: options.getAnalyticsPlays ?? ((q) => Promise.resolve(answer(q))),
      getAnalyticsConcurrent:
        options.getAnalyticsConcurrent ?? (() => Promise.resolve({ rows: [{ key: "2026-11-27", peak: 2 }] })),
    },
  });
  render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
  return backend;
}

const playsCalls = (backend: ReturnType<typeof createFakeBackend>) =>
  (backend.getAnalyticsPlays as unknown as { mock: { calls: [PlaysQuery][] } }).mock.calls.map((c) => c[0]);

describe("Analytics", () => {
  it("draws every chart with a table behind it, days filled and weekdays in order", async () => {
    renderAnalytics("#/analytics?range=custom&from=2026-11-27&to=2026-11-29");
    const perDay = await screen.findByTestId("chart-per-day-bars");
    const dayRows = within(perDay).getAllByRole("row").slice(1);
    expect(dayRows.map((r) => r.querySelector("th")!.textContent)).toEqual(["2026-11-27", "2026-11-28", "2026-11-29"]);
    expect(within(perDay).getByRole("columnheader", { name: "Movies" })).toBeTruthy();
    expect(dayRows[1]!.textContent).toContain("0 plays");

    const weekday = await screen.findByTestId("chart-weekday-bars");
    const weekdays = within(weekday).getAllByRole("row").slice(1).map((r) => r.querySelector("th")!.textContent);
    expect(weekdays).toEqual(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]);
    expect(within(await screen.findByTestId("chart-hour-bars")).getAllByRole("row")).toHaveLength(25);
    const users = await screen.findByTestId("top-users");
    expect(within(users).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["lee2 plays", "dana1 play"]);
    expect(within(await screen.findByTestId("chart-stream-type-bars")).getByRole("columnheader", { name: "Transcode" })).toBeTruthy();
    const concurrent = await screen.findByTestId("chart-concurrent-bars");
    expect(within(concurrent).getAllByRole("row")[1]!.textContent).toBe("2026-11-272 streams");
  });

  it("sends the range, the source and the zone's offsets, and keeps them in the URL", async () => {
    const backend = renderAnalytics("#/analytics");
    await screen.findByTestId("top-users");
    const first = playsCalls(backend)[0]!;
    expect(first.tz).toBe("0");
    expect(Math.abs(Date.now() - 30 * 86_400_000 - Date.parse(first.since!))).toBeLessThan(60_000);
    fireEvent.change(screen.getByTestId("analytics-source"), { target: { value: "plex" } });
    expect(window.location.hash).toBe("#/analytics?source=plex");
    fireEvent.change(screen.getByTestId("analytics-range"), { target: { value: "all" } });
    expect(window.location.hash).toBe("#/analytics?range=all&source=plex");
    await waitFor(() => expect(playsCalls(backend).some((q) => q.source === "plex" && q.since === null)).toBe(true));
  });

  it("counts time played instead of plays, ranking the top lists by it", async () => {
    const backend = renderAnalytics("#/analytics");
    await screen.findByTestId("top-users");
    fireEvent.click(screen.getByTestId("metric-duration"));
    expect(window.location.hash).toBe("#/analytics?metric=duration");
    await waitFor(() => {
      const users = within(screen.getByTestId("top-users")).getAllByRole("listitem");
      expect(users.map((li) => li.textContent)).toEqual(["dana1 h 57 min", "lee33 min"]);
    });
    expect(playsCalls(backend).some((q) => q.by === "user" && q.order === "duration")).toBe(true);
  });

  it("says why a chart is empty and what to change", async () => {
    renderAnalytics("#/analytics", {
      getAnalyticsPlays: (q) => Promise.resolve({ by: q.by, series: null, rows: [] }),
      getAnalyticsConcurrent: () => Promise.resolve({ rows: [] }),
    });
    const empty = await screen.findByTestId("chart-users-empty");
    expect(empty.textContent).toMatch(/No plays in this range/);
    expect(await screen.findByTestId("chart-concurrent-empty")).toBeTruthy();
  });

  it("shows a failed chart with a Retry that asks again", async () => {
    const getAnalyticsConcurrent = vi
      .fn()
      .mockRejectedValueOnce(new Error("the analytics cannot be read now"))
      .mockResolvedValue({ rows: [{ key: "2026-11-27", peak: 1 }] });
    renderAnalytics("#/analytics", { getAnalyticsConcurrent });
    const card = await screen.findByTestId("chart-concurrent");
    const alert = await within(card).findByRole("alert");
    expect(alert.textContent).toContain("the analytics cannot be read now");
    fireEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("chart-concurrent-bars")).toBeTruthy();
  });
});
