// Desktop host: the Tauri window reaches the engine through IPC commands and events
// declared in the generated bindings (tauri-specta).
import { commands, events } from "../bindings";
import type { Backend, EngineInfo, Health, SidecarStatus, Stats } from "./Backend";
import { unreachableEngineError } from "./errors";
import { createStatsFeed, type StatsFeedHooks } from "./statsFeed";

/** The slice of the generated bindings this backend uses; tests pass a fake. */
export type TauriBindings = {
  commands: {
    getHealth(): Promise<Health>;
    getEngineInfo(): Promise<EngineInfo>;
    getStats(): Promise<Stats>;
  };
  events: {
    healthChanged: {
      listen(callback: (event: { payload: Health }) => void): Promise<() => void>;
    };
    sidecarChanged: {
      listen(callback: (event: { payload: SidecarStatus }) => void): Promise<() => void>;
    };
  };
};

export type TauriBackendOptions = {
  /** How often onStats asks for figures between sidecar events. */
  statsIntervalMs?: number;
};

const IPC_LOCATION = "the app core (Tauri IPC)";

export function createTauriBackend(
  bindings: TauriBindings = { commands, events },
  options: TauriBackendOptions = {},
): Backend {
  async function callEngine<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (failure) {
      throw unreachableEngineError(IPC_LOCATION, failure);
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

  return {
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
    onStats: (listener, onError) => liveStats.subscribe(listener, onError),
  };
}
