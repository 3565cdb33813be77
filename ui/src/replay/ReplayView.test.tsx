// The Replay view against a fake Backend, inside the app (#/replay): the tab, the preview that
// follows the range (time presets, sequences, a bad input, a refused range), a run with its
// progress, Cancel and the outcome at the end, and the empty-stream and direct-path states.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { JobStatus, ReplayPreview, ReplayRange } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { EngineError } from "../backend/errors";
import { createFakeBackend, type FakeBackendOptions } from "../test/fakeBackend";
import { jobStatus } from "../test/fixtures";

const FIRST = { seq: 1, time: "2026-11-30T10:00:00Z" };
const LAST = { seq: 2000, time: "2026-12-01T09:59:58Z" };

/** The engine's answer for a stream of seq 1–2000, clipped as the engine clips it. */
function previewOf(range: ReplayRange): ReplayPreview {
  const from = typeof range.from === "number" ? Math.max(range.from, 1) : 1;
  const to = typeof range.to === "number" ? Math.min(range.to, 2000) : 2000;
  const covers = Math.max(0, to - from + 1);
  return {
    stream_messages: 2000,
    stream_first: FIRST,
    stream_last: LAST,
    messages: covers,
    first: covers > 0 ? { seq: from, time: FIRST.time } : null,
    last: covers > 0 ? { seq: to, time: LAST.time } : null,
  };
}

function renderReplay(options: FakeBackendOptions = {}) {
  window.history.replaceState(null, "", "/#/replay");
  const previewReplay = vi.fn((range: ReplayRange) => Promise.resolve(previewOf(range)));
  const backend = createFakeBackend({ ...options, operations: { previewReplay, ...options.operations } });
  render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
  return backend;
}

const replayJob = (overrides: Partial<JobStatus> = {}) =>
  jobStatus({ id: "job-r", kind: "replay", total: 2000, done: 0, ...overrides });

