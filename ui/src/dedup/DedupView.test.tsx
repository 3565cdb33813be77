// The Duplicates view against a fake Backend, inside the app (its route in the URL fragment):
// the list and its rule filter in the URL, the side-by-side comparison with differing fields
// marked, restore behind a confirmation (cancel changes nothing, 409 says already restored), a
// kept event that cannot be found, and the loading, empty and error states.
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { DedupFilter, DedupRecord, MediaEvent, Page, Restored } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { EngineError } from "../backend/errors";
import { createFakeBackend, type FakeBackendOptions } from "../test/fakeBackend";
import { mediaEvent } from "../test/fixtures";
import { giveElementsASize } from "../test/sizedLayout";

giveElementsASize();

const kept = mediaEvent({ event_id: "ev-kept", source: "tautulli", received_at: "2026-11-27T13:43:30.120Z" });
const dropped = mediaEvent({
  event_id: "ev-dropped",
  source: "plex",
  received_at: "2026-11-27T13:43:31.500Z",
  player: "Living Room TV (Plex)",
});

function record(overrides: Partial<DedupRecord> = {}): DedupRecord {
  return {
    id: "d-ev-dropped",
    kept_event_id: "ev-kept",
    dropped_event_id: "ev-dropped",
    matched_key: "player-1|48213|start",
    rule: "cross_source",
    at: "2026-11-27T13:43:32Z",
    dropped,
    restored: false,
    ...overrides,
  };
}

function page<T>(items: T[], next_cursor: string | null = null): Page<T> {
  return { items, next_cursor };
}

function renderDuplicates(hash: string, operations: FakeBackendOptions["operations"]) {
  window.history.replaceState(null, "", `/${hash}`);
  const backend = createFakeBackend({ operations });
  render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
  return backend;
}

const withKept = (event: MediaEvent = kept) => (id: string) =>
  id === event.event_id ? Promise.resolve(event) : Promise.reject(new EngineError("not_found", `no event ${id}`));

