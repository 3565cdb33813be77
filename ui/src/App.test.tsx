// Dashboard behaviour against a fake Backend: what a person sees for a given health,
// live updates, and readable failures.
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import type { Health, Stats } from "./backend/Backend";
import { BackendProvider } from "./backend/BackendContext";
import type { SectionId } from "./layout/SectionTabs";
import { createFakeBackend, type FakeBackend } from "./test/fakeBackend";
import {
  directStats,
  engineInfo,
  healthyHealth,
  jetstreamStats,
  mixedHealth,
  quietStatsDetails,
} from "./test/fixtures";

/** Renders the app and opens `section` (Live is the default tab; these tests are mostly Health's). */
function renderApp(backend: FakeBackend, section: SectionId = "health") {
  const rendered = render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
  if (section !== "live") fireEvent.click(screen.getByTestId(`tab-${section}`));
  return rendered;
}

function partKeysInOrder(): string[] {
  return screen.getAllByTestId(/^part-/).map((card) => card.getAttribute("data-testid") ?? "");
}

/** A promise the test settles by hand, to control when the "engine" answers. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  return { promise, resolve, reject };
}

/**
 * Stats as untyped JSON may carry them: the engine's counts are never null, but the UI still
 * hides a figure that arrives as null (statsGuard admits it) rather than showing "null".
 */
function untypedStats(stats: unknown): Stats {
  return stats as Stats;
}

describe("App", () => {
  it("shows the overall badge, the mode and a card per part in pipeline order", async () => {
    renderApp(createFakeBackend({ getHealth: () => Promise.resolve(mixedHealth) }));

    await screen.findByTestId("health-loaded");

    const badge = screen.getByTestId("overall-status");
    expect(badge.textContent).toBe("degraded");
    expect(badge.getAttribute("data-status")).toBe("degraded");
    expect(screen.getByTestId("mode").textContent).toBe("JetStream");

    expect(partKeysInOrder()).toEqual([
      "part-listener",
      "part-nats",
      "part-duckdb",
      "part-archive_sink",
      "part-zeta_probe",
    ]);

    const duckdb = screen.getByTestId("part-duckdb");
    expect(duckdb.getAttribute("data-status")).toBe("down");
    expect(duckdb.textContent).toContain("DuckDB");
    expect(duckdb.textContent).toContain("database is locked");
    expect(screen.getByTestId("part-nats").textContent).toContain("NATS JetStream");
    expect(screen.getByTestId("part-archive_sink").getAttribute("data-status")).toBe("disabled");
    expect(screen.getByTestId("part-archive_sink").textContent).toContain("Archive Sink");
  });

  it("labels direct mode as having no replay", async () => {
    const direct: Health = { ...healthyHealth, mode: "direct" };
    renderApp(createFakeBackend({ getHealth: () => Promise.resolve(direct) }));

    expect((await screen.findByTestId("mode")).textContent).toBe("Direct mode — replay unavailable");
  });

  it("re-renders when the backend pushes a new health", async () => {
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(mixedHealth) });
    renderApp(backend);
    await screen.findByTestId("health-loaded");
    expect(screen.getByTestId("overall-status").textContent).toBe("degraded");

    act(() => backend.pushHealth(healthyHealth));

    expect(screen.getByTestId("overall-status").textContent).toBe("ok");
    expect(screen.getByTestId("part-duckdb").getAttribute("data-status")).toBe("up");
    expect(partKeysInOrder()).toEqual(["part-listener", "part-nats", "part-duckdb"]);
    expect(backend.getHealth).toHaveBeenCalledTimes(1);
  });

  it("does not let a slow first answer overwrite a newer live update", async () => {
    const firstAnswer = deferred<Health>();
    const backend = createFakeBackend({ getHealth: () => firstAnswer.promise });
    renderApp(backend);

    act(() => backend.pushHealth(healthyHealth));
    await act(async () => firstAnswer.resolve(mixedHealth));

    expect(screen.getByTestId("overall-status").textContent).toBe("ok");
  });

  it("explains a failed health call instead of showing a blank page, and can retry", async () => {
    let failNextCall = true;
    const backend = createFakeBackend({
      getHealth: () =>
        failNextCall
          ? Promise.reject(new Error("Cannot reach the engine at http://127.0.0.1:3857: Failed to fetch"))
          : Promise.resolve(healthyHealth),
    });
    renderApp(backend);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Cannot reach the engine at http://127.0.0.1:3857: Failed to fetch");
    expect(screen.queryByTestId("health-loaded")).toBeNull();
    expect(screen.queryByTestId("overall-status")).toBeNull();

    failNextCall = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));

    await screen.findByTestId("health-loaded");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByTestId("overall-status").textContent).toBe("ok");
  });

  it("keeps the last health on screen but flags a failed live update until the next one", async () => {
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(healthyHealth) });
    renderApp(backend);
    await screen.findByTestId("health-loaded");

    act(() => backend.pushError(new Error("Cannot reach the engine at http://127.0.0.1:3857: connection refused")));

    expect(screen.getByTestId("health-error").textContent).toContain("connection refused");
    expect(screen.getByTestId("part-listener")).toBeTruthy();

    act(() => backend.pushHealth(mixedHealth));
    expect(screen.queryByTestId("health-error")).toBeNull();
  });

  it("shows engine details and the backend kind in the footer", async () => {
    renderApp(createFakeBackend({ kind: "tauri", getHealth: () => Promise.resolve(healthyHealth) }));

    expect((await screen.findByTestId("engine-version")).textContent).toBe(engineInfo.version);
    expect(screen.getByTestId("engine-data-dir").textContent).toBe(engineInfo.data_dir);
    expect(screen.getByTestId("engine-listen").textContent).toBe(engineInfo.listen);
    expect(screen.getByTestId("backend-kind").textContent).toBe("tauri");
    expect(screen.queryByTestId("connection-notice")).toBeNull();
  });

  it("asks for the engine's details again when the listener moved, so the footer says where it listens now", async () => {
    let listen = "127.0.0.1:3857";
    const backend = createFakeBackend({
      getHealth: () => Promise.resolve(healthyHealth),
      getEngineInfo: () => Promise.resolve({ ...engineInfo, listen }),
    });
    renderApp(backend);
    await waitFor(() => expect(screen.getByTestId("engine-listen").textContent).toBe("127.0.0.1:3857"));
    await screen.findByTestId("health-loaded");

    listen = "192.168.1.20:3857";
    act(() =>
      backend.pushHealth({
        ...healthyHealth,
        parts: { ...healthyHealth.parts, listener: { status: "up", detail: "http://192.168.1.20:3857" } },
      }),
    );

    await waitFor(() => expect(screen.getByTestId("engine-listen").textContent).toBe("192.168.1.20:3857"));
  });

  it("in a browser without the token, asks for the server's link and skips engine details", async () => {
    const backend = createFakeBackend({
      kind: "http",
      authorized: false,
      getHealth: () => Promise.resolve(healthyHealth),
    });
    renderApp(backend);

    await screen.findByTestId("health-loaded");
    expect(screen.getByTestId("connection-notice").textContent).toBe(
      "Open the link printed by cartographus-server to connect live updates.",
    );
    expect(screen.getByTestId("backend-kind").textContent).toBe("http");
    expect(backend.getEngineInfo).not.toHaveBeenCalled();
    expect(screen.queryByTestId("engine-version")).toBeNull();
  });

  it("stops listening for health when unmounted", async () => {
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(healthyHealth) });
    const { unmount } = renderApp(backend);
    await waitFor(() => expect(backend.subscriberCount()).toBe(1));

    unmount();

    expect(backend.subscriberCount()).toBe(0);
  });
});