describe("Replay", () => {
  it("is a tab after Duplicates that previews the last 24 hours and says why it asks no confirmation", async () => {
    const before = Date.now();
    const backend = renderReplay();
    const tabs = screen.getAllByRole("tab").map((tab) => tab.textContent);
    expect(tabs.indexOf("Replay")).toBe(tabs.indexOf("Duplicates") + 1);
    expect(screen.getByRole("tab", { name: "Replay" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByText(/safe to repeat/).textContent).toContain("asks for no confirmation");

    const preview = await screen.findByTestId("replay-preview");
    expect(preview.textContent).toMatch(/^Covers 2,000 messages \(seq 1–2,000, Nov 30, .+ – Dec 1, .+\)\./);
    expect(preview.textContent).toContain("The stream holds 2,000 messages");
    const [range] = vi.mocked(backend.previewReplay).mock.calls[0]!;
    const from = new Date(range.from as string).getTime();
    expect(from).toBeGreaterThanOrEqual(before - 24 * 3_600_000);
    expect(from).toBeLessThanOrEqual(Date.now() - 24 * 3_600_000);
    expect(range.to).toBeNull();
    expect(screen.getByTestId("replay-run").textContent).toBe("Replay 2,000 messages");
  });

  it("follows the range: a preset, a sequence range, a bad input and a range the engine refuses", async () => {
    const backend = renderReplay({
      operations: {
        previewReplay: vi.fn((range: ReplayRange) =>
          range.from === 9 && range.to === 3
            ? Promise.reject(new EngineError("invalid_range", "from (sequence 9) comes after to (sequence 3)"))
            : Promise.resolve(previewOf(range)),
        ),
      },
    });
    await screen.findByTestId("replay-preview");
    fireEvent.click(screen.getByTestId("replay-preset-1h"));
    await waitFor(() => expect(backend.previewReplay).toHaveBeenCalledTimes(2));
    const [lastHour] = vi.mocked(backend.previewReplay).mock.calls[1]!;
    expect(Date.now() - new Date(lastHour.from as string).getTime()).toBeLessThan(3_600_000 + 5_000);

    fireEvent.click(screen.getByTestId("replay-mode-seq"));
    fireEvent.change(screen.getByTestId("replay-seq-from"), { target: { value: "3" } });
    fireEvent.change(screen.getByTestId("replay-seq-to"), { target: { value: "8" } });
    await waitFor(() => expect(screen.getByTestId("replay-preview").textContent).toMatch(/^Covers 6 messages \(seq 3–8,/));
    expect(backend.previewReplay).toHaveBeenLastCalledWith({ from: 3, to: 8 });
    expect(screen.getByTestId("replay-run").textContent).toBe("Replay 6 messages");

    const calls = vi.mocked(backend.previewReplay).mock.calls.length;
    fireEvent.change(screen.getByTestId("replay-seq-to"), { target: { value: "eight" } });
    expect(screen.getByTestId("replay-problem").textContent).toBe("To must be a stream sequence: a whole number, 1 or more.");
    expect((screen.getByTestId("replay-run") as HTMLButtonElement).disabled).toBe(true);
    expect(backend.previewReplay).toHaveBeenCalledTimes(calls);

    fireEvent.change(screen.getByTestId("replay-seq-from"), { target: { value: "9" } });
    fireEvent.change(screen.getByTestId("replay-seq-to"), { target: { value: "3" } });
    const refused = await screen.findByTestId("replay-preview-error");
    expect(refused.textContent).toContain("This range cannot be replayed: from (sequence 9) comes after to (sequence 3)");
    expect((screen.getByTestId("replay-run") as HTMLButtonElement).disabled).toBe(true);
  });

  it("runs the range as a job with progress and Cancel, then says what it stored and found stored", async () => {
    let polls = 0;
    const getJob = vi.fn(() => {
      polls += 1;
      return Promise.resolve(
        polls === 1
          ? replayJob({ done: 1000, rate: 500, eta_seconds: 2 })
          : replayJob({
              state: "done",
              done: 2000,
              finished_at: "2026-12-01T10:00:04Z",
              outcome: { stored: 12, already_stored: 1988, duplicates: 0, undecodable: 0 },
            }),
      );
    });
    const startReplay = vi.fn(() => Promise.resolve(replayJob()));
    const backend = renderReplay({ getJob, operations: { startReplay } });
    fireEvent.click(screen.getByTestId("replay-mode-seq"));
    await waitFor(() => expect(screen.getByTestId("replay-run").textContent).toBe("Replay 2,000 messages"));
    fireEvent.click(screen.getByTestId("replay-run"));
    expect(startReplay).toHaveBeenCalledWith({ from: null, to: null });

    const progress = await screen.findByTestId("replay-job");
    await waitFor(() => expect(progress.textContent).toContain("1,000 of 2,000 messages · 500/s · about 2s left"), { timeout: 3000 });
    expect(within(progress).getByRole("progressbar", { name: "Replay progress" })).toBeTruthy();
    expect((screen.getByTestId("replay-run") as HTMLButtonElement).disabled).toBe(true);

    const result = await screen.findByTestId("replay-result", {}, { timeout: 3000 });
    expect(result.textContent).toBe("Replay finished: stored 12 new, 1,988 already stored, 0 duplicates.");
    expect(result.getAttribute("data-state")).toBe("done");
    expect(backend.cancelJob).not.toHaveBeenCalled();
  });

  it("cancels a running replay and says how far it got", async () => {
    let cancelled = false;
    const cancelJob = vi.fn(() => {
      cancelled = true;
      return Promise.resolve(replayJob({ done: 300 }));
    });
    const getJob = vi.fn(() =>
      Promise.resolve(
        cancelled
          ? replayJob({ state: "cancelled", done: 300, outcome: { stored: 300, already_stored: 0, duplicates: 0, undecodable: 0 } })
          : replayJob({ done: 300, rate: 150, eta_seconds: 11.3 }),
      ),
    );
    renderReplay({ getJob, cancelJob, operations: { startReplay: vi.fn(() => Promise.resolve(replayJob())) } });
    await waitFor(() => expect((screen.getByTestId("replay-run") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId("replay-run"));
    const cancel = await screen.findByTestId("replay-cancel");
    fireEvent.click(cancel);
    expect(cancelJob).toHaveBeenCalledExactlyOnceWith("job-r");
    const result = await screen.findByTestId("replay-result", {}, { timeout: 3000 });
    expect(result.textContent).toBe(
      "Replay cancelled after 300 of 2,000 messages: stored 300 new, 0 already stored, 0 duplicates.",
    );
  });

  it("says why an empty stream has nothing to replay and what to do", async () => {
    renderReplay({
      operations: {
        previewReplay: () =>
          Promise.resolve({ stream_messages: 0, stream_first: null, stream_last: null, messages: 0, first: null, last: null }),
      },
    });
    const empty = await screen.findByTestId("replay-empty");
    expect(empty.textContent).toContain("The stream holds no messages yet");
    expect(empty.textContent).toContain("connect a source");
    expect((screen.getByTestId("replay-run") as HTMLButtonElement).disabled).toBe(true);
  });

  it("explains the direct path, and counts again on request after a failure", async () => {
    let answers = 0;
    const previewReplay = vi.fn((range: ReplayRange) => {
      answers += 1;
      return answers === 1
        ? Promise.reject(new EngineError("unavailable", "replay needs JetStream; the engine runs the direct path"))
        : Promise.resolve(previewOf(range));
    });
    renderReplay({ operations: { previewReplay } });
    const failure = await screen.findByTestId("replay-preview-error");
    expect(failure.textContent).toContain("replay needs JetStream");
    expect(failure.textContent).toContain("set NATS to embedded or external in Settings");
    fireEvent.click(within(failure).getByRole("button", { name: "Try again" }));
    expect((await screen.findByTestId("replay-preview")).textContent).toMatch(/^Covers 2,000 messages/);
  });

  it("shows that it is counting while the first preview loads", async () => {
    renderReplay({ operations: { previewReplay: () => new Promise<ReplayPreview>(() => {}) } });
    expect((await screen.findByTestId("replay-preview-loading")).textContent).toContain("Counting");
  });
});
