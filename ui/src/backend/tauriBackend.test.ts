// The desktop host's backend against fake generated bindings: calls, events and unsubscribing.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Health, LiveBatch, SidecarStatus, Stats } from "./Backend";
import { createTauriBackend, type ChannelLike, type TauriBindings } from "./tauriBackend";
import { EngineError } from "./errors";
import {
  directStats,
  dlqEntry,
  engineInfo,
  healthyHealth,
  jetstreamStats,
  jobStatus,
  liveSession,
  mediaEvent,
  mixedHealth,
  runningSidecar,
  setupOverview,
  statsHistory,
} from "../test/fixtures";

type Commands = TauriBindings["commands"];
type SetupCommands = TauriBindings["setup"];

function fakeBindings(
  overrides: { [K in keyof Commands]?: Commands[K] } = {},
  setupOverrides: { [K in keyof SetupCommands]?: SetupCommands[K] } = {},
) {
  let emit: ((event: { payload: Health }) => void) | null = null;
  let emitSidecar: ((event: { payload: SidecarStatus }) => void) | null = null;
  const unlisten = vi.fn();
  const unlistenSidecar = vi.fn();
  let finishRegistering: (stopListening: () => void) => void = () => {};
  const registered = new Promise<() => void>((resolve) => {
    finishRegistering = resolve;
  });
  const channels: ChannelLike<LiveBatch>[] = [];
  const refuse = () => Promise.reject({ code: "not_found", message: "not in this test" });
  const bindings: TauriBindings = {
    commands: {
      getHealth: overrides.getHealth ?? (() => Promise.resolve(healthyHealth)),
      getEngineInfo: overrides.getEngineInfo ?? (() => Promise.resolve(engineInfo)),
      getStats: overrides.getStats ?? (() => Promise.resolve(jetstreamStats)),
      getStatsHistory: overrides.getStatsHistory ?? refuse,
      subscribeLive: vi.fn(overrides.subscribeLive ?? (() => Promise.resolve(null))),
      listDlq: vi.fn(overrides.listDlq ?? refuse),
      getDlqEntry: vi.fn(overrides.getDlqEntry ?? refuse),
      retryDlqEntry: vi.fn(overrides.retryDlqEntry ?? refuse),
      retryDlqEntries: vi.fn(overrides.retryDlqEntries ?? refuse),
      deleteDlqEntry: vi.fn(overrides.deleteDlqEntry ?? refuse),
      listDlqGroups: vi.fn(overrides.listDlqGroups ?? refuse),
      purgeDlq: vi.fn(overrides.purgeDlq ?? refuse),
      getJob: vi.fn(overrides.getJob ?? refuse),
      cancelJob: vi.fn(overrides.cancelJob ?? refuse),
      importTautulli: vi.fn(overrides.importTautulli ?? refuse),
    },
    setup: {
      getSetup: vi.fn(setupOverrides.getSetup ?? refuse),
      setListen: vi.fn(setupOverrides.setListen ?? refuse),
      checkListen: vi.fn(setupOverrides.checkListen ?? refuse),
      connectTautulli: vi.fn(setupOverrides.connectTautulli ?? refuse),
      testTautulli: vi.fn(setupOverrides.testTautulli ?? refuse),
      disconnectTautulli: vi.fn(setupOverrides.disconnectTautulli ?? refuse),
      connectPlex: vi.fn(setupOverrides.connectPlex ?? refuse),
      disconnectPlex: vi.fn(setupOverrides.disconnectPlex ?? refuse),
      startPlexPin: vi.fn(setupOverrides.startPlexPin ?? refuse),
      checkPlexPin: vi.fn(setupOverrides.checkPlexPin ?? refuse),
    },
    openUrl: vi.fn(() => Promise.resolve()),
    createChannel: () => {
      const channel: ChannelLike<LiveBatch> = { onmessage: () => {} };
      channels.push(channel);
      return channel;
    },
    events: {
      healthChanged: {
        listen: (callback) => {
          emit = callback;
          return registered;
        },
      },
      sidecarChanged: {
        listen: vi.fn((callback: (event: { payload: SidecarStatus }) => void) => {
          emitSidecar = callback;
          return Promise.resolve(unlistenSidecar);
        }),
      },
    },
  };
  return {
    bindings,
    channels,
    /** What the app core sends on the latest live channel. */
    send: (batch: LiveBatch) => channels.at(-1)?.onmessage(batch),
    unlisten,
    unlistenSidecar,
    finishRegistering: () => finishRegistering(unlisten),
    emit: (payload: Health) => emit?.({ payload }),
    emitSidecar: (payload: SidecarStatus) => emitSidecar?.({ payload }),
  };
}

