// The settings, ingestion, log and diagnostics half of the Backend seam: what the Settings and
// Logs views call. Both hosts implement it over the same engine functions (Tauri commands, or
// the /api/v1/settings, /ingestion, /logs and /diagnostics routes).
import type {
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
}
