// A Backend under the test's control: it answers getHealth/getEngineInfo/getStats as told and
// lets the test push live health, stats, live batches or errors to whoever subscribed. The dead
// letter and setup calls are mocks the test overrides.
import { vi } from "vitest";
import type {
  Backend,
  BackendKind,
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
  RetrySelection,
  SetListenRequest,
  SetupOverview,
  OperationsBackend,
  SettingsView,
  Stats,
  StatsHistoryView,
  TautulliConnected,
  TautulliConnectRequest,
  TautulliTestResult,
} from "../backend/Backend";
import { engineInfo } from "./fixtures";
import { settingsView } from "./settingsFixtures";

type Subscriber<T> = { listener: (value: T) => void; onError?: (error: Error) => void };

export type FakeBackend = Backend & {
  pushHealth(health: Health): void;
  pushError(error: Error): void;
  subscriberCount(): number;
  pushStats(stats: Stats): void;
  pushStatsError(error: Error): void;
  statsSubscriberCount(): number;
  pushLive(batch: LiveBatch): void;
  pushLiveError(error: Error): void;
  liveSubscriberCount(): number;
  /** Settings saved elsewhere, as the desktop's event brings them. */
  pushSettings(view: SettingsView): void;
};

export type FakeBackendOptions = {
  kind?: BackendKind;
  authorized?: boolean;
  getHealth?: () => Promise<Health>;
  getEngineInfo?: () => Promise<EngineInfo>;
  /** What getStats answers; by default it rejects, as an engine without figures would. */
  getStats?: () => Promise<Stats>;
  /** What getStatsHistory answers; by default it rejects. */
  getStatsHistory?: () => Promise<StatsHistoryView>;
  listDlq?: (filter: DlqFilter, page: PageArgs) => Promise<Page<DlqEntry>>;
  getDlqEntry?: (id: string) => Promise<DlqEntry>;
  retryDlq?: (id: string, payload: string | null) => Promise<Retried>;
  retryDlqMany?: (selection: RetrySelection) => Promise<JobStatus>;
  deleteDlq?: (id: string) => Promise<void>;
  /** What listDlqGroups answers; by default no groups. */
  listDlqGroups?: (filter: DlqFilter) => Promise<DlqGroup[]>;
  purgeDlq?: (filter: DlqFilter) => Promise<Purged>;
  getJob?: (id: string) => Promise<JobStatus>;
  cancelJob?: (id: string) => Promise<JobStatus>;
  importTautulli?: (request: ImportRequest) => Promise<ImportStarted>;
  /** What getSetup answers; by default it rejects, so the dashboard opens without the wizard. */
  getSetup?: () => Promise<SetupOverview>;
  setListen?: (request: SetListenRequest) => Promise<ListenChanged>;
  checkListen?: (request: CheckListenRequest) => Promise<ListenCheck>;
  /** Where a browser page would go on after a move; null (the desktop's answer) by default. */
  continueAt?: (changed: ListenChanged) => string | null;
  connectTautulli?: (request: TautulliConnectRequest) => Promise<TautulliConnected>;
  testTautulli?: () => Promise<TautulliTestResult>;
  disconnectTautulli?: () => Promise<void>;
  connectPlex?: (request: PlexConnectRequest) => Promise<PlexRegistered>;
  disconnectPlex?: () => Promise<void>;
  startPlexPin?: () => Promise<PlexPin>;
  checkPlexPin?: (id: string) => Promise<PlexPinStatus>;
  openExternal?: (url: string) => Promise<void>;
  /** Settings, ingestion, logs and diagnostics calls; settings answer the fixture by default. */
  operations?: Partial<OperationsBackend>;
};

const notInThisTest = (what: string) => () => Promise.reject(new Error(`no ${what} in this test`));

