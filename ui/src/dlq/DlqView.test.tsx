// The Dead letters tab against a fake Backend: listing, filtering, paging, the detail and its
// actions, bulk retry with progress, and readable failures.
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { DlqEntry, Page } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { EngineError } from "../backend/errors";
import { createFakeBackend, type FakeBackendOptions } from "../test/fakeBackend";
import { dlqEntry, jobStatus } from "../test/fixtures";
import { giveElementsASize } from "../test/sizedLayout";

// The list is virtualised: it needs a box to fill.
giveElementsASize();

function page(items: DlqEntry[], next_cursor: string | null = null): Page<DlqEntry> {
  return { items, next_cursor };
}

async function renderDlq(options: FakeBackendOptions) {
  const backend = createFakeBackend(options);
  render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
  fireEvent.click(screen.getByTestId("tab-dlq"));
  screen.getByTestId("dlq-view");
  return backend;
}

const rows = () => screen.queryAllByTestId("dlq-entry");
const rowIds = () => rows().map((row) => row.getAttribute("data-entry-id"));

async function openEntry(id: string) {
  const row = await waitFor(() => {
    const found = rows().find((candidate) => candidate.getAttribute("data-entry-id") === id);
    if (found === undefined) throw new Error(`no row ${id}`);
    return found;
  });
  fireEvent.click(within(row).getByTestId("dlq-entry-open"));
  return screen.getByTestId("dlq-detail");
}

const entries = [
  dlqEntry(),
  dlqEntry({
    id: "dlq-2",
    kind: "exhausted",
    code: "store_failed",
    source: "plex",
    error: "storing failed on every delivery: database is locked",
    attempts: [
      { at: "2026-11-27T13:40:00Z", error: "database is locked" },
      { at: "2026-11-27T13:41:00Z", error: "database is locked" },
      { at: "2026-11-27T13:42:00Z", error: "database is locked" },
    ],
    payload: '{"event_id":"ev-5"}',
    event_id: "ev-5",
  }),
];

afterEach(() => {
  vi.useRealTimers();
});

