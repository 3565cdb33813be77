// The desktop's settings, ingestion, log and diagnostics calls: one generated command each,
// with a refused command's {code, message} turned into an EngineError by the host.
import { describe, expect, it, vi } from "vitest";
import { mediaEvent } from "../test/fixtures";
import { diagnosticsExport, logTail, settingsView } from "../test/settingsFixtures";
import { EngineError } from "./errors";
import { createTauriBackend, type TauriBindings } from "./tauriBackend";
import type { OperationsCommands } from "./tauriOperations";

const noEvents = { listen: () => Promise.resolve(() => {}) };
const bindings = {
  commands: {},
  events: { healthChanged: noEvents, sidecarChanged: noEvents },
  createChannel: () => ({ onmessage: () => {} }),
} as unknown as TauriBindings;

function fakeCommands(overrides: Partial<OperationsCommands> = {}): OperationsCommands {
  const none = () => Promise.reject({ code: "not_found", message: "not in this test" });
  return {
    getSettings: vi.fn(() => Promise.resolve(settingsView)),
    updateSettings: vi.fn(none),
    revealSetting: vi.fn(none),
    regenerateToken: vi.fn(none),
    getIngestion: vi.fn(none),
    pauseIngestion: vi.fn(none),
    resumeIngestion: vi.fn(none),
    getLogs: vi.fn(() => Promise.resolve(logTail)),
    exportDiagnostics: vi.fn(() => Promise.resolve(diagnosticsExport)),
    openLogFolder: vi.fn(() => Promise.resolve(null)),
    showDiagnostics: vi.fn(() => Promise.resolve(null)),
    listSessions: vi.fn(() => Promise.resolve({ items: [], next_cursor: null })),
    listEvents: vi.fn(() => Promise.resolve({ items: [], next_cursor: null })),
    getAnalyticsPlays: vi.fn(() => Promise.resolve({ by: "day", rows: [] })),
    getAnalyticsConcurrent: vi.fn(() => Promise.resolve({ rows: [] })),
    exportHistory: vi.fn(() => Promise.resolve({ rows: 3, path: "/tmp/h.csv" })),
    listDedup: vi.fn(() => Promise.resolve({ items: [], next_cursor: null })),
    restoreDedup: vi.fn(() => Promise.resolve({ restored: true, event_id: "ev-2" })),
    getEvent: vi.fn(() => Promise.reject({ code: "not_found", message: "not in this test" })),
    previewReplay: vi.fn(() => Promise.reject({ code: "invalid_range", message: "from (sequence 9) comes after to (sequence 3)" })),
    startReplay: vi.fn(() => Promise.resolve({ id: "job-r" })),
    ...overrides,
  } as OperationsCommands;
}

