// The one seam between the UI and the engine: every host (Tauri IPC, HTTP) implements Backend,
// and components only ever see this interface (through BackendContext), never a transport.
import type {
  Attempt,
  DlqEntry,
  DlqFilter,
  DlqGroup,
  DlqKind,
  EngineInfo,
  EventType,
  Health,
  ImportRequest,
  ImportStarted,
  JobOutcome,
  JobState,
  JobStatus,
  LiveBatch,
  LiveMessage,
  LiveSession,
  LiveSnapshot,
  MediaEvent,
  MessageAt,
  OverallStatus,
  Page,
  PageArgs,
  PartHealth,
  PartStatus,
  Purged,
  Retried,
  RetriedAs,
  RetryPayload,
  RetrySelection,
  Session,
  SessionState,
  SidecarStatus,
  Source,
  SpoolStats,
  Stats,
  StatsHistoryView,
  StatsSample,
  PipelineAlert,
  AlertKind,
  Severity,
  LatencySummary,
  ConsumerStats,
  StreamStats,
  CheckListenRequest,
  ListenChanged,
  ListenCheck,
  PlexConnectRequest,
  PlexPin,
  PlexPinStatus,
  PlexRegistered,
  SetListenRequest,
  SetupOverview,
  SourceSetup,
  TautulliConnected,
  TautulliConnectRequest,
  TautulliTestResult,
} from "../bindings";
import type { OperationsBackend } from "./operations";

// Re-exported so UI code takes its types from here and never imports the generated bindings.
export type {
  Attempt,
  DlqEntry,
  DlqFilter,
  DlqGroup,
  DlqKind,
  EngineInfo,
  EventType,
  Health,
  ImportRequest,
  ImportStarted,
  JobOutcome,
  JobState,
  JobStatus,
  LiveBatch,
  LiveMessage,
  LiveSession,
  LiveSnapshot,
  MediaEvent,
  MessageAt,
  OverallStatus,
  Page,
  PageArgs,
  PartHealth,
  PartStatus,
  Purged,
  Retried,
  RetriedAs,
  RetryPayload,
  RetrySelection,
  Session,
  SessionState,
  SidecarStatus,
  Source,
  SpoolStats,
  Stats,
  StatsHistoryView,
  StatsSample,
  PipelineAlert,
  AlertKind,
  Severity,
  LatencySummary,
  ConsumerStats,
  StreamStats,
};
export type {
  CheckListenRequest,
  ListenChanged,
  ListenCheck,
  PlexConnectRequest,
  PlexPin,
  PlexPinStatus,
  PlexRegistered,
  SetListenRequest,
  SetupOverview,
  SourceSetup,
  TautulliConnected,
  TautulliConnectRequest,
  TautulliTestResult,
};

export type {
  DedupFilter,
  DedupRecord,
  DedupRule,
  Restored,
  Applies,
  Concurrent,
  EventFilter,
  ExportDelivery,
  ExportFormat,
  ExportRows,
  MediaType,
  Plays,
  PlaysBy,
  PlaysOrder,
  PlaysQuery,
  PlaysRow,
  PlaysSeries,
  Range,
  ReplayPreview,
  ReplayRange,
  SessionFilter,
  SessionSortKey,
  SortOrder,
  StreamDecision,
  DiagnosticsExport,
  IngestionState,
  LogLevel,
  LogLine,
  LogQuery,
  LogTail,
  OperationsBackend,
  Regenerated,
  RevealedSecret,
  ServiceToUpdate,
  SettingChange,
  SettingChanges,
  SettingGroup,
  SettingKind,
  SettingValue,
  SettingView,
  SettingsUpdate,
  SettingsView,
} from "./operations";

export type BackendKind = "tauri" | "http";

