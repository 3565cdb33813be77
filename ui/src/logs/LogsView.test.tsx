// The Logs tab against a fake Backend: the tail at a level, following new lines with the
// cursor, empty and error states, copying, and exporting diagnostics.
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { LogQuery, LogTail } from "../backend/Backend";
import { createFakeBackend, type FakeBackendOptions } from "../test/fakeBackend";
import { diagnosticsExport, logTail } from "../test/settingsFixtures";
import { LogsView } from "./LogsView";
import { TestProviders } from "../test/TestProviders";

function renderLogs(options: FakeBackendOptions, pollMs = 20) {
  const backend = createFakeBackend(options);
  render(
    <TestProviders backend={backend}>
      <LogsView pollMs={pollMs} />
    </TestProviders>,
  );
  return backend;
}

describe("Logs view", () => {
  it("shows the newest lines and then follows what is written since", async () => {
    const later: LogTail = {
      ...logTail,
      cursor: "cartographus.2025-11-30.log@400",
      lines: [{ at: "2025-11-30T19:41:00.000000Z", level: "error", target: "x", message: "later" }],
    };
    const getLogs = vi.fn((query: LogQuery) =>
      Promise.resolve(query.cursor === null ? logTail : query.cursor === logTail.cursor ? later : { ...later, lines: [] }),
    );
    renderLogs({ operations: { getLogs } });
    await waitFor(() => expect(screen.getAllByTestId("log-line")).toHaveLength(3));
    expect(getLogs).toHaveBeenCalledWith({ level: "info", limit: 500, cursor: null });
    expect(getLogs).toHaveBeenCalledWith({ level: "info", limit: 2000, cursor: logTail.cursor });
    expect(screen.getAllByTestId("log-line")[2]!.getAttribute("data-level")).toBe("error");
    expect(screen.getByTestId("logs-dir").textContent).toBe(logTail.dir);
  });

  it("asks again at the chosen level and says when nothing is at it", async () => {
    const getLogs = vi.fn((query: LogQuery) =>
      Promise.resolve(query.level === "error" ? { ...logTail, lines: [] } : logTail),
    );
    renderLogs({ operations: { getLogs } });
    await waitFor(() => expect(screen.getAllByTestId("log-line")).toHaveLength(2));
    fireEvent.click(screen.getByTestId("logs-follow"));
    fireEvent.change(screen.getByTestId("logs-level"), { target: { value: "error" } });
    const empty = await screen.findByTestId("logs-empty");
    expect(empty.textContent).toContain("Choose a lower level");
  });

  it("explains a log that cannot be read, and tries again", async () => {
    const getLogs = vi.fn().mockRejectedValueOnce(new Error("permission denied")).mockResolvedValue(logTail);
    renderLogs({ operations: { getLogs } }, 60_000);
    const error = await screen.findByTestId("logs-error");
    expect(error.textContent).toContain("permission denied");
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(screen.getAllByTestId("log-line")).toHaveLength(2));
  });

  it("exports diagnostics and says where they went", async () => {
    const exportDiagnostics = vi.fn().mockResolvedValue(diagnosticsExport);
    const deliverDiagnostics = vi.fn().mockResolvedValue(undefined);
    renderLogs({ operations: { getLogs: () => Promise.resolve(logTail), exportDiagnostics, deliverDiagnostics } }, 60_000);
    await screen.findAllByTestId("log-line");
    await act(async () => {
      fireEvent.click(screen.getByTestId("logs-export"));
    });
    const notice = await screen.findByTestId("logs-notice");
    expect(deliverDiagnostics).toHaveBeenCalledWith(diagnosticsExport);
    expect(notice.getAttribute("data-outcome")).toBe("exported");
    expect(notice.textContent).toContain(diagnosticsExport.path);
    expect(notice.textContent).toContain("settings without secrets");
  });

  it("copies the lines as the log file has them", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    renderLogs({ operations: { getLogs: () => Promise.resolve(logTail) } }, 60_000);
    await screen.findAllByTestId("log-line");
    fireEvent.click(screen.getByTestId("logs-copy"));
    await screen.findByTestId("logs-notice");
    expect(writeText).toHaveBeenCalledWith(
      "2025-11-30T19:40:00.100000Z INFO cartographus_engine::engine: engine started listen=127.0.0.1:3857\n" +
        "2025-11-30T19:40:01.200000Z WARN cartographus_engine::bus: NATS unavailable",
    );
  });
});