describe("Tauri operations", () => {
  it("call their commands and hand an export to the file manager by name", async () => {
    const commands = fakeCommands();
    const backend = createTauriBackend(bindings, {}, commands);
    expect(await backend.getSettings()).toBe(settingsView);
    expect(await backend.getLogs({ level: "warn", limit: 10, cursor: null })).toBe(logTail);
    expect(commands.getLogs).toHaveBeenCalledWith({ level: "warn", limit: 10, cursor: null });
    await backend.deliverDiagnostics(diagnosticsExport);
    expect(commands.showDiagnostics).toHaveBeenCalledWith(diagnosticsExport.file_name);
    await backend.openLogFolder();
    expect(commands.openLogFolder).toHaveBeenCalled();
  });

  it("turn a refused change into an EngineError with the engine's code", async () => {
    const commands = fakeCommands({
      updateSettings: vi.fn(() => Promise.reject({ code: "locked", message: "writer_batch_size: fixed by CARTOGRAPHUS_WRITER_BATCH_SIZE" })),
    });
    const backend = createTauriBackend(bindings, {}, commands);
    const failure = await backend.updateSettings({ writer_batch_size: 5 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EngineError);
    expect((failure as EngineError).code).toBe("locked");
  });
});

describe("Tauri settings event", () => {
  it("passes on settings saved elsewhere until unsubscribed", async () => {
    let emit: (event: { payload: typeof settingsView }) => void = () => {};
    const unlisten = vi.fn();
    const events = {
      settingsChanged: {
        listen: (callback: typeof emit) => {
          emit = callback;
          return Promise.resolve(unlisten);
        },
      },
    };
    const backend = createTauriBackend(bindings, {}, fakeCommands(), events);
    const heard = vi.fn();
    const stop = backend.onSettingsChanged(heard);
    await Promise.resolve();
    emit({ payload: settingsView });
    expect(heard).toHaveBeenCalledWith(settingsView);
    stop();
    emit({ payload: settingsView });
    expect(heard).toHaveBeenCalledTimes(1);
    expect(unlisten).toHaveBeenCalled();
  });

  it("call the history and analytics commands, and say where an export was saved or that it was cancelled", async () => {
    const commands = fakeCommands();
    const backend = createTauriBackend(bindings, {}, commands);
    await backend.listSessions({ user: "dana" }, { cursor: "c1", limit: 200 });
    expect(commands.listSessions).toHaveBeenCalledWith({ user: "dana" }, { cursor: "c1", limit: 200 });
    await backend.listEvents({ session: "s-1" }, { limit: 500 });
    expect(commands.listEvents).toHaveBeenCalledWith({ session: "s-1" }, { limit: 500 });
    await backend.getAnalyticsPlays({ by: "hour", tz: "60" });
    expect(commands.getAnalyticsPlays).toHaveBeenCalledWith({ by: "hour", tz: "60" });
    await backend.getAnalyticsConcurrent({ tz: "0" });
    expect(commands.getAnalyticsConcurrent).toHaveBeenCalledWith({ tz: "0" });
    const rows = { table: "sessions", filter: { user: "dana" } } as const;
    expect(await backend.exportHistory(rows, "parquet")).toEqual({ kind: "saved", path: "/tmp/h.csv", rows: 3 });
    expect(commands.exportHistory).toHaveBeenCalledWith(rows, "parquet");
    const cancelled = createTauriBackend(bindings, {}, fakeCommands({ exportHistory: vi.fn(() => Promise.resolve(null)) }));
    expect(await cancelled.exportHistory(rows, "csv")).toEqual({ kind: "cancelled" });
  });
});

describe("Tauri dedup calls", () => {
  it("call list_dedup and restore_dedup, and turn a 409-like refusal into an EngineError", async () => {
    const commands = fakeCommands();
    const backend = createTauriBackend(bindings, {}, commands);
    await backend.listDedup({ rule: "session" }, { cursor: "c1", limit: 200 });
    expect(commands.listDedup).toHaveBeenCalledWith({ rule: "session" }, { cursor: "c1", limit: 200 });
    expect(await backend.restoreDedup("d-ev-2")).toEqual({ restored: true, event_id: "ev-2" });
    expect(commands.restoreDedup).toHaveBeenCalledWith("d-ev-2");
    const refusing = createTauriBackend(
      bindings,
      {},
      fakeCommands({ restoreDedup: vi.fn(() => Promise.reject({ code: "conflict", message: "already restored" })) }),
    );
    const failure = await refusing.restoreDedup("d-ev-2").catch((e: unknown) => e);
    expect((failure as EngineError).code).toBe("conflict");
  });

  it("fetch one event with get_event, its not_found passed on", async () => {
    const getEvent = vi.fn((id: string) =>
      id === "ev-kept"
        ? Promise.resolve(mediaEvent({ event_id: "ev-kept" }))
        : Promise.reject({ code: "not_found", message: `no event ${id}` }),
    );
    const backend = createTauriBackend(bindings, {}, fakeCommands({ getEvent } as Partial<OperationsCommands>));
    expect((await backend.getEvent("ev-kept")).event_id).toBe("ev-kept");
    expect(getEvent).toHaveBeenCalledWith("ev-kept");
    const failure = await backend.getEvent("ev-gone").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EngineError);
    expect((failure as EngineError).code).toBe("not_found");
  });
});

describe("Tauri replay calls", () => {
  it("call preview_replay and start_replay with the range, a refused range an EngineError", async () => {
    const commands = fakeCommands();
    const backend = createTauriBackend(bindings, {}, commands);
    const failure = await backend.previewReplay({ from: 9, to: 3 }).catch((e: unknown) => e);
    expect(commands.previewReplay).toHaveBeenCalledWith({ from: 9, to: 3 });
    expect(failure).toBeInstanceOf(EngineError);
    expect((failure as EngineError).code).toBe("invalid_range");
    expect((await backend.startReplay({ from: 1, to: null })).id).toBe("job-r");
    expect(commands.startReplay).toHaveBeenCalledWith({ from: 1, to: null });
  });
});