/** Settings, ingestion, logs and diagnostics live in OperationsBackend (operations.ts). */
export interface Backend extends OperationsBackend {
  readonly kind: BackendKind;
  /**
   * False only in a browser opened without the API token: health still works (it needs
   * no token, and is polled), but live push and token-gated calls like getEngineInfo do not.
   */
  readonly authorized: boolean;
  getHealth(): Promise<Health>;
  getEngineInfo(): Promise<EngineInfo>;
  /**
   * Subscribes to health pushed by the engine. `onError` hears about failed live updates
   * (e.g. the engine stopped answering polls); the next Health delivered means it recovered.
   * Returns the unsubscribe function.
   */
  onHealth(listener: (health: Health) => void, onError?: (error: Error) => void): () => void;
  /** Pipeline figures (stream, spool, DuckDB, dead letters, sidecar); needs the API token in a browser. */
  getStats(): Promise<Stats>;
  /**
   * Subscribes to pipeline figures: the first arrive right away, then every few seconds (and, on
   * the desktop, at once when the sidecar starts, exits or restarts). `onError` hears about
   * failed updates; the next Stats delivered means it recovered. Never calls `listener` where
   * getStats would need a token the UI lacks. Returns the unsubscribe function.
   */
  onStats(listener: (stats: Stats) => void, onError?: (error: Error) => void): () => void;
  /**
   * The pipeline's last 15 minutes (one sample every `interval_s`, oldest first) and the alerts
   * they raise; needs the API token in a browser.
   */
  getStatsHistory(): Promise<StatsHistoryView>;
  /**
   * Subscribes to the live view. The first batch is always a snapshot (the whole state); then
   * come batches of messages to apply in order. A later snapshot means "start over": the feed
   * was interrupted or fell behind and resynchronised. `onError` hears about interruptions (what
   * is on screen may be stale until the next snapshot). Never calls back synchronously.
   * Returns the unsubscribe function.
   */
  subscribeLive(onBatch: (batch: LiveBatch) => void, onError?: (error: Error) => void): () => void;
  /** One page of dead letters, newest failure first; pass `next_cursor` back for the next page. */
  listDlq(filter: DlqFilter, page: PageArgs): Promise<Page<DlqEntry>>;
  getDlqEntry(id: string): Promise<DlqEntry>;
  /**
   * Retries one dead letter; a non-null `payload` (edited text) replaces the stored one first.
   * Rejects with an EngineError (code "still_failing"-like codes) when it still cannot be stored.
   */
  retryDlq(id: string, payload: string | null): Promise<Retried>;
  /** Starts a background retry of the listed ids, or else of every entry the filter matches. */
  retryDlqMany(selection: RetrySelection): Promise<JobStatus>;
  deleteDlq(id: string): Promise<void>;
  /** The entries the filter matches, grouped by source, kind and error code ("issues"). */
  listDlqGroups(filter: DlqFilter): Promise<DlqGroup[]>;
  /** Deletes every entry the filter matches; the count deleted. */
  purgeDlq(filter: DlqFilter): Promise<Purged>;
  getJob(id: string): Promise<JobStatus>;
  /** Asks a running job to stop; it ends as `cancelled` at its next step. */
  cancelJob(id: string): Promise<JobStatus>;
  /**
   * Starts (or resumes, from its checkpoint) importing the connected Tautulli's history as a
   * job; rejects with not_connected without a connection, import_running while one runs.
   */
  importTautulli(request: ImportRequest): Promise<ImportStarted>;

  // Connecting sources (the setup wizard). Failures are EngineErrors with the contract's codes.
  /** Where this app listens, the webhook URLs to hand out, and each source's connection. */
  getSetup(): Promise<SetupOverview>;
  /**
   * Moves the engine's listener to an address of this computer without a restart. Rejects (and
   * the engine keeps listening where it did) with codes like port_in_use, address_unavailable,
   * invalid_address or locked.
   */
  setListen(request: SetListenRequest): Promise<ListenChanged>;
  /** The engine calls its own health through an address (default: where it listens) and says what answered. */
  checkListen(request: CheckListenRequest): Promise<ListenCheck>;
  /**
   * Where this UI goes on once the listener moved: the page to open (with what it needs to sign
   * in), or null when this UI is unaffected (the desktop talks IPC; the page's address still answers).
   */
  continueAt(changed: ListenChanged): string | null;
  /** Verifies the key, then creates or updates (never duplicates) this app's notifier in Tautulli. */
  connectTautulli(request: TautulliConnectRequest): Promise<TautulliConnected>;
  /** Has Tautulli send a test through that notifier and waits for it to arrive. */
  testTautulli(): Promise<TautulliTestResult>;
  /** Removes only this app's notifier from Tautulli. */
  disconnectTautulli(): Promise<void>;
  /** Registers this app's webhook URL with the Plex account the token belongs to. */
  connectPlex(request: PlexConnectRequest): Promise<PlexRegistered>;
  /** Removes only this app's webhook URL from the Plex account. */
  disconnectPlex(): Promise<void>;
  /** Starts a plex.tv sign-in: a code to confirm in the browser, the token then stays in the app. */
  startPlexPin(): Promise<PlexPin>;
  /** Whether the sign-in was confirmed (the engine then registers the webhook with it). */
  checkPlexPin(id: string): Promise<PlexPinStatus>;
  /** Opens a web page (plex.tv's sign-in) in the system browser. */
  openExternal(url: string): Promise<void>;
}
