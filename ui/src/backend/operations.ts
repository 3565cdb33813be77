// The settings, ingestion, log, diagnostics, history and analytics half of the Backend seam:
// what the Settings, Logs, History, Analytics, Duplicates and Replay views call. Both hosts implement it
// over the same engine functions (Tauri commands, or the /api/v1/settings, /ingestion, /logs,
// /diagnostics, /sessions, /events, /analytics, /export, /dedup and /replay routes).
import type {
  DedupFilter,
  DedupRecord,
  DedupRule,
  Restored,
  Concurrent,
  EventFilter,
  ExportFormat,
  ExportRows,
  JobStatus,
  MediaEvent,
  MediaType,
  Page,
  PageArgs,
  Plays,
  PlaysBy,
  PlaysOrder,
  PlaysQuery,
  PlaysRow,
  PlaysSeries,
  Range,
  ReplayPreview,
  ReplayRange,
  Session,
  SessionFilter,
  SessionSortKey,
  SortOrder,
  StreamDecision,
  Applies,
  DiagnosticsExport,
  IngestionState,
  LogLevel,
  LogLine,
  LogQuery,
  LogTail,
  Regenerated,
  RevealedSecret,
  ServiceToUpdate,
  SettingChange,
  SettingGroup,
  SettingKind,
  SettingValue,
  SettingView,
  SettingsUpdate,
  SettingsView,
} from "../bindings";

export type {
  DedupFilter,
  DedupRecord,
  DedupRule,
  Restored,
  Concurrent,
  EventFilter,
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
  Applies,
  DiagnosticsExport,
  IngestionState,
  LogLevel,
  LogLine,
  LogQuery,
  LogTail,
  Regenerated,
  RevealedSecret,
  ServiceToUpdate,
  SettingChange,
  SettingGroup,
  SettingKind,
  SettingValue,
  SettingView,
  SettingsUpdate,
  SettingsView,
};

/** What became of an export: saved where the user chose (desktop), downloaded (browser) or cancelled. */
export type ExportDelivery =
  | { kind: "saved"; path: string; rows: number }
  | { kind: "downloaded"; fileName: string }
  | { kind: "cancelled" };

/** New values by setting key; null puts a setting back to its default. */
export type SettingChanges = Record<string, SettingValue | null>;

export interface OperationsBackend {
  /** Every setting with its value, default and, when the environment or a flag fixes it, `locked_by`. */
  getSettings(): Promise<SettingsView>;
  /** All or nothing: rejects with an EngineError (invalid_setting, locked) whose message starts with the key. */
  updateSettings(changes: SettingChanges): Promise<SettingsUpdate>;
  revealSetting(key: string): Promise<RevealedSecret>;
  regenerateToken(key: string): Promise<Regenerated>;
  getIngestion(): Promise<IngestionState>;
  pauseIngestion(): Promise<IngestionState>;
  resumeIngestion(): Promise<IngestionState>;
  /** The newest log lines (oldest first); with `cursor`, only what was written since. */
  getLogs(query: LogQuery): Promise<LogTail>;
  /** Writes the diagnostics zip on the engine's machine. */
  exportDiagnostics(): Promise<DiagnosticsExport>;
  /** Hands an export to the user: shown in the file manager (desktop) or downloaded (browser). */
  deliverDiagnostics(exported: DiagnosticsExport): Promise<void>;
  /** Opens the log folder in the file manager; the desktop only (a browser shows the path instead). */
  openLogFolder(): Promise<void>;
  /**
   * Hears about settings saved elsewhere (the tray, the HTTP API) on the desktop; a browser
   * has no push for them and never calls back. Returns the unsubscribe function.
   */
  onSettingsChanged(listener: (view: SettingsView) => void): () => void;

  /** One page of the history (sessions) in the filter's order; pass `next_cursor` back for the next. */
  listSessions(filter: SessionFilter, page: PageArgs): Promise<Page<Session>>;
  /** One page of stored events, newest first (`filter.session`: one playback's events). */
  listEvents(filter: EventFilter, page: PageArgs): Promise<Page<MediaEvent>>;
  /** Plays and time played grouped as a chart asks, in the zone `query.tz` states. */
  getAnalyticsPlays(query: PlaysQuery): Promise<Plays>;
  /** The most streams at once on each local day of the range. */
  getAnalyticsConcurrent(range: Range): Promise<Concurrent>;
  /** Exports the rows a list filter covers as CSV: a save dialog on the desktop, a download in a browser. */
  exportHistory(rows: ExportRows, format: ExportFormat): Promise<ExportDelivery>;

  /** One page of the dedup audit (dropped duplicates), newest first; `filter.rule` narrows it. */
  listDedup(filter: DedupFilter, page: PageArgs): Promise<Page<DedupRecord>>;
  /**
   * Stores a dropped duplicate as its own event; rejects with an EngineError `not_found`, or
   * `conflict` when it was already restored.
   */
  restoreDedup(id: string): Promise<Restored>;
  /** One stored event by its id; rejects with an EngineError `not_found` when none is stored. */
  getEvent(eventId: string): Promise<MediaEvent>;

  /**
   * What a replay of `range` would cover: the stream's ends, the range's first and last message
   * and how many lie between. Rejects with an EngineError `invalid_range` (reversed ends, a time
   * in the future) or `unavailable` (the direct path has no stream).
   */
  previewReplay(range: ReplayRange): Promise<ReplayPreview>;
  /** Runs the range through the store as a job; follow it with getJob, its `outcome` says what was stored. */
  startReplay(range: ReplayRange): Promise<JobStatus>;
}
