// The one data layer, seen from the views: a figure shown in several places is one cache entry
// (one fetch, one subscription, every place updated by one push), the live feed's figures land
// in that same entry, and an action invalidates what it changed so every view shows the result.
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { DlqEntry, DlqGroup, Health, Stats } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { useHealth } from "../health/useHealth";
import { useStats } from "../health/useStats";
import { useSessionPages } from "../history/useSessionPages";
import { ImportHistory } from "../setup/ImportHistory";
import { createFakeBackend, type FakeBackend, type FakeBackendOptions } from "../test/fakeBackend";
import { dlqEntry, healthyHealth, jetstreamStats, jobStatus, liveSession, mixedHealth, setupOverview } from "../test/fixtures";
import { TestProviders } from "../test/TestProviders";
import { giveElementsASize } from "../test/sizedLayout";

// The dead-letter list is virtualised: it needs a box to fill.
giveElementsASize();

function HealthFigure({ name }: { name: string }) {
  const { health } = useHealth();
  return <p data-testid={`health-${name}`}>{health?.status ?? "none"}</p>;
}

function StoredFigure({ name }: { name: string }) {
  const { stats } = useStats();
  return <p data-testid={`stored-${name}`}>{stats?.events_stored ?? "none"}</p>;
}

function SessionCount() {
  const { data } = useSessionPages({});
  return <p data-testid="session-count">{data?.pages[0]?.items.length ?? "none"}</p>;
}

function renderApp(options: FakeBackendOptions): FakeBackend {
  const backend = createFakeBackend(options);
  render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
  return backend;
}

const text = (testId: string) => screen.getByTestId(testId).textContent;

beforeEach(() => {
  localStorage.clear();
});

describe("one cache entry per figure", () => {
  it("fetches health once and subscribes once for two components showing it, and a push reaches both", async () => {
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(healthyHealth) });
    const { rerender } = render(
      <TestProviders backend={backend}>
        <HealthFigure name="a" />
        <HealthFigure name="b" />
      </TestProviders>,
    );
    await waitFor(() => expect(text("health-a")).toBe("ok"));
    expect(text("health-b")).toBe("ok");
    expect(backend.getHealth).toHaveBeenCalledTimes(1);
    expect(backend.subscriberCount()).toBe(1);

    act(() => backend.pushHealth(mixedHealth));
    expect(text("health-a")).toBe(mixedHealth.status);
    expect(text("health-b")).toBe(mixedHealth.status);

    // The subscription lives as long as anyone shows the figure, and ends with the last.
    rerender(
      <TestProviders backend={backend}>
        <HealthFigure name="a" />
      </TestProviders>,
    );
    expect(backend.subscriberCount()).toBe(1);
    rerender(<TestProviders backend={backend}>{null}</TestProviders>);
    expect(backend.subscriberCount()).toBe(0);
  });

  it("keeps a pushed health over an older fetched answer", async () => {
    let answer: (health: Health) => void = () => {};
    const backend = createFakeBackend({ getHealth: () => new Promise((resolve) => (answer = resolve)) });
    render(
      <TestProviders backend={backend}>
        <HealthFigure name="a" />
      </TestProviders>,
    );
    await waitFor(() => expect(backend.getHealth).toHaveBeenCalled());
    act(() => backend.pushHealth(mixedHealth));
    await act(async () => answer(healthyHealth));
    expect(text("health-a")).toBe(mixedHealth.status);
  });

  it("hands one stats push to every component showing the figures, through one subscription", () => {
    const backend = createFakeBackend();
    render(
      <TestProviders backend={backend}>
        <StoredFigure name="a" />
        <StoredFigure name="b" />
      </TestProviders>,
    );
    expect(backend.onStats).toHaveBeenCalledTimes(1);
    act(() => backend.pushStats({ ...jetstreamStats, events_stored: 4321 }));
    expect(text("stored-a")).toBe("4321");
    expect(text("stored-b")).toBe("4321");
  });

  it("shows the live feed's figures in the tabs and the Live view alike, as one entry", async () => {
    const backend = renderApp({ getHealth: () => Promise.resolve(healthyHealth) });
    act(() => backend.pushLive({ kind: "snapshot", snapshot: { sessions: [], recent_events: [] } }));
    act(() => backend.pushStats({ ...jetstreamStats, dlq_size: 3 }));
    expect(text("tab-dlq-count")).toBe("3");
    expect(text("live-figures")).toContain("3 dead letters");

    // Figures on the live feed reach the tab's count, not only the Live view.
    act(() => backend.pushLive({ kind: "messages", messages: [{ type: "stats", data: { ...jetstreamStats, dlq_size: 7 } }] }));
    expect(text("tab-dlq-count")).toBe("7");
    expect(text("live-figures")).toContain("7 dead letters");
    expect(backend.onStats).toHaveBeenCalledTimes(1);
  });

  it("reads the settings once for the theme and the Settings section", async () => {
    const backend = renderApp({ getHealth: () => Promise.resolve(healthyHealth) });
    fireEvent.click(screen.getByTestId("tab-settings"));
    await screen.findByTestId("settings-save");
    expect(backend.getSettings).toHaveBeenCalledTimes(1);
  });

  it("opens the first-run wizard on the overview the first-run check fetched, without asking again", async () => {
    const backend = renderApp({ getHealth: () => Promise.resolve(healthyHealth), getSetup: () => Promise.resolve(setupOverview()) });
    await screen.findByTestId("setup-panel-listener");
    expect(backend.getSetup).toHaveBeenCalledTimes(1);
  });
});

