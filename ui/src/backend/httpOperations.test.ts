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
});
