// The desktop host's OperationsBackend: one generated command per call.
import { commands, events } from "../bindings";
import type { OperationsBackend, SettingsView } from "./operations";

/** The slice of the generated commands these calls use; tests pass a fake. */
export type OperationsCommands = Pick<
  typeof commands,
  | "getSettings"
  | "updateSettings"
  | "revealSetting"
  | "regenerateToken"
  | "getIngestion"
  | "pauseIngestion"
  | "resumeIngestion"
  | "getLogs"
  | "exportDiagnostics"
  | "openLogFolder"
  | "showDiagnostics"
  | "listSessions"
  | "listEvents"
  | "getAnalyticsPlays"
  | "getAnalyticsConcurrent"
  | "exportHistory"
  | "listDedup"
  | "restoreDedup"
  | "getEvent"
  | "previewReplay"
  | "startReplay"
>;

/** The settings event; tests pass a fake. */
export type SettingsEvents = {
  settingsChanged: { listen(callback: (event: { payload: SettingsView }) => void): Promise<() => void> };
};

/** `call` turns a command's rejection into the error views show (see tauriBackend). */
export function createTauriOperations(
  call: <T>(command: () => Promise<T>) => Promise<T>,
  bindings: OperationsCommands = commands,
  settingsEvents: SettingsEvents = events,
): OperationsBackend {
  return {
    getSettings: () => call(() => bindings.getSettings()),
    updateSettings: (changes) => call(() => bindings.updateSettings(changes)),
    revealSetting: (key) => call(() => bindings.revealSetting(key)),
    regenerateToken: (key) => call(() => bindings.regenerateToken(key)),
    getIngestion: () => call(() => bindings.getIngestion()),
    pauseIngestion: () => call(() => bindings.pauseIngestion()),
    resumeIngestion: () => call(() => bindings.resumeIngestion()),
    getLogs: (query) => call(() => bindings.getLogs(query)),
    exportDiagnostics: () => call(() => bindings.exportDiagnostics()),
    deliverDiagnostics: async (exported) => {
      await call(() => bindings.showDiagnostics(exported.file_name));
    },
    openLogFolder: async () => {
      await call(() => bindings.openLogFolder());
    },
    listSessions: (filter, page) => call(() => bindings.listSessions(filter, page)),
    listEvents: (filter, page) => call(() => bindings.listEvents(filter, page)),
    getAnalyticsPlays: (query) => call(() => bindings.getAnalyticsPlays(query)),
    getAnalyticsConcurrent: (range) => call(() => bindings.getAnalyticsConcurrent(range)),
    exportHistory: async (rows, format) => {
      const saved = await call(() => bindings.exportHistory(rows, format));
      return saved === null ? { kind: "cancelled" } : { kind: "saved", path: saved.path, rows: saved.rows };
    },
    listDedup: (filter, page) => call(() => bindings.listDedup(filter, page)),
    restoreDedup: (id) => call(() => bindings.restoreDedup(id)),
    getEvent: (eventId) => call(() => bindings.getEvent(eventId)),
    previewReplay: (range) => call(() => bindings.previewReplay(range)),
    startReplay: (range) => call(() => bindings.startReplay(range)),
    onSettingsChanged(listener) {
      let stopped = false;
      let unlisten: (() => void) | null = null;
      settingsEvents.settingsChanged
        .listen((event) => {
          if (!stopped) listener(event.payload);
        })
        .then(
          (stopListening) => {
            if (stopped) stopListening();
            else unlisten = stopListening;
          },
          // Without the event the view still shows what it loaded and what it saved.
          () => {},
        );
      return () => {
        stopped = true;
        unlisten?.();
      };
    },
  };
}
