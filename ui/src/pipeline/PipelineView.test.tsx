// The Pipeline view inside the app, against the fake backend: the flow with each stage's state
// and what waits between stages, every panel's figures, the charts of the last 15 minutes (and
// the history fetched again every interval_s), direct mode's empty panels with the reason, a
// degraded part, failures, and the alerts in the view and as the header's badge.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { Health, PipelineAlert, Stats, StatsHistoryView } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { createFakeBackend, type FakeBackendOptions } from "../test/fakeBackend";
import { directStats, healthyHealth, jetstreamStats, statsHistory } from "../test/fixtures";

const busyStats: Stats = {
  ...jetstreamStats,
  consumers: [
    { name: "persist", pending: 1_200, ack_pending: 300, redelivered: 4 },
    { name: "live", pending: 0, ack_pending: 0, redelivered: 0 },
  ],
  spool: { pending: 7, bytes: 7_000 },
};

const jetstreamHealth: Health = {
  status: "ok",
  mode: "jetstream",
  parts: {
    ...healthyHealth.parts,
    nats: { status: "up", detail: "sidecar on nats://127.0.0.1:4222" },
    spool: { status: "up", detail: "empty" },
    stream: { status: "up", detail: "the DuckDB writer keeps up (events kept 7 days)" },
    ingestion: { status: "up", detail: "accepting webhooks" },
  },
};

const directHealth: Health = {
  status: "ok",
  mode: "direct",
  parts: { listener: jetstreamHealth.parts.listener!, duckdb: { status: "up", detail: "open" }, nats: { status: "disabled", detail: "NATS_ENABLED=false" } },
};

const stuck: PipelineAlert = {
  kind: "stuck_consumer",
  severity: "critical",
  cause: "1,500 events wait for the writer and nothing was stored for 75 s",
  action: "Check DuckDB's health and the logs; restart the app if it stays stuck",
  since: "2026-11-30T12:00:00Z",
};
const spoolGrowing: PipelineAlert = {
  kind: "growing_spool",
  severity: "warning",
  cause: "the spool grew from 3 to 7 events over 15 s",
  action: "Check NATS on the Health view",
  since: "2026-11-30T12:00:10Z",
};

function renderPipeline(options: FakeBackendOptions & { health?: Health; stats?: Stats | Error } = {}) {
  window.history.replaceState(null, "", "/#/pipeline");
  const backend = createFakeBackend({
    getHealth: () => Promise.resolve(options.health ?? jetstreamHealth),
    getStatsHistory: () => Promise.resolve(statsHistory),
    ...options,
  });
  render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
  return backend;
}

async function push(backend: ReturnType<typeof createFakeBackend>, stats: Stats) {
  await waitFor(() => expect(backend.statsSubscriberCount()).toBeGreaterThan(0));
  backend.pushStats(stats);
}

const tableRows = (element: HTMLElement) => within(element).getAllByRole("row").map((r) => r.textContent);

