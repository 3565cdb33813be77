// The dead letters grouped into issues, against a fake Backend: each group with its count, code,
// sample and times; "Show entries" narrows the list to it; retry-all and delete-all of a group
// and of the filter ask first with the count they affect; the error code and time range filters.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { DlqGroup } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { EngineError } from "../backend/errors";
import { createFakeBackend, type FakeBackendOptions } from "../test/fakeBackend";
import { dlqEntry, jobStatus } from "../test/fixtures";

function group(overrides: Partial<DlqGroup> = {}): DlqGroup {
  return {
    source: "tautulli",
    kind: "rejected",
    code: "invalid_json",
    count: 1204,
    first_failed_at: "2026-11-27T10:00:00Z",
    last_failed_at: "2026-11-27T13:43:30Z",
    sample_id: "dlq-1",
    sample_error: "the body is not valid JSON: expected value at line 1 column 1",
    ...overrides,
  };
}

const groups = [group(), group({ source: "plex", kind: "exhausted", code: "store_failed", count: 1, sample_error: "database is locked" })];

async function renderDlq(options: FakeBackendOptions) {
  const backend = createFakeBackend({
    listDlq: () => Promise.resolve({ items: [dlqEntry()], next_cursor: null }),
    listDlqGroups: () => Promise.resolve(groups),
    ...options,
  });
  render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
  fireEvent.click(screen.getByTestId("tab-dlq"));
  await screen.findByTestId("dlq-groups");
  return backend;
}

const card = (index: number) => screen.getAllByTestId("dlq-group")[index]!;

describe("Dead letter issues", () => {
  it("shows one card per source, kind and code with its count, sample and times", async () => {
    await renderDlq({});
    expect(screen.getByTestId("dlq-groups").querySelector("h3")?.textContent).toBe("2 issues");
    const first = card(0);
    expect(within(first).getByTestId("dlq-group-count").textContent).toBe("1,204 entries");
    expect(first.textContent).toContain("invalid_json");
    expect(first.textContent).toContain("Tautulli");
    expect(first.textContent).toContain("expected value at line 1");
    expect(first.textContent).toContain("First Nov 27");
    expect(within(card(1)).getByTestId("dlq-group-count").textContent).toBe("1 entry");
  });

  it("narrows the list to a group with Show entries", async () => {
    const backend = await renderDlq({});
    fireEvent.click(within(card(1)).getByTestId("dlq-group-show"));
    const expected = { source: "plex", kind: "exhausted", code: "store_failed" };
    await waitFor(() => expect(backend.listDlq).toHaveBeenLastCalledWith(expected, { limit: 50 }));
    expect(backend.listDlqGroups).toHaveBeenLastCalledWith(expected);
    expect((screen.getByTestId("dlq-filter-code") as HTMLInputElement).value).toBe("store_failed");
  });

  it("retries a group as a job only after saying how many it affects", async () => {
    const retryDlqMany = vi.fn(() => Promise.resolve(jobStatus({ state: "done", total: 1204, done: 1204 })));
    const backend = await renderDlq({ retryDlqMany });
    fireEvent.click(within(card(0)).getByTestId("dlq-group-retry"));
    expect(within(card(0)).getByTestId("dlq-group-estimate").textContent).toContain("Retry affects 1,204 entries");
    expect(retryDlqMany).not.toHaveBeenCalled();
    fireEvent.click(within(card(0)).getByTestId("dlq-group-confirm"));
    await waitFor(() =>
      expect(retryDlqMany).toHaveBeenCalledExactlyOnceWith({
        filter: { source: "tautulli", kind: "rejected", code: "invalid_json" },
      }),
    );
    expect((await screen.findByTestId("dlq-notice")).textContent).toContain("1,204 of 1,204 retried");
    await waitFor(() => expect(vi.mocked(backend.listDlqGroups).mock.calls.length).toBeGreaterThan(1));
  });

  it("deletes a group after a confirmation, and Cancel changes nothing", async () => {
    const purgeDlq = vi.fn(() => Promise.resolve({ deleted: 1 }));
    await renderDlq({ purgeDlq });
    fireEvent.click(within(card(1)).getByTestId("dlq-group-delete"));
    expect(within(card(1)).getByTestId("dlq-group-estimate").textContent).toContain("Delete affects 1 entry");
    fireEvent.click(within(card(1)).getByRole("button", { name: "Cancel" }));
    expect(purgeDlq).not.toHaveBeenCalled();
    fireEvent.click(within(card(1)).getByTestId("dlq-group-delete"));
    fireEvent.click(within(card(1)).getByTestId("dlq-group-confirm"));
    await waitFor(() =>
      expect(purgeDlq).toHaveBeenCalledExactlyOnceWith({ source: "plex", kind: "exhausted", code: "store_failed" }),
    );
    expect((await screen.findByTestId("dlq-notice")).textContent).toBe("Deleted 1 dead letter.Dismiss");
  });

  it("deletes everything the filter matches with the count first, and says why it failed", async () => {
    const purgeDlq = vi.fn().mockRejectedValue(new EngineError("store_failed", "database is locked"));
    await renderDlq({ purgeDlq });
    fireEvent.click(screen.getByTestId("dlq-purge"));
    expect(screen.getByTestId("dlq-purge-estimate").textContent).toBe("Delete 1,205 dead letters? They are gone for good.");
    fireEvent.click(screen.getByTestId("dlq-purge-confirm"));
    await waitFor(() => expect(purgeDlq).toHaveBeenCalledExactlyOnceWith({}));
    const notice = await screen.findByTestId("dlq-notice");
    expect(notice.getAttribute("data-outcome")).toBe("failed");
    expect(notice.textContent).toContain("Delete all failed: database is locked");
  });

  it("filters by error code on submit and by time range at once", async () => {
    const backend = await renderDlq({});
    fireEvent.change(screen.getByTestId("dlq-filter-code"), { target: { value: " invalid_json " } });
    fireEvent.click(screen.getByTestId("dlq-filter-apply"));
    await waitFor(() => expect(backend.listDlq).toHaveBeenLastCalledWith({ code: "invalid_json" }, { limit: 50 }));
    const before = Date.now();
    fireEvent.change(screen.getByTestId("dlq-filter-range"), { target: { value: "24h" } });
    await waitFor(() => expect(vi.mocked(backend.listDlq).mock.lastCall?.[0].since).toBeDefined());
    const filter = vi.mocked(backend.listDlq).mock.lastCall![0];
    expect(filter.code).toBe("invalid_json");
    const since = Date.parse(filter.since!);
    expect(before - since).toBeGreaterThanOrEqual(86_400_000 - 1_000);
    expect(before - since).toBeLessThanOrEqual(86_400_000 + 1_000);
  });

  it("says why the groups could not load, and tries again", async () => {
    const listDlqGroups = vi
      .fn()
      .mockRejectedValueOnce(new Error("Cannot reach the engine"))
      .mockResolvedValue(groups);
    const backend = createFakeBackend({ listDlqGroups, listDlq: () => Promise.resolve({ items: [], next_cursor: null }) });
    render(
      <BackendProvider backend={backend}>
        <App />
      </BackendProvider>,
    );
    fireEvent.click(screen.getByTestId("tab-dlq"));
    const error = await screen.findByTestId("dlq-groups-error");
    expect(error.textContent).toContain("Cannot reach the engine");
    fireEvent.click(within(error).getByRole("button", { name: "Try again" }));
    await screen.findByTestId("dlq-groups");
  });
});
