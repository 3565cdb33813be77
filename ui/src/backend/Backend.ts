// The one seam between the UI and the engine: every host (Tauri IPC, HTTP) implements Backend,
// and components only ever see this interface (through BackendContext), never a transport.
import type {
  EngineInfo,
  Health,
  OverallStatus,
  PartHealth,
  PartStatus,
  SidecarStatus,
  SpoolStats,
  Stats,
  StreamStats,
} from "../bindings";

// Re-exported so UI code takes its types from here and never imports the generated bindings.
export type { EngineInfo, Health, OverallStatus, PartHealth, PartStatus, SidecarStatus, SpoolStats, Stats, StreamStats };

export type BackendKind = "tauri" | "http";

export interface Backend {
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
}