describe("Dead letters view", () => {
  it("lists entries with kind, source, code and error, last failure and attempts", async () => {
    const backend = await renderDlq({ listDlq: () => Promise.resolve(page(entries)) });

    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(backend.listDlq).toHaveBeenCalledWith({}, { limit: 50 });
    const cells = within(rows()[1]!).getAllByRole("cell").map((cell) => cell.textContent);
    expect(cells).toEqual([
      "Exhausted",
      "Plex",
      "store_failedstoring failed on every delivery: database is locked",
      "Nov 27, 13:43:30",
      "3",
    ]);
    expect(rows()[1]?.getAttribute("data-kind")).toBe("exhausted");
    expect(screen.getByTestId("dlq-count").textContent).toBe("2 entries");
  });

  it("says so when there is nothing, and when nothing matches", async () => {
    const backend = await renderDlq({ listDlq: () => Promise.resolve(page([])) });

    expect((await screen.findByTestId("dlq-empty")).textContent).toBe("No dead letters: everything received was stored.");
    expect(screen.getByTestId("dlq-retry-all")).toHaveProperty("disabled", true);

    fireEvent.change(screen.getByTestId("dlq-filter-kind"), { target: { value: "permanent" } });
    await waitFor(() => expect(backend.listDlq).toHaveBeenLastCalledWith({ kind: "permanent" }, { limit: 50 }));
    expect((await screen.findByTestId("dlq-empty")).textContent).toBe("No dead letters match this filter.");
  });

  it("filters by source and kind at once, by text on submit, and clears", async () => {
    const backend = await renderDlq({ listDlq: () => Promise.resolve(page(entries)) });
    await waitFor(() => expect(rows()).toHaveLength(2));

    fireEvent.change(screen.getByTestId("dlq-filter-source"), { target: { value: "plex" } });
    await waitFor(() => expect(backend.listDlq).toHaveBeenLastCalledWith({ source: "plex" }, { limit: 50 }));

    fireEvent.change(screen.getByTestId("dlq-filter-text"), { target: { value: "  locked " } });
    expect(backend.listDlq).toHaveBeenCalledTimes(2);
    fireEvent.click(screen.getByTestId("dlq-filter-apply"));
    await waitFor(() => expect(backend.listDlq).toHaveBeenLastCalledWith({ source: "plex", q: "locked" }, { limit: 50 }));

    fireEvent.click(screen.getByRole("button", { name: "Clear" }));
    await waitFor(() => expect(backend.listDlq).toHaveBeenLastCalledWith({}, { limit: 50 }));
    expect((screen.getByTestId("dlq-filter-text") as HTMLInputElement).value).toBe("");
  });

  it("loads the next page with the cursor as the end of the list comes near, appending", async () => {
    const listDlq = vi.fn((_filter: object, args: { cursor?: string | null }) =>
      Promise.resolve(args.cursor === "c2" ? page([entries[1]!]) : page([entries[0]!], "c2")),
    );
    await renderDlq({ listDlq });
    await waitFor(() => expect(rowIds()).toEqual(["dlq-1", "dlq-2"]));
    expect(listDlq).toHaveBeenLastCalledWith({}, { cursor: "c2", limit: 50 });
    expect(listDlq).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId("dlq-load-more")).toBeNull();
  });

  it("keeps 10,000 entries scrollable: only the rows on screen are in the DOM, pages come as the end nears", async () => {
    const all = Array.from({ length: 10_000 }, (_, i) => dlqEntry({ id: `dlq-${i}`, event_id: `ev-${i}` }));
    const listDlq = vi.fn((_filter: object, args: { cursor?: string | null; limit?: number | null }) => {
      const from = args.cursor ? Number(args.cursor) : 0;
      const to = from + (args.limit ?? 50);
      return Promise.resolve(page(all.slice(from, to), to < all.length ? String(to) : null));
    });
    await renderDlq({ listDlq });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    // The first page's end is near at once (600 px shows ~11 rows, 40 before the end asks): one more page, no more.
    await waitFor(() => expect(listDlq).toHaveBeenCalledTimes(2));
    expect(rows().length).toBeLessThan(40);
    expect(rowIds()[0]).toBe("dlq-0");

    // Scroll near the end of what is loaded: the next page is asked for, and the rows follow the scroll.
    const scroller = screen.getByTestId("dlq-scroller");
    act(() => {
      scroller.scrollTop = 90 * 56;
      scroller.dispatchEvent(new Event("scroll"));
    });
    await waitFor(() => expect(listDlq).toHaveBeenCalledTimes(3));
    expect(listDlq).toHaveBeenNthCalledWith(3, {}, { cursor: "100", limit: 50 });
    await waitFor(() => expect(rowIds()).toContain("dlq-90"));
    expect(rowIds()).not.toContain("dlq-0");
    expect(rows().length).toBeLessThan(40);
  });

  it("shows why the list could not load, and tries again", async () => {
    let fail = true;
    await renderDlq({
      listDlq: () =>
        fail ? Promise.reject(new Error("Cannot reach the engine at http://127.0.0.1:3857: Failed to fetch")) : Promise.resolve(page(entries)),
    });

    expect((await screen.findByTestId("dlq-error")).textContent).toContain(
      "Could not load the dead letters: Cannot reach the engine at http://127.0.0.1:3857: Failed to fetch",
    );
    fail = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.queryByTestId("dlq-error")).toBeNull();
  });

  it("opens an entry: its error, facts, attempts and payload in an editable text area", async () => {
    await renderDlq({ listDlq: () => Promise.resolve(page(entries)) });

    const detail = await openEntry("dlq-2");

    expect(detail.getAttribute("data-entry-id")).toBe("dlq-2");
    expect(within(detail).getByTestId("dlq-detail-error").textContent).toBe("storing failed on every delivery: database is locked");
    expect(within(detail).getAllByTestId("dlq-attempt")).toHaveLength(3);
    expect(within(detail).getByText("ev-5")).toBeTruthy();
    const payload = within(detail).getByLabelText("Payload") as HTMLTextAreaElement;
    expect(payload.value).toBe('{"event_id":"ev-5"}');
    expect(payload.readOnly).toBe(false);
    expect(within(detail).getByTestId("dlq-save-retry")).toHaveProperty("disabled", true);

    fireEvent.click(within(detail).getByRole("button", { name: "Format JSON" }));
    expect(payload.value).toBe('{\n  "event_id": "ev-5"\n}');
    expect(within(detail).getByTestId("dlq-save-retry")).toHaveProperty("disabled", false);
    expect(within(detail).getByTestId("dlq-retry").textContent).toBe("Retry as stored");

    fireEvent.click(within(detail).getByRole("button", { name: "Undo edit" }));
    expect(payload.value).toBe('{"event_id":"ev-5"}');

    fireEvent.click(within(detail).getByRole("button", { name: "Close the detail" }));
    expect(screen.queryByTestId("dlq-detail")).toBeNull();
  });

  it("keeps binary payloads read-only, with no way to save an edit", async () => {
    await renderDlq({
      listDlq: () => Promise.resolve(page([dlqEntry({ payload: "AAEC/w==", payload_encoding: "base64", content_type: "application/octet-stream" })])),
    });

    const detail = await openEntry("dlq-1");

    expect((within(detail).getByTestId("dlq-payload") as HTMLTextAreaElement).readOnly).toBe(true);
    expect(within(detail).queryByTestId("dlq-save-retry")).toBeNull();
    expect(detail.textContent).toContain("base64, read-only");
  });

  it("retries an edited payload: the entry leaves the list and the outcome is said", async () => {
    const retryDlq = vi.fn(() => Promise.resolve({ id: "dlq-1", event_id: "ev-42", result: "stored" as const }));
    await renderDlq({ listDlq: () => Promise.resolve(page(entries)), retryDlq });
    const detail = await openEntry("dlq-1");

    fireEvent.change(within(detail).getByTestId("dlq-payload"), { target: { value: '{"event": "play"}' } });
    fireEvent.click(within(detail).getByTestId("dlq-save-retry"));

    const notice = await screen.findByTestId("dlq-notice");
    expect(retryDlq).toHaveBeenCalledExactlyOnceWith("dlq-1", '{"event": "play"}');
    expect(notice.getAttribute("data-outcome")).toBe("stored");
    expect(notice.getAttribute("role")).toBe("status");
    expect(notice.textContent).toContain("Retried: stored as event ev-42. The dead letter is gone.");
    expect(rowIds()).toEqual(["dlq-2"]);
    expect(screen.queryByTestId("dlq-detail")).toBeNull();
  });

  it("retries as stored, and says a duplicate or an ignored notification plainly", async () => {
    const results = ["duplicate", "ignored"] as const;
    const retryDlq = vi.fn((id: string) => Promise.resolve({ id, event_id: null, result: results[retryDlq.mock.calls.length - 1]! }));
    await renderDlq({ listDlq: () => Promise.resolve(page(entries)), retryDlq });

    fireEvent.click(within(await openEntry("dlq-1")).getByTestId("dlq-retry"));
    expect((await screen.findByTestId("dlq-notice")).textContent).toContain("duplicates an event already stored");
    expect(retryDlq).toHaveBeenLastCalledWith("dlq-1", null);

    fireEvent.click(within(await openEntry("dlq-2")).getByTestId("dlq-retry"));
    await waitFor(() => expect(screen.getByTestId("dlq-notice").getAttribute("data-outcome")).toBe("ignored"));
    expect(screen.getByTestId("dlq-notice").textContent).toContain("not about playback");
  });

  it("explains a retry that still fails, with the engine's code, and shows the new attempt", async () => {
    const failedAgain = dlqEntry({
      attempts: [...dlqEntry().attempts, { at: "2026-11-27T13:50:00Z", error: "retry: the body is not valid JSON" }],
      last_failed_at: "2026-11-27T13:50:00Z",
    });
    const getDlqEntry = vi.fn(() => Promise.resolve(failedAgain));
    await renderDlq({
      listDlq: () => Promise.resolve(page(entries)),
      retryDlq: () => Promise.reject(new EngineError("invalid_json", "the body is not valid JSON: EOF while parsing")),
      getDlqEntry,
    });
    const detail = await openEntry("dlq-1");

    fireEvent.click(within(detail).getByTestId("dlq-retry"));

    const notice = await screen.findByRole("alert");
    expect(notice.getAttribute("data-outcome")).toBe("failed");
    expect(notice.textContent).toContain("Retry failed: the body is not valid JSON: EOF while parsing (code: invalid_json)");
    await waitFor(() => expect(within(screen.getByTestId("dlq-detail")).getAllByTestId("dlq-attempt")).toHaveLength(2));
    expect(getDlqEntry).toHaveBeenCalledWith("dlq-1");
    expect(rowIds()).toEqual(["dlq-1", "dlq-2"]);
    expect(within(rows()[0]!).getByTestId("dlq-entry-attempts").textContent).toBe("2");

    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("dlq-notice")).toBeNull();
  });

  it("deletes only after a confirmation", async () => {
    const deleteDlq = vi.fn(() => Promise.resolve());
    await renderDlq({ listDlq: () => Promise.resolve(page(entries)), deleteDlq });
    const detail = await openEntry("dlq-2");

    fireEvent.click(within(detail).getByTestId("dlq-delete"));
    expect(deleteDlq).not.toHaveBeenCalled();
    fireEvent.click(within(detail).getByRole("button", { name: "Keep" }));
    expect(within(detail).queryByTestId("dlq-delete-confirm")).toBeNull();

    fireEvent.click(within(detail).getByTestId("dlq-delete"));
    fireEvent.click(within(detail).getByTestId("dlq-delete-confirm"));

    await waitFor(() => expect(screen.getByTestId("dlq-notice").getAttribute("data-outcome")).toBe("deleted"));
    expect(deleteDlq).toHaveBeenCalledExactlyOnceWith("dlq-2");
    expect(rowIds()).toEqual(["dlq-1"]);
  });

  it("drops an entry someone else already removed", async () => {
    await renderDlq({
      listDlq: () => Promise.resolve(page(entries)),
      deleteDlq: () => Promise.reject(new EngineError("not_found", "no dead letter dlq-2")),
      getDlqEntry: () => Promise.reject(new EngineError("not_found", "no dead letter dlq-2")),
    });
    const detail = await openEntry("dlq-2");
    fireEvent.click(within(detail).getByTestId("dlq-delete"));
    fireEvent.click(within(detail).getByTestId("dlq-delete-confirm"));

    await waitFor(() => expect(rowIds()).toEqual(["dlq-1"]));
    expect(screen.getByRole("alert").textContent).toContain("Delete failed: no dead letter dlq-2 (code: not_found)");
  });

  it("cancels a running bulk retry, then says how far it got", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    let cancelled = false;
    const cancelJob = vi.fn(() => {
      cancelled = true;
      return Promise.resolve(jobStatus({ done: 1 }));
    });
    const getJob = vi.fn(() =>
      Promise.resolve(
        cancelled
          ? jobStatus({ state: "cancelled", done: 1, finished_at: "2026-11-27T13:45:02Z" })
          : jobStatus({ done: 1 }),
      ),
    );
    await renderDlq({
      listDlq: () => Promise.resolve(page(entries)),
      retryDlqMany: () => Promise.resolve(jobStatus()),
      getJob,
      cancelJob,
    });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    fireEvent.click(screen.getByTestId("dlq-retry-all"));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(500);
    });
    expect(screen.getByTestId("dlq-job").textContent).toContain("1 of 2 retried");
    fireEvent.click(screen.getByTestId("dlq-job-cancel"));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(cancelJob).toHaveBeenCalledExactlyOnceWith("job-1");
    await act(async () => {
      await vi.advanceTimersByTimeAsync(500);
    });
    expect(screen.queryByTestId("dlq-job")).toBeNull();
    const notice = screen.getByTestId("dlq-notice");
    expect(notice.getAttribute("data-outcome")).toBe("job-cancelled");
    expect(notice.textContent).toContain("Bulk retry cancelled: 1 of 2 retried.");
  });

  it("retries everything the filter matches, following the job until it ends, then reloads", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    const jobs = [jobStatus({ done: 1 }), jobStatus({ state: "done", done: 1, failed: 1, finished_at: "2026-11-27T13:45:02Z" })];
    const getJob = vi.fn(() => Promise.resolve(jobs.shift()!));
    const retryDlqMany = vi.fn(() => Promise.resolve(jobStatus()));
    const backend = await renderDlq({ listDlq: () => Promise.resolve(page(entries)), retryDlqMany, getJob });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    fireEvent.change(screen.getByTestId("dlq-filter-kind"), { target: { value: "exhausted" } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(screen.getByTestId("dlq-retry-all").textContent).toBe("Retry all matching");

    fireEvent.click(screen.getByTestId("dlq-retry-all"));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(retryDlqMany).toHaveBeenCalledExactlyOnceWith({ filter: { kind: "exhausted" } });
    expect(screen.getByTestId("dlq-job").textContent).toMatch(/^Retrying… 0 of 2 retried/);
    expect(screen.getByTestId("dlq-retry-all")).toHaveProperty("disabled", true);

    await act(async () => {
      await vi.advanceTimersByTimeAsync(500);
    });
    expect(screen.getByTestId("dlq-job").textContent).toMatch(/^Retrying… 1 of 2 retried/);
    const listsBefore = vi.mocked(backend.listDlq).mock.calls.length;

    await act(async () => {
      await vi.advanceTimersByTimeAsync(500);
    });
    expect(screen.queryByTestId("dlq-job")).toBeNull();
    const notice = screen.getByTestId("dlq-notice");
    expect(notice.getAttribute("data-outcome")).toBe("job-done");
    expect(notice.textContent).toContain("Bulk retry finished: 1 of 2 retried, 1 still failing.");
    expect(vi.mocked(backend.listDlq).mock.calls.length).toBe(listsBefore + 1);
    expect(getJob).toHaveBeenCalledTimes(2);
  });

  it("reports a bulk retry the engine finished at once, without polling it", async () => {
    const retryDlqMany = vi.fn(() => Promise.resolve(jobStatus({ state: "done", total: 0, done: 0 })));
    const backend = await renderDlq({ listDlq: () => Promise.resolve(page(entries)), retryDlqMany });
    await waitFor(() => expect(rows()).toHaveLength(2));
    const listsBefore = vi.mocked(backend.listDlq).mock.calls.length;

    fireEvent.click(screen.getByTestId("dlq-retry-all"));

    const notice = await screen.findByTestId("dlq-notice");
    expect(notice.getAttribute("data-outcome")).toBe("job-done");
    expect(notice.textContent).toContain("Nothing matched the filter: nothing to retry.");
    expect(screen.queryByTestId("dlq-job")).toBeNull();
    await waitFor(() => expect(vi.mocked(backend.listDlq).mock.calls.length).toBe(listsBefore + 1));
    expect(backend.getJob).not.toHaveBeenCalled();
  });

  it("says why a bulk retry could not start", async () => {
    await renderDlq({
      listDlq: () => Promise.resolve(page(entries)),
      retryDlqMany: () => Promise.reject(new EngineError("store_failed", "database is locked")),
    });
    await waitFor(() => expect(rows()).toHaveLength(2));

    fireEvent.click(screen.getByTestId("dlq-retry-all"));

    expect((await screen.findByRole("alert")).textContent).toContain("Retry all failed: database is locked (code: store_failed)");
  });
});