describe("tauriBackend", () => {
  it("answers through the generated commands", async () => {
    const backend = createTauriBackend(fakeBindings().bindings);

    expect(backend.kind).toBe("tauri");
    expect(backend.authorized).toBe(true);
    await expect(backend.getHealth()).resolves.toEqual(healthyHealth);
    await expect(backend.getEngineInfo()).resolves.toEqual(engineInfo);
  });

  it("turns a rejected command (Tauri rejects with strings) into a readable error", async () => {
    const fake = fakeBindings({ getHealth: () => Promise.reject("engine not started") });
    const backend = createTauriBackend(fake.bindings);

    await expect(backend.getHealth()).rejects.toThrow(
      "Cannot reach the engine at the app core (Tauri IPC): engine not started",
    );
  });

  it("delivers health-changed payloads until unsubscribed", async () => {
    const fake = fakeBindings();
    const backend = createTauriBackend(fake.bindings);
    const listener = vi.fn();

    const unsubscribe = backend.onHealth(listener);
    fake.finishRegistering();
    await Promise.resolve();
    fake.emit(mixedHealth);
    expect(listener).toHaveBeenCalledExactlyOnceWith(mixedHealth);

    unsubscribe();
    expect(fake.unlisten).toHaveBeenCalledOnce();
    fake.emit(healthyHealth);
    expect(listener).toHaveBeenCalledOnce();
  });

  it("releases the Tauri listener even when unsubscribed before registration finished", async () => {
    const fake = fakeBindings();
    const backend = createTauriBackend(fake.bindings);
    const listener = vi.fn();

    const unsubscribe = backend.onHealth(listener);
    unsubscribe();
    fake.finishRegistering();

    await vi.waitFor(() => expect(fake.unlisten).toHaveBeenCalledOnce());
    fake.emit(mixedHealth);
    expect(listener).not.toHaveBeenCalled();
  });
});

