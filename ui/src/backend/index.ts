// Picks the Backend for the host the UI finds itself in: Tauri IPC inside the desktop window,
// HTTP + WebSocket to the same origin in a plain browser.
import { browserStorage, takeApiToken } from "./apiToken";
import type { Backend } from "./Backend";
import { createHttpBackend } from "./httpBackend";
import { createTauriBackend } from "./tauriBackend";

export function createBackend(): Backend {
  if ("__TAURI_INTERNALS__" in window) return createTauriBackend();
  return createHttpBackend({
    origin: window.location.origin,
    token: takeApiToken(window.location, window.history, browserStorage()),
  });
}
