// The browser's settings, ingestion, log and diagnostics calls: the routes, methods and bodies
// the engine expects, and the download of an export.
import { describe, expect, it, vi } from "vitest";
import { diagnosticsExport } from "../test/settingsFixtures";
import { createHttpOperations } from "./httpOperations";

describe("HTTP operations", () => {
  it("call the documented routes", async () => {
    const callApi = vi.fn().mockResolvedValue({});
    const ops = createHttpOperations({ callApi, fetchFile: vi.fn() });
    await ops.getSettings();
    await ops.updateSettings({ theme: "dark", ws_port: null });
    await ops.revealSetting("webhook_token_plex");
    await ops.regenerateToken("api_token");
    await ops.pauseIngestion();
    await ops.resumeIngestion();
    await ops.getLogs({ level: "warn", limit: 100, cursor: "cartographus.log@10" });
    await ops.getLogs({ level: null, limit: null, cursor: null });
    await ops.exportDiagnostics();
    expect(callApi.mock.calls.map(([path, , init]) => [path, init?.method ?? "GET", init?.body])).toEqual([
      ["/api/v1/settings", "GET", undefined],
      ["/api/v1/settings", "PATCH", { theme: "dark", ws_port: null }],
      ["/api/v1/settings/webhook_token_plex/secret", "GET", undefined],
      ["/api/v1/settings/api_token/regenerate", "POST", undefined],
      ["/api/v1/ingestion/pause", "POST", undefined],
      ["/api/v1/ingestion/resume", "POST", undefined],
      ["/api/v1/logs?level=warn&limit=100&cursor=cartographus.log%4010", "GET", undefined],
      ["/api/v1/logs", "GET", undefined],
      ["/api/v1/diagnostics", "POST", undefined],
    ]);
  });

  it("downloads an export under its own name", async () => {
    const blob = new Blob(["zip"]);
    const fetchFile = vi.fn().mockResolvedValue(blob);
    const saveFile = vi.fn();
    const ops = createHttpOperations({ callApi: vi.fn(), fetchFile, saveFile });
    await ops.deliverDiagnostics(diagnosticsExport);
    expect(fetchFile).toHaveBeenCalledWith(`/api/v1/diagnostics/${diagnosticsExport.file_name}`, "Diagnostics");
    expect(saveFile).toHaveBeenCalledWith(blob, diagnosticsExport.file_name);
    await expect(ops.openLogFolder()).rejects.toThrow("path is shown instead");
  });

  it("send the history and analytics filters as the routes' query parameters", async () => {
    const callApi = vi.fn().mockResolvedValue({});
    const ops = createHttpOperations({ callApi, fetchFile: vi.fn() });
    await ops.listSessions({ user: "dana", media_type: "movie", q: "", sort: "user", order: "asc", open_only: false }, { cursor: "c1", limit: 200 });
    await ops.listEvents({ session: "s-1", event_type: "stop" }, { limit: 500 });
    await ops.getAnalyticsPlays({ by: "day", series: "media_type", since: "2026-11-01T00:00:00.000Z", tz: "60,120@2026-03-29T01:00:00.000Z" });
    await ops.getAnalyticsConcurrent({ source: "plex", tz: "0" });
    expect(callApi.mock.calls.map(([path]) => path)).toEqual([
      "/api/v1/sessions?user=dana&media_type=movie&sort=user&order=asc&cursor=c1&limit=200",
      "/api/v1/events?session=s-1&type=stop&limit=500",
      "/api/v1/analytics/plays?by=day&series=media_type&since=2026-11-01T00%3A00%3A00.000Z&tz=60%2C120%402026-03-29T01%3A00%3A00.000Z",
      "/api/v1/analytics/concurrent?source=plex&tz=0",
    ]);
  });

  it("downloads a history export with the list's filters", async () => {
    const blob = new Blob(["a,b"]);
    const fetchFile = vi.fn().mockResolvedValue(blob);
    const saveFile = vi.fn();
    const ops = createHttpOperations({ callApi: vi.fn(), fetchFile, saveFile });
    const delivered = await ops.exportHistory({ table: "sessions", filter: { user: "lee", sort: "title" } }, "csv");
    expect(fetchFile).toHaveBeenCalledWith("/api/v1/export/sessions.csv?user=lee&sort=title", "The export");
    expect(saveFile).toHaveBeenCalledWith(blob, "cartographus-sessions.csv");
    expect(delivered).toEqual({ kind: "downloaded", fileName: "cartographus-sessions.csv" });
    await ops.exportHistory({ table: "events", filter: { session: "s-1" } }, "parquet");
    expect(fetchFile).toHaveBeenLastCalledWith("/api/v1/export/events.parquet?session=s-1", "The export");
    expect(saveFile).toHaveBeenLastCalledWith(blob, "cartographus-events.parquet");
  });

  it("call the dedup audit, restore and one-event routes", async () => {
    const callApi = vi.fn().mockResolvedValue({});
    const ops = createHttpOperations({ callApi, fetchFile: vi.fn() });
    await ops.listDedup({ rule: "cross_source" }, { cursor: "c2", limit: 200 });
    await ops.listDedup({ rule: null }, {});
    await ops.restoreDedup("d-ev 1");
    await ops.getEvent("ev/1");
    expect(callApi.mock.calls.map(([path, , init]) => [path, init?.method ?? "GET"])).toEqual([
      ["/api/v1/dedup?rule=cross_source&cursor=c2&limit=200", "GET"],
      ["/api/v1/dedup", "GET"],
      ["/api/v1/dedup/d-ev%201/restore", "POST"],
      ["/api/v1/events/ev%2F1", "GET"],
    ]);
  });

  it("ask the replay preview with the range as query parameters and start a replay with it as the body", async () => {
    const callApi = vi.fn().mockResolvedValue({});
    const ops = createHttpOperations({ callApi, fetchFile: vi.fn() });
    await ops.previewReplay({ from: "2026-11-30T10:00:00.000Z", to: null });
    await ops.previewReplay({ from: 3, to: 8 });
    await ops.previewReplay({});
    await ops.startReplay({ from: 3, to: 8 });
    expect(callApi.mock.calls.map(([path, , init]) => [path, init?.method ?? "GET", init?.body])).toEqual([
      ["/api/v1/replay/preview?from=2026-11-30T10%3A00%3A00.000Z", "GET", undefined],
      ["/api/v1/replay/preview?from=3&to=8", "GET", undefined],
      ["/api/v1/replay/preview", "GET", undefined],
      ["/api/v1/replay", "POST", { from: 3, to: 8 }],
    ]);
  });
});
