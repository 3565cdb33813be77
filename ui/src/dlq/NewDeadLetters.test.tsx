// The web UI's note about new dead letters: not for what was there when the page opened, at most
// one a minute with what arrived meanwhile counted into the next, naming the newest issue, and a
// way to the Dead letters section.
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { DlqGroup } from "../backend/Backend";
import { createFakeBackend } from "../test/fakeBackend";
import { NewDeadLetters, NOTE_EVERY_MS } from "./NewDeadLetters";
import { TestProviders } from "../test/TestProviders";

const newest: DlqGroup = {
  source: "plex",
  kind: "rejected",
  code: "invalid_json",
  count: 3,
  first_failed_at: "2026-11-27T10:00:00Z",
  last_failed_at: "2026-11-27T13:43:30Z",
  sample_id: "dlq-1",
  sample_error: "the body is not valid JSON",
};

function setup() {
  let clock = 1_000_000;
  const backend = createFakeBackend({ listDlqGroups: () => Promise.resolve([newest]) });
  const onOpen = vi.fn();
  const view = (size: number | null) => (
    <TestProviders backend={backend}>
      <NewDeadLetters dlqSize={size} onOpen={onOpen} now={() => clock} />
    </TestProviders>
  );
  const { rerender } = render(view(null));
  return {
    backend,
    onOpen,
    count: (size: number) => rerender(view(size)),
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe("New dead letters note", () => {
  it("ignores the count the page opened with, then names the newest issue of what arrived", async () => {
    const { backend, count, onOpen } = setup();
    count(7);
    expect(screen.queryByTestId("dlq-toast")).toBeNull();
    expect(backend.listDlqGroups).not.toHaveBeenCalled();
    count(9);
    const note = await screen.findByTestId("dlq-toast");
    expect(note.textContent).toContain("2 new dead letters");
    expect(note.textContent).toContain("The latest: Plex · invalid_json.");
    fireEvent.click(screen.getByRole("button", { name: "Open Dead letters" }));
    expect(onOpen).toHaveBeenCalledOnce();
    expect(screen.queryByTestId("dlq-toast")).toBeNull();
  });

  it("says at most one thing a minute, counting what came meanwhile into the next", async () => {
    const { backend, count, advance } = setup();
    count(0);
    count(1);
    await screen.findByTestId("dlq-toast");
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    advance(10_000);
    count(4);
    count(6);
    expect(screen.queryByTestId("dlq-toast")).toBeNull();
    expect(backend.listDlqGroups).toHaveBeenCalledTimes(1);
    advance(NOTE_EVERY_MS);
    act(() => count(7));
    await waitFor(() => expect(screen.getByTestId("dlq-toast").textContent).toContain("6 new dead letters"));
  });
});
