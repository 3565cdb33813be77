// Desktop host: the Tauri window reaches the engine through IPC commands, events and a
// channel, declared in the generated bindings (tauri-specta).
import { Channel } from "@tauri-apps/api/core";
import { commands, events } from "../bindings";
import type {
  Backend,
  DlqEntry,
  DlqFilter,
  DlqGroup,
  Purged,
  EngineInfo,
  Health,
  ImportRequest,
  ImportStarted,
  JobStatus,
  LiveBatch,
  Page,
  PageArgs,
  CheckListenRequest,
  ListenChanged,
  ListenCheck,
  PlexConnectRequest,
  PlexPin,
  PlexPinStatus,
  PlexRegistered,
  Retried,
  RetryPayload,
  RetrySelection,
  SetListenRequest,
  SetupOverview,
  SidecarStatus,
  Stats,
  StatsHistoryView,
  TautulliConnected,
  TautulliConnectRequest,
  TautulliTestResult,
} from "./Backend";
import { describeFailure, EngineError, isCodedError, unreachableEngineError } from "./errors";
import { createLiveFeed, type LiveFeedHooks } from "./liveFeed";
import { openUrl } from "./openUrl";
import { createStatsFeed, type StatsFeedHooks } from "./statsFeed";
import { createTauriOperations, type OperationsCommands, type SettingsEvents } from "./tauriOperations";

/** The part of Tauri's Channel this backend uses: the Rust side pushes, `onmessage` hears. */
export type ChannelLike<T> = { onmessage: (message: T) => void };

/** The slice of the generated bindings this backend uses; tests pass a fake. */
export type TauriBindings = {
  commands: {
    getHealth(): Promise<Health>;
    getEngineInfo(): Promise<EngineInfo>;
    getStats(): Promise<Stats>;
    getStatsHistory(): Promise<StatsHistoryView>;
    subscribeLive(channel: ChannelLike<LiveBatch>): Promise<null>;
    listDlq(filter: DlqFilter, page: PageArgs): Promise<Page<DlqEntry>>;
    getDlqEntry(id: string): Promise<DlqEntry>;
    retryDlqEntry(id: string, payload: RetryPayload | null): Promise<Retried>;
    retryDlqEntries(selection: RetrySelection): Promise<JobStatus>;
    deleteDlqEntry(id: string): Promise<null>;
    listDlqGroups(filter: DlqFilter): Promise<DlqGroup[]>;
    purgeDlq(filter: DlqFilter): Promise<Purged>;
    getJob(id: string): Promise<JobStatus>;
    cancelJob(id: string): Promise<JobStatus>;
    importTautulli(request: ImportRequest): Promise<ImportStarted>;
  };
  events: {
    healthChanged: {
      listen(callback: (event: { payload: Health }) => void): Promise<() => void>;
    };
    sidecarChanged: {
      listen(callback: (event: { payload: SidecarStatus }) => void): Promise<() => void>;
    };
  };
  /** Makes the channel the live view arrives on. */
  createChannel(): ChannelLike<LiveBatch>;
  /** The setup commands (the generated `commands`). */
  setup: {
    getSetup(): Promise<SetupOverview>;
    setListen(request: SetListenRequest): Promise<ListenChanged>;
    checkListen(request: CheckListenRequest): Promise<ListenCheck>;
    connectTautulli(request: TautulliConnectRequest): Promise<TautulliConnected>;
    testTautulli(): Promise<TautulliTestResult>;
    disconnectTautulli(): Promise<null>;
    connectPlex(request: PlexConnectRequest): Promise<PlexRegistered>;
    disconnectPlex(): Promise<null>;
    startPlexPin(): Promise<PlexPin>;
    checkPlexPin(id: string): Promise<PlexPinStatus>;
  };
  /** Opens a URL in the system browser. */
  openUrl(url: string): Promise<void>;
};

export type TauriBackendOptions = {
  /** How often onStats asks for figures between sidecar events. */
  statsIntervalMs?: number;
  /** First wait before asking again for the live feed when the engine refused (it may be starting). */
  liveRetryInitialDelayMs?: number;
  liveRetryMaxDelayMs?: number;
};

const IPC_LOCATION = "the app core (Tauri IPC)";

/** The code of the CommandError the app core answers with until the engine has started. */
const ENGINE_STARTING = "engine_starting";

const realBindings: TauriBindings = {
  commands,
  events,
  createChannel: () => new Channel<LiveBatch>(),
  setup: commands,
  openUrl,
};

/**
 * A failed command as something to show: the engine's own refusal ({code, message}) as an
 * EngineError, anything else (IPC broke, a string) as "cannot reach the engine".
 */
function commandFailure(failure: unknown): Error {
  if (isCodedError(failure)) return new EngineError(failure.code, failure.message);
  return unreachableEngineError(IPC_LOCATION, failure);
}