describe("tauriBackend stats", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers getStats through the generated command, with readable failures", async () => {
    await expect(createTauriBackend(fakeBindings().bindings).getStats()).resolves.toEqual(jetstreamStats);

    const failing = createTauriBackend(fakeBindings({ getStats: () => Promise.reject("database is locked") }).bindings);
    await expect(failing.getStats()).rejects.toThrow(
      "Cannot reach the engine at the app core (Tauri IPC): database is locked",
    );
  });

  it("answers getStatsHistory through the generated get_stats_history command", async () => {
    const getStatsHistory = vi.fn(() => Promise.resolve(statsHistory));
    await expect(createTauriBackend(fakeBindings({ getStatsHistory }).bindings).getStatsHistory()).resolves.toEqual(statsHistory);
    expect(getStatsHistory).toHaveBeenCalledOnce();
    const failing = createTauriBackend(fakeBindings({ getStatsHistory: () => Promise.reject("engine gone") }).bindings);
    await expect(failing.getStatsHistory()).rejects.toThrow("engine gone");
  });

  it("fetches stats at once, then every 5 s, and stops on unsubscribe", async () => {
    const getStats = vi.fn(() => Promise.resolve(jetstreamStats));
    const fake = fakeBindings({ getStats });
    const backend = createTauriBackend(fake.bindings);
    const listener = vi.fn();

    const unsubscribe = backend.onStats(listener);
    await vi.advanceTimersByTimeAsync(0);
    expect(getStats).toHaveBeenCalledOnce();
    expect(listener).toHaveBeenCalledExactlyOnceWith(jetstreamStats);

    await vi.advanceTimersByTimeAsync(4_999);
    expect(getStats).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(1);
    expect(getStats).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(getStats).toHaveBeenCalledTimes(4);
    expect(listener).toHaveBeenCalledTimes(4);

    unsubscribe();
    expect(fake.unlistenSidecar).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(getStats).toHaveBeenCalledTimes(4);
    fake.emitSidecar({ ...runningSidecar, restarts: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(getStats).toHaveBeenCalledTimes(4);
    expect(listener).toHaveBeenCalledTimes(4);
  });

  it("shows a sidecar change at once and re-fetches without waiting for the next poll", async () => {
    const restarted: SidecarStatus = {
      pid: 5678,
      uptime_s: 0,
      restarts: 1,
      rss_bytes: null,
      last_exit: "signal: 9 (SIGKILL)",
    };
    let answer: Stats = jetstreamStats;
    const getStats = vi.fn(() => Promise.resolve(answer));
    const fake = fakeBindings({ getStats });
    const backend = createTauriBackend(fake.bindings);
    const listener = vi.fn();
    const unsubscribe = backend.onStats(listener);
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.bindings.events.sidecarChanged.listen).toHaveBeenCalledOnce();
    listener.mockClear();

    await vi.advanceTimersByTimeAsync(2_000);
    answer = { ...jetstreamStats, sidecar: { ...restarted, rss_bytes: 20_000_000 } };
    fake.emitSidecar(restarted);

    // The event's payload shows synchronously, on top of the figures already known…
    expect(listener).toHaveBeenCalledExactlyOnceWith({ ...jetstreamStats, sidecar: restarted });
    // …and a fresh fetch goes out now, not at the 5 s tick.
    expect(getStats).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(listener).toHaveBeenLastCalledWith(answer);

    // The poll schedule restarts from the re-fetch: the next one is 5 s after the event.
    await vi.advanceTimersByTimeAsync(4_999);
    expect(getStats).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(getStats).toHaveBeenCalledTimes(3);
    unsubscribe();
  });

  it("drops an answer that was overtaken by a sidecar-triggered re-fetch", async () => {
    let resolveSlow: (stats: Stats) => void = () => {};
    const slow = new Promise<Stats>((resolve) => {
      resolveSlow = resolve;
    });
    const answers = [slow, Promise.resolve(jetstreamStats)];
    const fake = fakeBindings({ getStats: () => answers.shift() ?? Promise.resolve(jetstreamStats) });
    const backend = createTauriBackend(fake.bindings);
    const listener = vi.fn();
    const unsubscribe = backend.onStats(listener);
    await vi.advanceTimersByTimeAsync(0);

    fake.emitSidecar(runningSidecar);
    await vi.advanceTimersByTimeAsync(0);
    expect(listener).toHaveBeenLastCalledWith(jetstreamStats);
    resolveSlow(directStats);
    await vi.advanceTimersByTimeAsync(0);

    expect(listener).toHaveBeenCalledExactlyOnceWith(jetstreamStats);
    unsubscribe();
  });

  it("reports a failed fetch to onError and keeps polling", async () => {
    let engineUp = false;
    const fake = fakeBindings({
      getStats: () => (engineUp ? Promise.resolve(directStats) : Promise.reject("engine not started")),
    });
    const backend = createTauriBackend(fake.bindings);
    const listener = vi.fn();
    const onError = vi.fn();
    const unsubscribe = backend.onStats(listener, onError);

    await vi.advanceTimersByTimeAsync(0);
    expect(listener).not.toHaveBeenCalled();
    expect((onError.mock.calls[0]?.[0] as Error).message).toBe(
      "Cannot reach the engine at the app core (Tauri IPC): engine not started",
    );

    engineUp = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(listener).toHaveBeenCalledExactlyOnceWith(directStats);
    unsubscribe();
  });
});

