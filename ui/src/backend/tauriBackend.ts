// Desktop host: the Tauri window reaches the engine through IPC commands and events
// declared in the generated bindings (tauri-specta).
import { commands, events } from "../bindings";
import type { Backend, EngineInfo, Health } from "./Backend";
import { unreachableEngineError } from "./errors";

/** The slice of the generated bindings this backend uses; tests pass a fake. */
export type TauriBindings = {
  commands: {
    getHealth(): Promise<Health>;
    getEngineInfo(): Promise<EngineInfo>;
  };
  events: {
    healthChanged: {
      listen(callback: (event: { payload: Health }) => void): Promise<() => void>;
    };
  };
};

const IPC_LOCATION = "the app core (Tauri IPC)";

export function createTauriBackend(bindings: TauriBindings = { commands, events }): Backend {
  async function callEngine<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (failure) {
      throw unreachableEngineError(IPC_LOCATION, failure);
    }
  }

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
  };
}