describe("Pipeline view", () => {
  it("is a tab after Health and says it is loading until the first figures arrive", async () => {
    renderPipeline();
    expect(screen.getByRole("tab", { name: "Pipeline" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByTestId("pipeline-loading").textContent).toMatch(/Asking the engine/);
  });

  it("draws the flow with each stage's state in words and where events wait", async () => {
    const backend = renderPipeline();
    await push(backend, busyStats);
    const listener = await screen.findByTestId("stage-listener");
    expect(listener.getAttribute("aria-label")).toBe("Listener: up. listening on 127.0.0.1:3857. 2/s accepted");
    expect(listener.tabIndex).toBe(0);
    expect(screen.getByTestId("stage-jetstream").textContent).toContain("48,210 messages");
    expect(screen.getByTestId("stage-persist").textContent).toContain("4/s stored");
    expect(screen.getByTestId("link-jetstream-persist").textContent).toBe("→1,200 pending300 ack pending4 redelivered");
    expect(screen.getByTestId("link-jetstream-persist").getAttribute("data-busy")).toBe("true");
    backend.pushStats(jetstreamStats);
    await waitFor(() => expect(screen.getByTestId("link-jetstream-persist").textContent).toBe("→0 pending0 ack pending"));
    expect(screen.getByTestId("link-jetstream-persist").getAttribute("data-busy")).toBe("false");
    backend.pushStats(busyStats);
    await waitFor(() => expect(screen.getByTestId("link-spool-jetstream").textContent).toContain("7 in the spool"));
    expect(screen.getByTestId("stage-live").textContent).toContain("keeps up");
    expect(screen.queryByTestId("pipeline-degraded")).toBeNull();
  });

  it("draws the live view fed by the listener when only the writer reads the stream (the sidecar)", async () => {
    const backend = renderPipeline();
    await push(backend, { ...jetstreamStats, consumers: [{ name: "persist", pending: 0, ack_pending: 0, redelivered: 0 }] });
    const live = await screen.findByTestId("stage-live");
    expect(live.getAttribute("aria-label")).toContain("Live view: up. fed by the listener as events are acknowledged");
    expect(screen.getByTestId("link-listener-live")).toBeTruthy();
    expect(screen.queryByTestId("link-jetstream-live")).toBeNull();
    // External mode: an ordered consumer follows the stream for every engine's events.
    backend.pushStats(busyStats);
    await waitFor(() => expect(screen.getByTestId("link-jetstream-live")).toBeTruthy());
    expect(screen.getByTestId("stage-live").textContent).toContain("keeps up");
  });

  it("fills every panel: stream, consumers with badges, ingest, latency, writer, dead letters, sidecar", async () => {
    const backend = renderPipeline();
    await push(backend, busyStats);
    expect((await screen.findByTestId("stream-messages")).textContent).toBe("48,210");
    // The limits beside what is in use.
    expect(screen.getByTestId("stream-bytes").textContent).toMatch(/^9\.\d+ MB of 10(\.0)? GB \(< 0\.1 %\)$/);
    expect(screen.getByTestId("stream-max-age").textContent).toBe("7 days");
    expect(screen.getByTestId("stream-duplicate-window").textContent).toBe("2 min");
    // Dedup by rule, dead letters by source, and p95 beside p50 and p99.
    expect(screen.getByTestId("dedup-cross_source").textContent).toBe("12");
    expect(screen.getByTestId("dedup-session").textContent).toBe("5");
    expect(screen.getByTestId("dlq-source-tautulli").textContent).toBe("2");
    expect(screen.getByLabelText("p95 5 ms")).toBeTruthy();
    // The writer's batch commit time, and the sidecar's version.
    expect(screen.getByTestId("latency-writer_commit").textContent).toContain("4,321 measured");
    expect(screen.getByTestId("sidecar-version").textContent).toBe("v2.12.8");
    expect(screen.getByTestId("consumer-persist").textContent).toBe("Writer (persist)30041,500 (3.1 %)Warning");
    expect(screen.getByTestId("consumer-live-level").textContent).toBe("OK");
    expect(tableRows(screen.getByTestId("panel-ingest")).slice(0, 3)).toEqual(["SourceLast secondLast minute", "Plex0/s0.25/s", "Tautulli2/s1.5/s"]);
    const ack = screen.getByTestId("latency-webhook_ack");
    expect(ack.textContent).toContain("1,000 measured · mean 3 ms");
    expect(within(ack).getByRole("meter", { name: "p99 10 ms" })).toBeTruthy();
    expect(screen.getByTestId("writer-per-batch").textContent).toBe("285.7");
    expect(screen.getByTestId("writer-cpu-per-event").textContent).toBe("80 µs");
    expect(screen.getByTestId("dedup-dropped").textContent).toBe("17");
    expect(screen.getByTestId("dlq-rejected").textContent).toBe("2");
    expect(screen.getByTestId("duckdb-size").textContent).toBe("12 MB");
    expect(screen.getByTestId("nats-mode").textContent).toMatch(/^Embedded/);
    expect(screen.getByTestId("sidecar-pid").textContent).toBe("1234");
  });

  it("charts the last 15 minutes from the history, with the numbers as tables", async () => {
    const backend = renderPipeline();
    await push(backend, jetstreamStats);
    const ingest = await screen.findByTestId("chart-ingest");
    expect(tableRows(ingest)).toEqual([" PlexTautulli", "12:00:000/s—", "12:00:050/s2/s", "12:00:100/s4/s"]);
    expect(tableRows(screen.getByTestId("chart-stored"))).toEqual([" Stored", "12:00:00—", "12:00:052/s", "12:00:104/s"]);
    expect(tableRows(screen.getByTestId("chart-backlog"))[3]).toBe("12:00:10020");
    expect(backend.getStatsHistory).toHaveBeenCalledOnce();
  });

  it("fetches the history again every interval_s", async () => {
    const fast: StatsHistoryView = { ...statsHistory, interval_s: 0.05 };
    const getStatsHistory = vi.fn(() => Promise.resolve(fast));
    const backend = renderPipeline({ getStatsHistory });
    await push(backend, jetstreamStats);
    await waitFor(() => expect(getStatsHistory.mock.calls.length).toBeGreaterThanOrEqual(3), { timeout: 2_000 });
  });

  it("says why direct mode has no stream or consumers, and what would change it", async () => {
    const backend = renderPipeline({ health: directHealth });
    await push(backend, directStats);
    await waitFor(() => expect(within(screen.getByTestId("panel-stream")).getByTestId("direct-mode-note")).toBeTruthy());
    expect(within(screen.getByTestId("panel-consumers")).getByTestId("direct-mode-note").textContent).toMatch(/NATS mode embedded or\s+external in Settings/);
    expect(screen.getByTestId("flow-direct").textContent).toContain("Spool, JetStream, Writer (persist) are not used");
    expect(screen.queryByTestId("stage-jetstream")).toBeNull();
    expect(screen.getByTestId("link-listener-duckdb")).toBeTruthy();
    expect(screen.getByTestId("nats-mode").textContent).toMatch(/^Direct/);
    expect(tableRows(await screen.findByTestId("chart-backlog"))[0]).toBe(" Spool");
  });

  it("shows a part that is down on its stage, with the reason, and says the pipeline is degraded", async () => {
    const degraded: Health = {
      ...jetstreamHealth,
      status: "degraded",
      parts: { ...jetstreamHealth.parts, nats: { status: "down", detail: "not connected: connection refused" } },
    };
    const backend = renderPipeline({ health: degraded });
    await push(backend, { ...jetstreamStats, stream: null, consumers: [] });
    await waitFor(() => expect(screen.getByTestId("stage-jetstream").getAttribute("data-status")).toBe("down"));
    expect(screen.getByTestId("stage-jetstream").textContent).toContain("not connected: connection refused");
    expect(screen.getByTestId("pipeline-degraded").textContent).toContain("JetStream down (not connected: connection refused)");
    expect(within(screen.getByTestId("panel-stream")).getByText(/JetStream has not answered/)).toBeTruthy();
  });

  it("shows why the figures are missing, and that shown ones may be stale", async () => {
    const backend = renderPipeline();
    await waitFor(() => expect(backend.statsSubscriberCount()).toBeGreaterThan(0));
    backend.pushStatsError(new Error("database is locked"));
    expect((await screen.findByTestId("pipeline-error")).textContent).toContain("database is locked");
    backend.pushStats(jetstreamStats);
    await screen.findByTestId("pipeline-flow");
    backend.pushStatsError(new Error("engine gone"));
    expect((await screen.findByTestId("pipeline-stale")).textContent).toContain("engine gone");
    expect(screen.getByTestId("pipeline-flow")).toBeTruthy();
  });

  it("shows a failed history with a Retry that asks again", async () => {
    const getStatsHistory = vi.fn().mockRejectedValueOnce(new Error("stats unavailable")).mockResolvedValue(statsHistory);
    const backend = renderPipeline({ getStatsHistory });
    await push(backend, jetstreamStats);
    const failed = await screen.findByTestId("chart-stored-error");
    expect(failed.textContent).toContain("stats unavailable");
    fireEvent.click(within(failed).getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("chart-stored")).toBeTruthy();
  });

  it("says the chart fills in when the engine has no sample yet", async () => {
    const backend = renderPipeline({ getStatsHistory: () => Promise.resolve({ ...statsHistory, samples: [] }) });
    await push(backend, jetstreamStats);
    expect((await screen.findByTestId("chart-stored-empty")).textContent).toMatch(/takes one every 5 s/);
  });

  it("shows the alerts in the view and as a badge in the header that leads to it", async () => {
    window.history.replaceState(null, "", "/#/live");
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(jetstreamHealth), getStatsHistory: () => Promise.resolve(statsHistory) });
    render(
      <BackendProvider backend={backend}>
        <App />
      </BackendProvider>,
    );
    await push(backend, { ...busyStats, alerts: [stuck, spoolGrowing] });
    const badge = await screen.findByTestId("alert-badge");
    expect(badge.textContent).toBe("⚠ 2 alerts · critical");
    expect(badge.getAttribute("data-severity")).toBe("critical");
    expect(badge.getAttribute("href")).toBe("#/pipeline");
    fireEvent.click(badge);
    const stuckAlert = await screen.findByTestId("alert-stuck_consumer");
    expect(stuckAlert.textContent).toContain("Critical");
    expect(stuckAlert.textContent).toContain("Writer stuck");
    expect(stuckAlert.textContent).toContain("What to do: Check DuckDB's health");
    expect(screen.getByTestId("alert-growing_spool").textContent).toContain("Warning");
    expect(screen.getByTestId("consumer-persist-level").textContent).toBe("Critical");

    backend.pushStats({ ...busyStats, alerts: [spoolGrowing] });
    await waitFor(() => expect(screen.getByTestId("alert-badge").textContent).toBe("⚠ 1 alert · warning"));
    backend.pushStats({ ...busyStats, alerts: [] });
    await waitFor(() => expect(screen.queryByTestId("alert-badge")).toBeNull());
    expect(screen.getByTestId("pipeline-no-alerts")).toBeTruthy();
  });

  it("in a browser without the token, says the figures need it and asks nothing", () => {
    const backend = renderPipeline({ kind: "http", authorized: false });
    expect(screen.getByTestId("pipeline-no-token")).toBeTruthy();
    expect(backend.getStatsHistory).not.toHaveBeenCalled();
  });
});