describe("Duplicates", () => {
  it("is a tab after Dead letters whose rows say when, which rule, which source and what", async () => {
    renderDuplicates("", { listDedup: () => Promise.resolve(page([record()])) });
    const tabs = screen.getAllByRole("tab").map((tab) => tab.textContent);
    expect(tabs.indexOf("Duplicates")).toBe(tabs.indexOf("Dead letters") + 1);
    fireEvent.click(screen.getByTestId("tab-duplicates"));
    expect(window.location.hash).toBe("#/duplicates");
    const row = await screen.findByTestId("dedup-row");
    // The rule's name, and where the kept twin came from.
    expect(within(row).getAllByText("Another source")).toHaveLength(2);
    expect(within(row).getByTestId("dedup-rule").textContent).toBe("Another source");
    expect(within(row).getByTestId("dedup-rule").getAttribute("title")).toMatch(/Another source reported the same moment/);
    expect(within(row).getByText("Plex")).toBeTruthy();
    expect(within(row).getByText("Harbor Lights — Season 3 · The Long Night Shift")).toBeTruthy();
    expect(within(row).getByText("dana")).toBeTruthy();
    expect(within(row).getByTestId("dedup-restored").textContent).toBe("Dropped");
  });

  it("writes the rule filter to the URL and asks the engine for that rule only", async () => {
    const backend = renderDuplicates("#/duplicates", { listDedup: () => Promise.resolve(page([record()])) });
    await screen.findByTestId("dedup-row");
    expect(backend.listDedup).toHaveBeenLastCalledWith({ rule: null }, { cursor: null, limit: 200 });
    fireEvent.change(screen.getByTestId("dedup-rule-filter"), { target: { value: "session" } });
    expect(window.location.hash).toBe("#/duplicates?rule=session");
    await waitFor(() => expect(backend.listDedup).toHaveBeenLastCalledWith({ rule: "session" }, { cursor: null, limit: 200 }));
  });

  it("reads the rule from a deep link", async () => {
    const listDedup = vi.fn<(filter: DedupFilter) => Promise<Page<DedupRecord>>>(() =>
      Promise.resolve(page([record({ rule: "event_id" })])),
    );
    renderDuplicates("#/duplicates?rule=event_id", { listDedup });
    await screen.findByTestId("dedup-row");
    expect(listDedup.mock.calls[0]![0]).toEqual({ rule: "event_id" });
    expect((screen.getByTestId("dedup-rule-filter") as HTMLSelectElement).value).toBe("event_id");
  });

  it("says it is loading, then that nothing was dropped and what that means", async () => {
    let answer: (value: Page<DedupRecord>) => void = () => {};
    renderDuplicates("#/duplicates", { listDedup: () => new Promise((resolve) => (answer = resolve)) });
    expect(screen.getByTestId("dedup-loading")).toBeTruthy();
    act(() => answer(page([])));
    expect((await screen.findByTestId("dedup-empty")).textContent).toMatch(
      /No duplicates dropped: every event received was new\..*listed here/,
    );
  });

  it("shows why the list failed and retries", async () => {
    let calls = 0;
    renderDuplicates("#/duplicates", {
      listDedup: () => (++calls === 1 ? Promise.reject(new Error("engine busy")) : Promise.resolve(page([record()]))),
    });
    expect((await screen.findByTestId("dedup-error")).textContent).toMatch(/could not be loaded: engine busy/);
    fireEvent.click(within(screen.getByTestId("dedup-error")).getByText("Retry"));
    expect(await screen.findByTestId("dedup-row")).toBeTruthy();
  });

  it("opens a record with Enter: the kept twin beside the dropped one, differing fields marked, equal ones not", async () => {
    const backend = renderDuplicates("#/duplicates", {
      listDedup: () => Promise.resolve(page([record()])),
      getEvent: withKept(),
    });
    fireEvent.keyDown(await screen.findByTestId("dedup-row"), { key: "Enter" });
    expect(window.location.hash).toBe("#/duplicates/d-ev-dropped");
    await screen.findByTestId("dedup-diff-summary");
    const player = screen.getByTestId("diff-player");
    expect(backend.getEvent).toHaveBeenCalledWith("ev-kept");
    expect(player.getAttribute("data-differs")).toBe("true");
    expect(within(player).getByText("≠ differs")).toBeTruthy();
    expect(within(player).getByText("Living Room TV (Plex)")).toBeTruthy();
    expect(within(player).getByText("Living Room TV")).toBeTruthy();
    const title = screen.getByTestId("diff-title");
    expect(title.getAttribute("data-differs")).toBe("false");
    expect(within(title).getByText("same")).toBeTruthy();
    expect(within(screen.getByTestId("diff-source")).getByText("≠ differs")).toBeTruthy();
    expect(screen.getByTestId("dedup-diff-summary").textContent).toMatch(/^4 fields differ/);
  });

  it("closes the record with Escape", async () => {
    renderDuplicates("#/duplicates/d-ev-dropped", {
      listDedup: () => Promise.resolve(page([record()])),
      getEvent: withKept(),
    });
    const detail = await screen.findByTestId("dedup-detail");
    fireEvent.keyDown(detail, { key: "Escape" });
    expect(window.location.hash).toBe("#/duplicates");
    expect(screen.queryByTestId("dedup-detail")).toBeNull();
  });

  it("says the kept event is not stored and still shows the dropped one", async () => {
    renderDuplicates("#/duplicates/d-ev-dropped", {
      listDedup: () => Promise.resolve(page([record({ kept_event_id: "ev-gone" })])),
      getEvent: withKept(),
    });
    const error = await screen.findByTestId("dedup-kept-error");
    expect(error.textContent).toMatch(/The kept event ev-gone is not stored.*only the dropped one is shown: no event ev-gone/);
    expect(within(screen.getByTestId("diff-player")).getByText("Living Room TV (Plex)")).toBeTruthy();
    expect(screen.queryByText("≠ differs")).toBeNull();
  });

  it("restores only after confirmation: cancel changes nothing", async () => {
    const restoreDedup = vi.fn(() => Promise.resolve({ restored: true, event_id: "ev-dropped" }));
    renderDuplicates("#/duplicates/d-ev-dropped", {
      listDedup: () => Promise.resolve(page([record()])),
      getEvent: withKept(),
      restoreDedup,
    });
    fireEvent.click(await screen.findByTestId("dedup-restore-button"));
    expect(screen.getByRole("group").textContent).toMatch(
      /the dropped event is stored as its own event; the session it belongs to may gain an event/i,
    );
    fireEvent.click(screen.getByTestId("dedup-restore-cancel"));
    expect(restoreDedup).not.toHaveBeenCalled();
    expect(screen.getByTestId("dedup-restored").textContent).toBe("Dropped");
    expect(screen.getByTestId("dedup-restore-button")).toBeTruthy();
  });

  it("restores after confirmation, shows the outcome, marks the row and links to History", async () => {
    const restoreDedup = vi.fn<(id: string) => Promise<Restored>>(() =>
      Promise.resolve({ restored: true, event_id: "ev-dropped" }),
    );
    renderDuplicates("#/duplicates/d-ev-dropped", {
      listDedup: () => Promise.resolve(page([record()])),
      getEvent: withKept(),
      restoreDedup,
    });
    fireEvent.click(await screen.findByTestId("dedup-restore-button"));
    fireEvent.click(screen.getByTestId("dedup-restore-confirm"));
    expect((await screen.findByTestId("dedup-restore-outcome")).textContent).toMatch(
      /Restored: event ev-dropped is now stored as its own event/,
    );
    expect(restoreDedup).toHaveBeenCalledWith("d-ev-dropped");
    expect(screen.getByTestId("dedup-restored").textContent).toBe("Restored");
    expect(screen.getByTestId("dedup-history-link").getAttribute("href")).toBe(
      "#/history?user=dana&q=The+Long+Night+Shift",
    );
    expect(screen.queryByTestId("dedup-restore-button")).toBeNull();
  });

  it("says when it was already restored (409) and marks the row", async () => {
    renderDuplicates("#/duplicates/d-ev-dropped", {
      listDedup: () => Promise.resolve(page([record()])),
      getEvent: withKept(),
      restoreDedup: () => Promise.reject(new EngineError("conflict", "dedup record d-ev-dropped was already restored")),
    });
    fireEvent.click(await screen.findByTestId("dedup-restore-button"));
    fireEvent.click(screen.getByTestId("dedup-restore-confirm"));
    expect((await screen.findByTestId("dedup-restore-outcome")).textContent).toMatch(/already restored/);
    expect(screen.getByTestId("dedup-restored").textContent).toBe("Restored");
  });

  it("shows why a restore failed and offers it again", async () => {
    renderDuplicates("#/duplicates/d-ev-dropped", {
      listDedup: () => Promise.resolve(page([record()])),
      getEvent: withKept(),
      restoreDedup: () => Promise.reject(new EngineError("not_found", "no dedup record d-ev-dropped")),
    });
    fireEvent.click(await screen.findByTestId("dedup-restore-button"));
    fireEvent.click(screen.getByTestId("dedup-restore-confirm"));
    expect((await screen.findByRole("alert")).textContent).toMatch(/could not be restored: no dedup record d-ev-dropped/);
    expect(screen.getByTestId("dedup-restored").textContent).toBe("Dropped");
    expect(screen.getByTestId("dedup-restore-button")).toBeTruthy();
  });
});