describe("tauriBackend live view", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const snapshot: LiveBatch = { kind: "snapshot", snapshot: { sessions: [liveSession()], recent_events: [mediaEvent()] } };
  const messages: LiveBatch = { kind: "messages", messages: [{ type: "event", data: mediaEvent({ event_id: "ev-2" }) }] };

  it("opens a channel with subscribe_live and hands over what the app core sends on it", async () => {
    const fake = fakeBindings();
    const backend = createTauriBackend(fake.bindings);
    const onBatch = vi.fn();

    backend.subscribeLive(onBatch);
    expect(fake.bindings.commands.subscribeLive).toHaveBeenCalledExactlyOnceWith(fake.channels[0]);
    fake.send(snapshot);
    fake.send(messages);

    expect(onBatch.mock.calls).toEqual([[snapshot], [messages]]);
  });

  it("keeps the one channel for the window's life: later views start from the state so far", async () => {
    const fake = fakeBindings();
    const backend = createTauriBackend(fake.bindings);
    const unsubscribe = backend.subscribeLive(() => {});
    fake.send(snapshot);
    fake.send(messages);
    unsubscribe();

    const later = vi.fn();
    backend.subscribeLive(later);
    await vi.advanceTimersByTimeAsync(0);

    expect(fake.bindings.commands.subscribeLive).toHaveBeenCalledOnce();
    const [batch] = later.mock.calls[0] ?? [];
    expect(batch.kind).toBe("snapshot");
    expect(batch.snapshot.recent_events.map((event: { event_id: string }) => event.event_id)).toEqual(["ev-2", "ev-1"]);
  });

  it("asks again, quietly and with backoff, while the engine is still starting", async () => {
    let starting = 2;
    const subscribeLive = vi.fn(() =>
      starting-- > 0
        ? Promise.reject({ code: "engine_starting", message: "the engine is still starting" })
        : Promise.resolve(null),
    );
    const fake = fakeBindings({ subscribeLive });
    const onError = vi.fn();
    const onBatch = vi.fn();
    createTauriBackend(fake.bindings).subscribeLive(onBatch, onError);

    await vi.advanceTimersByTimeAsync(0);
    expect(subscribeLive).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(subscribeLive).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(subscribeLive).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(subscribeLive).toHaveBeenCalledTimes(3);
    expect(onError).not.toHaveBeenCalled();

    // The channel of the attempt that succeeded delivers.
    fake.send(snapshot);
    expect(onBatch).toHaveBeenCalledExactlyOnceWith(snapshot);
  });

  it("reports other refusals in the engine's words, and keeps asking", async () => {
    const subscribeLive = vi
      .fn<() => Promise<null>>()
      .mockRejectedValueOnce({ code: "engine_failed", message: "DuckDB could not open the data file" })
      .mockResolvedValue(null);
    const fake = fakeBindings({ subscribeLive });
    const onError = vi.fn();
    createTauriBackend(fake.bindings).subscribeLive(() => {}, onError);
    await vi.advanceTimersByTimeAsync(0);

    expect(onError.mock.calls[0]?.[0]).toBeInstanceOf(EngineError);
    expect(onError.mock.calls[0]?.[0].message).toBe("DuckDB could not open the data file");
    await vi.advanceTimersByTimeAsync(500);
    expect(subscribeLive).toHaveBeenCalledTimes(2);
  });
});

describe("tauriBackend dead letters", () => {
  it("calls the generated commands with the same arguments", async () => {
    const page = { items: [dlqEntry()], next_cursor: null };
    const fake = fakeBindings({
      listDlq: () => Promise.resolve(page),
      getDlqEntry: () => Promise.resolve(dlqEntry()),
      retryDlqEntry: () => Promise.resolve({ id: "dlq-1", event_id: "ev-9", result: "stored" }),
      retryDlqEntries: () => Promise.resolve(jobStatus()),
      deleteDlqEntry: () => Promise.resolve(null),
      getJob: () => Promise.resolve(jobStatus({ state: "done" })),
    });
    const backend = createTauriBackend(fake.bindings);
    const { commands } = fake.bindings;

    await expect(backend.listDlq({ kind: "rejected" }, { limit: 50 })).resolves.toEqual(page);
    expect(commands.listDlq).toHaveBeenCalledWith({ kind: "rejected" }, { limit: 50 });
    await expect(backend.getDlqEntry("dlq-1")).resolves.toEqual(dlqEntry());
    await expect(backend.retryDlq("dlq-1", "{}")).resolves.toMatchObject({ result: "stored" });
    expect(commands.retryDlqEntry).toHaveBeenCalledWith("dlq-1", "{}");
    await expect(backend.retryDlqMany({ filter: { source: "plex" } })).resolves.toEqual(jobStatus());
    expect(commands.retryDlqEntries).toHaveBeenCalledWith({ filter: { source: "plex" } });
    await expect(backend.deleteDlq("dlq-1")).resolves.toBeUndefined();
    expect(commands.deleteDlqEntry).toHaveBeenCalledWith("dlq-1");
    await expect(backend.getJob("job-1")).resolves.toMatchObject({ state: "done" });
    expect(commands.getJob).toHaveBeenCalledWith("job-1");
  });

  it("rejects with the CommandError's code and message, not as an unreachable engine", async () => {
    const fake = fakeBindings({
      retryDlqEntry: () => Promise.reject({ code: "invalid_json", message: "the body is not valid JSON: EOF" }),
    });

    const failure = await createTauriBackend(fake.bindings).retryDlq("dlq-1", null).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(EngineError);
    expect(failure).toMatchObject({ code: "invalid_json", message: "the body is not valid JSON: EOF" });
  });
});