export function createFakeBackend(options: FakeBackendOptions = {}): FakeBackend {
  const subscribers = new Set<Subscriber<Health>>();
  const statsSubscribers = new Set<Subscriber<Stats>>();
  const liveSubscribers = new Set<Subscriber<LiveBatch>>();
  const settingsListeners = new Set<(view: SettingsView) => void>();
  return {
    kind: options.kind ?? "tauri",
    authorized: options.authorized ?? true,
    getHealth: vi.fn(options.getHealth ?? (() => new Promise<Health>(() => {}))),
    getEngineInfo: vi.fn(options.getEngineInfo ?? (() => Promise.resolve(engineInfo))),
    onHealth(listener, onError) {
      const subscriber = { listener, onError };
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
    pushHealth(health) {
      for (const subscriber of subscribers) subscriber.listener(health);
    },
    pushError(error) {
      for (const subscriber of subscribers) subscriber.onError?.(error);
    },
    subscriberCount: () => subscribers.size,
    getStats: vi.fn(options.getStats ?? notInThisTest("stats")),
    getStatsHistory: vi.fn(options.getStatsHistory ?? notInThisTest("stats history")),
    // Like the real hosts, never calls listeners synchronously; the test pushes what it wants.
    onStats: vi.fn((listener: (stats: Stats) => void, onError?: (error: Error) => void) => {
      const subscriber = { listener, onError };
      statsSubscribers.add(subscriber);
      return () => {
        statsSubscribers.delete(subscriber);
      };
    }),
    pushStats(stats) {
      for (const subscriber of statsSubscribers) subscriber.listener(stats);
    },
    pushStatsError(error) {
      for (const subscriber of statsSubscribers) subscriber.onError?.(error);
    },
    statsSubscriberCount: () => statsSubscribers.size,
    subscribeLive: vi.fn((listener: (batch: LiveBatch) => void, onError?: (error: Error) => void) => {
      const subscriber = { listener, onError };
      liveSubscribers.add(subscriber);
      return () => {
        liveSubscribers.delete(subscriber);
      };
    }),
    pushLive(batch) {
      for (const subscriber of liveSubscribers) subscriber.listener(batch);
    },
    pushLiveError(error) {
      for (const subscriber of liveSubscribers) subscriber.onError?.(error);
    },
    liveSubscriberCount: () => liveSubscribers.size,
    listDlq: vi.fn(options.listDlq ?? (() => Promise.resolve({ items: [], next_cursor: null }))),
    getDlqEntry: vi.fn(options.getDlqEntry ?? notInThisTest("dead letter")),
    retryDlq: vi.fn(options.retryDlq ?? notInThisTest("retry")),
    retryDlqMany: vi.fn(options.retryDlqMany ?? notInThisTest("bulk retry")),
    deleteDlq: vi.fn(options.deleteDlq ?? notInThisTest("delete")),
    listDlqGroups: vi.fn(options.listDlqGroups ?? (() => Promise.resolve([]))),
    purgeDlq: vi.fn(options.purgeDlq ?? notInThisTest("purge")),
    getJob: vi.fn(options.getJob ?? notInThisTest("job")),
    cancelJob: vi.fn(options.cancelJob ?? notInThisTest("job cancel")),
    importTautulli: vi.fn(options.importTautulli ?? notInThisTest("history import")),
    getSetup: vi.fn(options.getSetup ?? notInThisTest("setup")),
    setListen: vi.fn(options.setListen ?? notInThisTest("listener move")),
    checkListen: vi.fn(options.checkListen ?? notInThisTest("listener check")),
    continueAt: vi.fn(options.continueAt ?? (() => null)),
    connectTautulli: vi.fn(options.connectTautulli ?? notInThisTest("Tautulli connection")),
    testTautulli: vi.fn(options.testTautulli ?? notInThisTest("Tautulli test")),
    disconnectTautulli: vi.fn(options.disconnectTautulli ?? notInThisTest("Tautulli disconnection")),
    connectPlex: vi.fn(options.connectPlex ?? notInThisTest("Plex registration")),
    disconnectPlex: vi.fn(options.disconnectPlex ?? notInThisTest("Plex removal")),
    startPlexPin: vi.fn(options.startPlexPin ?? notInThisTest("plex.tv sign-in")),
    checkPlexPin: vi.fn(options.checkPlexPin ?? notInThisTest("plex.tv sign-in")),
    openExternal: vi.fn(options.openExternal ?? (() => Promise.resolve())),
    getSettings: vi.fn(options.operations?.getSettings ?? (() => Promise.resolve(settingsView))),
    updateSettings: vi.fn(options.operations?.updateSettings ?? notInThisTest("settings change")),
    revealSetting: vi.fn(options.operations?.revealSetting ?? notInThisTest("reveal")),
    regenerateToken: vi.fn(options.operations?.regenerateToken ?? notInThisTest("regenerate")),
    getIngestion: vi.fn(options.operations?.getIngestion ?? (() => Promise.resolve({ paused: false, since: null }))),
    pauseIngestion: vi.fn(options.operations?.pauseIngestion ?? notInThisTest("pause")),
    resumeIngestion: vi.fn(options.operations?.resumeIngestion ?? notInThisTest("resume")),
    getLogs: vi.fn(options.operations?.getLogs ?? notInThisTest("logs")),
    exportDiagnostics: vi.fn(options.operations?.exportDiagnostics ?? notInThisTest("diagnostics")),
    deliverDiagnostics: vi.fn(options.operations?.deliverDiagnostics ?? notInThisTest("diagnostics delivery")),
    openLogFolder: vi.fn(options.operations?.openLogFolder ?? notInThisTest("log folder")),
    listSessions: vi.fn(options.operations?.listSessions ?? notInThisTest("history")),
    listEvents: vi.fn(options.operations?.listEvents ?? notInThisTest("events")),
    getAnalyticsPlays: vi.fn(options.operations?.getAnalyticsPlays ?? notInThisTest("analytics")),
    getAnalyticsConcurrent: vi.fn(options.operations?.getAnalyticsConcurrent ?? notInThisTest("analytics")),
    exportHistory: vi.fn(options.operations?.exportHistory ?? notInThisTest("export")),
    listDedup: vi.fn(options.operations?.listDedup ?? (() => Promise.resolve({ items: [], next_cursor: null }))),
    restoreDedup: vi.fn(options.operations?.restoreDedup ?? notInThisTest("restore")),
    getEvent: vi.fn(options.operations?.getEvent ?? notInThisTest("event")),
    previewReplay: vi.fn(options.operations?.previewReplay ?? notInThisTest("replay preview")),
    startReplay: vi.fn(options.operations?.startReplay ?? notInThisTest("replay")),
    onSettingsChanged(listener) {
      settingsListeners.add(listener);
      return () => settingsListeners.delete(listener);
    },
    pushSettings(view) {
      for (const listener of settingsListeners) listener(view);
    },
  };
}
