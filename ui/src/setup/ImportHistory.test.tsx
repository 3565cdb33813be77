// The Tautulli history import panel: start with or without a since-day, progress with rate and
// time left while it runs, cancel, each result (done, empty, cancelled, failed), a refused start,
// and the keyboard path (the form submits with Enter).
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { JobStatus } from "../backend/Backend";
import { EngineError } from "../backend/errors";
import { createFakeBackend, type FakeBackendOptions } from "../test/fakeBackend";
import { jobStatus } from "../test/fixtures";
import { ImportHistory, importProgressText } from "./ImportHistory";
import { TestProviders } from "../test/TestProviders";

const running = jobStatus({ id: "job-imp", kind: "tautulli_import", total: 3000, done: 1000, rate: 500, eta_seconds: 4 });

function renderPanel(options: FakeBackendOptions) {
  const backend = createFakeBackend({
    importTautulli: () => Promise.resolve({ job_id: "job-imp", resumed_from: 0 }),
    ...options,
  });
  render(
    <TestProviders backend={backend}>
      <ImportHistory />
    </TestProviders>,
  );
  return backend;
}

/** getJob answers these in turn, then keeps answering the last. */
function jobsInTurn(...jobs: JobStatus[]) {
  let next = 0;
  return () => Promise.resolve(jobs[Math.min(next++, jobs.length - 1)]);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("ImportHistory", () => {
  it("imports from the chosen day, shows rows, rate and time left, then the result", async () => {
    const done = { ...running, state: "done" as const, done: 3000, failed: 1, eta_seconds: null };
    const backend = renderPanel({ getJob: jobsInTurn(running, running, done) });
    fireEvent.change(screen.getByLabelText("Only plays since (optional)"), { target: { value: "2025-01-31" } });
    fireEvent.click(screen.getByTestId("tautulli-import-start"));

    const progress = await screen.findByTestId("tautulli-import-progress");
    expect(progress.textContent).toContain("1,000 of 3,000 rows · 500 rows/s · about 4s left");
    expect(screen.getByRole("progressbar", { name: "History import progress" })).toBeTruthy();
    expect((screen.getByTestId("tautulli-import-start") as HTMLButtonElement).disabled).toBe(true);
    expect(backend.importTautulli).toHaveBeenCalledExactlyOnceWith({ since: "2025-01-31" });

    const result = await screen.findByTestId("tautulli-import-result", {}, { timeout: 3000 });
    expect(result.getAttribute("data-outcome")).toBe("done");
    expect(result.textContent).toContain("Imported 3,000 rows");
    expect(result.textContent).toContain("1 row could not be read; they are in Dead letters");
    expect(screen.queryByTestId("tautulli-import-progress")).toBeNull();
    expect((screen.getByTestId("tautulli-import-start") as HTMLButtonElement).disabled).toBe(false);
  });

  it("submits with Enter and imports everything without a day", async () => {
    const empty = jobStatus({ id: "job-imp", kind: "tautulli_import", state: "done", total: 0, done: 0 });
    const backend = renderPanel({ getJob: () => Promise.resolve(empty) });
    fireEvent.submit(screen.getByRole("form", { name: "Import Tautulli history" }));
    const result = await screen.findByTestId("tautulli-import-result");
    expect(backend.importTautulli).toHaveBeenCalledExactlyOnceWith({ since: null });
    expect(result.getAttribute("data-outcome")).toBe("empty");
    expect(result.textContent).toContain("no finished plays to import");
  });

  it("cancels a running import and says how to go on", async () => {
    let cancelled = false;
    const backend = renderPanel({
      getJob: () => Promise.resolve(cancelled ? { ...running, state: "cancelled" as const } : running),
      cancelJob: () => {
        cancelled = true;
        return Promise.resolve(running);
      },
    });
    fireEvent.click(screen.getByTestId("tautulli-import-start"));
    const cancel = await screen.findByTestId("tautulli-import-cancel");
    fireEvent.click(cancel);
    await waitFor(() => expect(backend.cancelJob).toHaveBeenCalledExactlyOnceWith("job-imp"));
    const result = await screen.findByTestId("tautulli-import-result", {}, { timeout: 3000 });
    expect(result.getAttribute("data-outcome")).toBe("cancelled");
    expect(result.textContent).toContain("Cancelled after 1,000 of 3,000 rows. Import again to go on from there.");
  });

  it("shows a failed import with the engine's reason", async () => {
    const failed = { ...running, state: "failed" as const, error: "HTTP 400 to get_history: Unable to execute" };
    renderPanel({ getJob: jobsInTurn(running, failed) });
    fireEvent.click(screen.getByTestId("tautulli-import-start"));
    const result = await screen.findByTestId("tautulli-import-result", {}, { timeout: 3000 });
    expect(result.getAttribute("data-outcome")).toBe("failed");
    expect(result.getAttribute("role")).toBe("alert");
    expect(result.textContent).toContain("The import stopped after 1,000 rows");
    expect(result.textContent).toContain("get_history");
  });

  it("says why a start was refused", async () => {
    renderPanel({
      importTautulli: () => Promise.reject(new EngineError("not_connected", "Tautulli is not connected")),
    });
    fireEvent.click(screen.getByTestId("tautulli-import-start"));
    const result = await screen.findByTestId("tautulli-import-result");
    expect(result.getAttribute("data-outcome")).toBe("not_connected");
    expect(result.getAttribute("role")).toBe("alert");
    await act(async () => {});
  });
});

describe("importProgressText", () => {
  it("counts rows before the total is known, and leaves out what it cannot say", () => {
    expect(importProgressText(jobStatus({ total: 0, done: 0 }))).toBe("Counting rows…");
    expect(importProgressText(jobStatus({ total: 10, done: 5, rate: null }))).toBe("5 of 10 rows");
  });
});
