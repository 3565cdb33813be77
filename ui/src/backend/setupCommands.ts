// STAND-IN until src/bindings.ts is regenerated with the setup commands: the same invoke calls
// tauri-specta generates for them (command names and argument names as the app core registers
// them). Once regenerated, tauriBackend takes `setup` from the generated `commands` and this
// file goes. `openUrl` is tauri-plugin-opener's own command.
import { invoke } from "@tauri-apps/api/core";
import type {
  PlexConnectRequest,
  PlexPin,
  PlexPinStatus,
  PlexRegistered,
  SetupOverview,
  TautulliConnected,
  TautulliConnectRequest,
  TautulliTestResult,
} from "./setupTypes";

export const setupCommands = {
  getSetup: () => invoke<SetupOverview>("get_setup"),
  connectTautulli: (request: TautulliConnectRequest) => invoke<TautulliConnected>("connect_tautulli", { request }),
  testTautulli: () => invoke<TautulliTestResult>("test_tautulli"),
  disconnectTautulli: () => invoke<null>("disconnect_tautulli"),
  connectPlex: (request: PlexConnectRequest) => invoke<PlexRegistered>("connect_plex", { request }),
  disconnectPlex: () => invoke<null>("disconnect_plex"),
  startPlexPin: () => invoke<PlexPin>("start_plex_pin"),
  checkPlexPin: (id: string) => invoke<PlexPinStatus>("check_plex_pin", { id }),
};

/** Opens `url` in the system browser (tauri-plugin-opener; needs its `opener:allow-open-url`). */
export const openUrl = (url: string) => invoke<void>("plugin:opener|open_url", { url });
