// The one seam between the UI and the engine: every host (Tauri IPC, HTTP) implements Backend,
// and components only ever see this interface (through BackendContext), never a transport.
import type { EngineInfo, Health, OverallStatus, PartHealth, PartStatus } from "../bindings";

// Re-exported so UI code takes its types from here and never imports the generated bindings.
export type { EngineInfo, Health, OverallStatus, PartHealth, PartStatus };

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
}