describe("actions invalidate what they change", () => {
  it("asks for health again after pausing ingestion, so the banner says so without waiting for a push", async () => {
    let paused = false;
    const health = (): Health => ({
      ...healthyHealth,
      parts: { ...healthyHealth.parts, ingestion: paused ? { status: "disabled", detail: "paused" } : { status: "up", detail: "accepting webhooks" } },
    });
    const pauseIngestion = vi.fn(() => {
      paused = true;
      return Promise.resolve({ paused: true, since: "2026-11-27T13:43:30Z" });
    });
    renderApp({ getHealth: () => Promise.resolve(health()), operations: { pauseIngestion } });
    fireEvent.click(screen.getByTestId("tab-health"));
    const notice = await screen.findByTestId("ingestion-notice");
    expect(notice.getAttribute("data-paused")).toBe("false");
    fireEvent.click(screen.getByTestId("ingestion-toggle"));
    await waitFor(() => expect(screen.getByTestId("ingestion-notice").getAttribute("data-paused")).toBe("true"));
  });

  /** A small engine: retrying a dead letter stores it, so it leaves the list, the groups and the count. */
  function deadLetterEngine() {
    const stored: DlqEntry[] = [dlqEntry(), dlqEntry({ id: "dlq-2", event_id: "ev-5" })];
    const groups = (): DlqGroup[] =>
      stored.length === 0
        ? []
        : [
            {
              source: "tautulli",
              kind: "rejected",
              code: "invalid_json",
              count: stored.length,
              first_failed_at: "2026-11-27T10:00:00Z",
              last_failed_at: "2026-11-27T13:43:30Z",
              sample_id: stored[0]!.id,
              sample_error: "the body is not valid JSON",
            },
          ];
    const stats = (): Stats => ({ ...jetstreamStats, dlq_size: stored.length });
    return {
      getHealth: () => Promise.resolve(healthyHealth),
      listDlq: vi.fn(() => Promise.resolve({ items: [...stored], next_cursor: null })),
      listDlqGroups: vi.fn(() => Promise.resolve(groups())),
      getStats: vi.fn(() => Promise.resolve(stats())),
      retryDlq: vi.fn((id: string) => {
        stored.splice(
          stored.findIndex((entry) => entry.id === id),
          1,
        );
        return Promise.resolve({ id, event_id: "ev-42", result: "stored" as const });
      }),
      stats,
      stored,
    };
  }

  it("refreshes the groups and the dead-letter count after a retry, and the list shows it gone", async () => {
    const engine = deadLetterEngine();
    const backend = renderApp(engine);
    act(() => backend.pushStats(engine.stats()));
    fireEvent.click(screen.getByTestId("tab-dlq"));
    await waitFor(() => expect(screen.getAllByTestId("dlq-entry")).toHaveLength(2));
    await waitFor(() => expect(text("dlq-group-count")).toContain("2"));
    expect(text("tab-dlq-count")).toBe("2");
    const groupsAsked = engine.listDlqGroups.mock.calls.length;

    const row = screen.getAllByTestId("dlq-entry").find((candidate) => candidate.getAttribute("data-entry-id") === "dlq-1")!;
    fireEvent.click(within(row).getByTestId("dlq-entry-open"));
    fireEvent.click(within(screen.getByTestId("dlq-detail")).getByTestId("dlq-retry"));

    await screen.findByTestId("dlq-notice");
    // The groups and the figures were asked again, not waited for until the next push.
    await waitFor(() => expect(text("dlq-group-count")).toContain("1 entry"));
    expect(engine.listDlqGroups.mock.calls.length).toBe(groupsAsked + 1);
    await waitFor(() => expect(text("tab-dlq-count")).toBe("1"));
    expect(engine.getStats).toHaveBeenCalled();
    expect(screen.getAllByTestId("dlq-entry").map((entry) => entry.getAttribute("data-entry-id"))).toEqual(["dlq-2"]);
  });

  it("has the history ask again once a history import finished", async () => {
    const sessions = [liveSession().session];
    const running = jobStatus({ id: "job-imp", kind: "tautulli_import", total: 2, done: 0 });
    const done = { ...running, state: "done" as const, done: 2 };
    const getJob = vi.fn(() => Promise.resolve(getJob.mock.calls.length === 1 ? running : done));
    const backend = createFakeBackend({
      importTautulli: () => {
        sessions.push(liveSession({ session_id: "imported" }).session);
        return Promise.resolve({ job_id: "job-imp", resumed_from: 0 });
      },
      getJob,
      operations: { listSessions: vi.fn(() => Promise.resolve({ items: [...sessions], next_cursor: null })) },
    });
    render(
      <TestProviders backend={backend}>
        <SessionCount />
        <ImportHistory />
      </TestProviders>,
    );
    await waitFor(() => expect(text("session-count")).toBe("1"));
    fireEvent.click(screen.getByTestId("tautulli-import-start"));
    await screen.findByTestId("tautulli-import-result", {}, { timeout: 3000 });
    await waitFor(() => expect(text("session-count")).toBe("2"));
    expect(backend.listSessions).toHaveBeenCalledTimes(2);
  });

  it("asks for the dead letters again when the pushed count says new ones arrived", async () => {
    const engine = deadLetterEngine();
    const backend = renderApp(engine);
    act(() => backend.pushStats(engine.stats()));
    fireEvent.click(screen.getByTestId("tab-dlq"));
    await waitFor(() => expect(screen.getAllByTestId("dlq-entry")).toHaveLength(2));

    engine.stored.unshift(dlqEntry({ id: "dlq-new", event_id: "ev-9" }));
    act(() => backend.pushStats(engine.stats()));
    await waitFor(() => expect(screen.getAllByTestId("dlq-entry")).toHaveLength(3));
    await waitFor(() => expect(text("dlq-group-count")).toContain("3"));
  });
});