describe("App pipeline figures", () => {
  async function renderWithStats(stats: Stats) {
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(healthyHealth) });
    renderApp(backend);
    await screen.findByTestId("health-loaded");
    act(() => backend.pushStats(stats));
    return backend;
  }

  const STAT_IDS = ["stat-stream-messages", "stat-spool-pending", "stat-events-stored", "stat-dlq-size"];

  it("shows a tile per figure, with thousands separators, below the part cards", async () => {
    await renderWithStats(jetstreamStats);

    expect(screen.getByTestId("stat-stream-messages").textContent).toBe("48,210");
    expect(screen.getByTestId("stat-spool-pending").textContent).toBe("0");
    expect(screen.getByTestId("stat-events-stored").textContent).toBe("1,234,567");
    expect(screen.getByTestId("stat-dlq-size").textContent).toBe("3");

    const strip = screen.getByRole("region", { name: "Pipeline" });
    expect(strip.textContent).toContain("Events in stream");
    expect(strip.textContent).toContain("Waiting in spool");
    expect(strip.textContent).toContain("Stored in DuckDB");
    expect(strip.textContent).toContain("Dead letters");
    // After the cards, not inside them.
    const cards = screen.getByTestId("health-loaded");
    expect(cards.contains(strip)).toBe(false);
    expect(cards.compareDocumentPosition(strip) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("puts the sidecar line in the NATS card only", async () => {
    await renderWithStats(jetstreamStats);

    const line = screen.getByTestId("sidecar-status");
    expect(line.textContent).toBe("pid 1234 · up 5m 12s · 0 restarts · 38 MB");
    expect(screen.getByTestId("part-nats").contains(line)).toBe(true);
    expect(screen.getAllByTestId("sidecar-status")).toHaveLength(1);
    // No restarts yet: no last exit to explain.
    expect(screen.queryByTestId("sidecar-last-exit")).toBeNull();
    // The existing test ids are untouched.
    expect(screen.getByTestId("part-nats").getAttribute("data-status")).toBe("up");
  });

  it("updates the sidecar line when a restart is pushed", async () => {
    const backend = await renderWithStats(jetstreamStats);
    expect(screen.getByTestId("sidecar-status").textContent).toContain("pid 1234");

    act(() =>
      backend.pushStats({
        ...jetstreamStats,
        sidecar: { pid: null, uptime_s: 0, restarts: 1, rss_bytes: null, last_exit: "signal: 9 (SIGKILL)" },
      }),
    );
    expect(screen.getByTestId("sidecar-status").textContent).toBe("not running · 1 restart");
    expect(screen.getByTestId("sidecar-last-exit").textContent).toBe("last exit: signal: 9 (SIGKILL)");

    act(() =>
      backend.pushStats({
        ...jetstreamStats,
        sidecar: { pid: 5678, uptime_s: 3, restarts: 1, rss_bytes: 1_536 * 1024, last_exit: "signal: 9 (SIGKILL)" },
      }),
    );
    expect(screen.getByTestId("sidecar-status").textContent).toBe("pid 5678 · up 3s · 1 restart · 1.5 MB");
    expect(screen.getByTestId("sidecar-last-exit").textContent).toBe("last exit: signal: 9 (SIGKILL)");
  });

  it("hides tiles whose figure is null, and the sidecar line without a sidecar", async () => {
    await renderWithStats(directStats);

    expect(screen.queryByTestId("stat-stream-messages")).toBeNull();
    expect(screen.queryByTestId("stat-spool-pending")).toBeNull();
    expect(screen.getByTestId("stat-events-stored").textContent).toBe("42");
    expect(screen.getByTestId("stat-dlq-size").textContent).toBe("0");
    expect(screen.queryByTestId("sidecar-status")).toBeNull();
  });

  it("hides the whole strip when every figure is null", async () => {
    await renderWithStats(
      untypedStats({
        ...quietStatsDetails,
        events_stored: null,
        dlq_size: null,
        stream: null,
        spool: null,
        sidecar: null,
      }),
    );

    for (const id of STAT_IDS) expect(screen.queryByTestId(id)).toBeNull();
    expect(screen.queryByRole("region", { name: "Pipeline" })).toBeNull();
  });

  it("hides single null figures inside stream and spool too", async () => {
    await renderWithStats(
      untypedStats({
        ...jetstreamStats,
        stream: { messages: null, bytes: null, first_seq: null, last_seq: null },
        spool: { pending: 7, bytes: null },
      }),
    );

    expect(screen.queryByTestId("stat-stream-messages")).toBeNull();
    expect(screen.getByTestId("stat-spool-pending").textContent).toBe("7");
  });

  it("flags events waiting in the spool with the warning style, and only then", async () => {
    const backend = await renderWithStats(jetstreamStats);
    const tileOf = (id: string) => screen.getByTestId(id).closest(".stat-tile");
    expect(tileOf("stat-spool-pending")?.classList.contains("stat-tile--warn")).toBe(false);

    act(() => backend.pushStats({ ...jetstreamStats, spool: { pending: 1_500, bytes: 300_000 } }));

    expect(screen.getByTestId("stat-spool-pending").textContent).toBe("1,500");
    expect(tileOf("stat-spool-pending")?.classList.contains("stat-tile--warn")).toBe(true);
    expect(tileOf("stat-stream-messages")?.classList.contains("stat-tile--warn")).toBe(false);
  });

  it("says why figures are missing or stale, and clears it with the next figures", async () => {
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(healthyHealth) });
    renderApp(backend);
    await screen.findByTestId("health-loaded");

    act(() => backend.pushStatsError(new Error("database is locked")));
    expect(screen.getByTestId("stats-error").textContent).toBe("Pipeline figures unavailable: database is locked");

    act(() => backend.pushStats(jetstreamStats));
    expect(screen.queryByTestId("stats-error")).toBeNull();

    act(() => backend.pushStatsError(new Error("database is locked")));
    expect(screen.getByTestId("stats-error").textContent).toBe("Figures may be out of date: database is locked");
    expect(screen.getByTestId("stat-events-stored").textContent).toBe("1,234,567");
  });

  it("in a browser without the token, does not ask for figures", async () => {
    const backend = createFakeBackend({
      kind: "http",
      authorized: false,
      getHealth: () => Promise.resolve(healthyHealth),
    });
    renderApp(backend);
    await screen.findByTestId("health-loaded");

    expect(backend.onStats).not.toHaveBeenCalled();
    expect(backend.statsSubscriberCount()).toBe(0);
    expect(screen.queryByRole("region", { name: "Pipeline" })).toBeNull();
  });

  it("stops listening for figures when unmounted", async () => {
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(healthyHealth) });
    const { unmount } = renderApp(backend);
    await waitFor(() => expect(backend.statsSubscriberCount()).toBe(1));

    unmount();

    expect(backend.statsSubscriberCount()).toBe(0);
  });
});