describe("tauriBackend setup", () => {
  it("calls the setup commands with the request objects as given", async () => {
    const fake = fakeBindings(
      {},
      {
        getSetup: () => Promise.resolve(setupOverview()),
        connectTautulli: () =>
          Promise.resolve({ notifier_id: 7, created: true, tautulli_version: "v2.17.0", hook: "http://192.168.1.20:3857/webhooks/tautulli" }),
        testTautulli: () => Promise.resolve({ received: true, round_trip_ms: 43 }),
        disconnectTautulli: () => Promise.resolve(null),
        connectPlex: () => Promise.resolve({ registered: true, already: false, webhooks: 2 }),
        disconnectPlex: () => Promise.resolve(null),
        startPlexPin: () => Promise.resolve({ id: "512", code: "WXYZ", auth_url: "https://app.plex.tv/auth#?code=WXYZ" }),
        checkPlexPin: () => Promise.resolve({ authorized: true }),
      },
    );
    const backend = createTauriBackend(fake.bindings);
    const request = { url: "http://192.168.1.10:8181", api_key: "k3y", callback_base: "http://192.168.1.20:3857" };

    await expect(backend.getSetup()).resolves.toEqual(setupOverview());
    await expect(backend.connectTautulli(request)).resolves.toMatchObject({ notifier_id: 7, created: true });
    expect(fake.bindings.setup.connectTautulli).toHaveBeenCalledExactlyOnceWith(request);
    await expect(backend.testTautulli()).resolves.toEqual({ received: true, round_trip_ms: 43 });
    await expect(backend.disconnectTautulli()).resolves.toBeUndefined();
    await expect(backend.connectPlex({ token: "plex-token" })).resolves.toEqual({ registered: true, already: false, webhooks: 2 });
    expect(fake.bindings.setup.connectPlex).toHaveBeenCalledExactlyOnceWith({ token: "plex-token" });
    await expect(backend.disconnectPlex()).resolves.toBeUndefined();
    await expect(backend.startPlexPin()).resolves.toMatchObject({ id: "512", code: "WXYZ" });
    await expect(backend.checkPlexPin("512")).resolves.toEqual({ authorized: true });
    expect(fake.bindings.setup.checkPlexPin).toHaveBeenCalledExactlyOnceWith("512");
    await backend.openExternal("https://app.plex.tv/auth#?code=WXYZ");
    expect(fake.bindings.openUrl).toHaveBeenCalledExactlyOnceWith("https://app.plex.tv/auth#?code=WXYZ");
  });

  it("moves and checks the listener through its commands; the window itself never moves", async () => {
    const moved = { previous: "127.0.0.1:3857", listen: "192.168.1.20:3857", url: "http://192.168.1.20:3857/", changed: true };
    const fake = fakeBindings(
      {},
      {
        setListen: () => Promise.resolve(moved),
        checkListen: () => Promise.resolve({ url: "http://192.168.1.20:3857/api/v1/health", status: "ok", round_trip_ms: 3 }),
      },
    );
    const backend = createTauriBackend(fake.bindings);

    await expect(backend.setListen({ address: "192.168.1.20:3857" })).resolves.toEqual(moved);
    expect(fake.bindings.setup.setListen).toHaveBeenCalledExactlyOnceWith({ address: "192.168.1.20:3857" });
    await expect(backend.checkListen({ address: "192.168.1.20:3857" })).resolves.toMatchObject({ status: "ok" });
    expect(fake.bindings.setup.checkListen).toHaveBeenCalledExactlyOnceWith({ address: "192.168.1.20:3857" });
    expect(backend.continueAt(moved)).toBeNull();

    fake.bindings.setup.setListen = () => Promise.reject({ code: "port_in_use", message: "port 3857 on 192.168.1.20 is already in use" });
    const failure = await backend.setListen({ address: "192.168.1.20:3857" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EngineError);
    expect(failure).toMatchObject({ code: "port_in_use" });
  });

  it("says why the system browser did not open, without blaming the engine", async () => {
    const fake = fakeBindings();
    fake.bindings.openUrl = () => Promise.reject("plugin opener not found");
    const backend = createTauriBackend(fake.bindings);

    await expect(backend.openExternal("https://app.plex.tv/auth#?code=WXYZ")).rejects.toThrow(/^plugin opener not found$/);
  });

  it("rejects with the contract's code, so the wizard can say what went wrong", async () => {
    const fake = fakeBindings(
      {},
      {
        testTautulli: () =>
          Promise.reject({ code: "test_not_received", message: "Tautulli was told to call http://127.0.0.1:3857" }),
      },
    );
    const backend = createTauriBackend(fake.bindings);

    const failure = await backend.testTautulli().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EngineError);
    expect(failure).toMatchObject({ code: "test_not_received", message: "Tautulli was told to call http://127.0.0.1:3857" });
  });
});