export function createTauriBackend(
  bindings: TauriBindings = realBindings,
  options: TauriBackendOptions = {},
  operations?: OperationsCommands,
  settingsEvents?: SettingsEvents,
): Backend {
  async function callEngine<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (failure) {
      throw commandFailure(failure);
    }
  }

  const getStats = () => callEngine(() => bindings.commands.getStats());

  /** Sidecar starts, exits and restarts show at once instead of at the next poll. */
  function watchSidecar({ refresh, update, fail }: StatsFeedHooks): () => void {
    let stopped = false;
    let unlisten: (() => void) | null = null;
    bindings.events.sidecarChanged
      .listen((event) => {
        if (stopped) return;
        // The event already carries the sidecar's new state: show it, then fetch the rest.
        update((latest) => ({ ...latest, sidecar: event.payload }));
        refresh();
      })
      .then(
        (stopListening) => {
          if (stopped) stopListening();
          else unlisten = stopListening;
        },
        (failure: unknown) => {
          if (!stopped) fail(unreachableEngineError(IPC_LOCATION, failure));
        },
      );
    return () => {
      stopped = true;
      unlisten?.();
      unlisten = null;
    };
  }

  const liveStats = createStatsFeed({
    getStats,
    intervalMs: options.statsIntervalMs ?? 5_000,
    watch: watchSidecar,
  });

  const retryInitialMs = options.liveRetryInitialDelayMs ?? 500;
  const retryMaxMs = options.liveRetryMaxDelayMs ?? 5_000;

  /**
   * Opens the live channel: the engine sends a snapshot first, then batches, and a fresh
   * snapshot whenever this window fell behind. Until the engine has started the command is
   * refused; it is asked again, with backoff.
   */
  function connectLive(hooks: LiveFeedHooks): () => void {
    let stopped = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let delayMs = retryInitialMs;

    function attempt(): void {
      const channel = bindings.createChannel();
      channel.onmessage = (batch) => {
        if (!stopped) hooks.deliver(batch);
      };
      bindings.commands.subscribeLive(channel).then(
        () => {
          delayMs = retryInitialMs;
        },
        (failure: unknown) => {
          if (stopped) return;
          // Still starting is not worth an alarm: the view keeps saying it is connecting.
          if (!(isCodedError(failure) && failure.code === ENGINE_STARTING)) hooks.fail(commandFailure(failure));
          retryTimer = setTimeout(attempt, delayMs);
          delayMs = Math.min(delayMs * 2, retryMaxMs);
        },
      );
    }

    attempt();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
    };
  }

  // A channel cannot be closed from the page (the app core stops sending only when the window
  // goes), so one is opened for the window's life and shared by every view that subscribes.
  const liveView = createLiveFeed({ connect: connectLive, keepConnected: true });

  return {
    ...createTauriOperations(callEngine, operations, settingsEvents),
    kind: "tauri",
    authorized: true,
    getHealth: () => callEngine(() => bindings.commands.getHealth()),
    getEngineInfo: () => callEngine(() => bindings.commands.getEngineInfo()),
    onHealth(listener, onError) {
      let unsubscribed = false;
      let unlisten: (() => void) | null = null;
      bindings.events.healthChanged
        .listen((event) => {
          if (!unsubscribed) listener(event.payload);
        })
        .then(
          (stopListening) => {
            // Unsubscribed before Tauri finished registering: release the listener right away.
            if (unsubscribed) stopListening();
            else unlisten = stopListening;
          },
          (failure: unknown) => {
            if (!unsubscribed) onError?.(unreachableEngineError(IPC_LOCATION, failure));
          },
        );
      return () => {
        unsubscribed = true;
        unlisten?.();
        unlisten = null;
      };
    },
    getStats,
    getStatsHistory: () => callEngine(() => bindings.commands.getStatsHistory()),
    onStats: (listener, onError) => liveStats.subscribe(listener, onError),
    subscribeLive: (onBatch, onError) => liveView.subscribe(onBatch, onError),
    listDlq: (filter, page) => callEngine(() => bindings.commands.listDlq(filter, page)),
    getDlqEntry: (id) => callEngine(() => bindings.commands.getDlqEntry(id)),
    retryDlq: (id, payload) => callEngine(() => bindings.commands.retryDlqEntry(id, payload)),
    retryDlqMany: (selection) => callEngine(() => bindings.commands.retryDlqEntries(selection)),
    listDlqGroups: (filter) => callEngine(() => bindings.commands.listDlqGroups(filter)),
    purgeDlq: (filter) => callEngine(() => bindings.commands.purgeDlq(filter)),
    deleteDlq: async (id) => {
      await callEngine(() => bindings.commands.deleteDlqEntry(id));
    },
    getJob: (id) => callEngine(() => bindings.commands.getJob(id)),
    cancelJob: (id) => callEngine(() => bindings.commands.cancelJob(id)),
    importTautulli: (request) => callEngine(() => bindings.commands.importTautulli(request)),
    getSetup: () => callEngine(() => bindings.setup.getSetup()),
    setListen: (request) => callEngine(() => bindings.setup.setListen(request)),
    checkListen: (request) => callEngine(() => bindings.setup.checkListen(request)),
    // The window talks IPC: wherever the listener moves, it is unaffected.
    continueAt: () => null,
    connectTautulli: (request) => callEngine(() => bindings.setup.connectTautulli(request)),
    testTautulli: () => callEngine(() => bindings.setup.testTautulli()),
    disconnectTautulli: async () => {
      await callEngine(() => bindings.setup.disconnectTautulli());
    },
    connectPlex: (request) => callEngine(() => bindings.setup.connectPlex(request)),
    disconnectPlex: async () => {
      await callEngine(() => bindings.setup.disconnectPlex());
    },
    startPlexPin: () => callEngine(() => bindings.setup.startPlexPin()),
    checkPlexPin: (id) => callEngine(() => bindings.setup.checkPlexPin(id)),
    openExternal: async (url) => {
      try {
        await bindings.openUrl(url);
      } catch (failure) {
        // The opener plugin said no (or is missing): not the engine's doing, so said as it is.
        throw new Error(describeFailure(failure), { cause: failure });
      }
    },
  };
}
