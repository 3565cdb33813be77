// The browser host's setup calls: /api/v1/setup… over HTTP with the API token. Calls that wait
// for Tautulli or plex.tv get a longer timeout than the engine's own answers need.
import type {
  Backend,
  ListenChanged,
  ListenCheck,
  PlexPin,
  PlexPinStatus,
  PlexRegistered,
  SetupOverview,
  TautulliConnected,
  TautulliTestResult,
} from "./Backend";
import type { CallApi } from "./httpBackend";
import { SOURCES } from "../media/labels";

const SETUP_PATH = "/api/v1/setup";
/** What the no-token error names: "Setup steps need the API token…". */
const WHAT = "Setup steps";
/** The engine waits on Tautulli (a test's round trip) or plex.tv before it answers. */
export const THIRD_PARTY_TIMEOUT_MS = 60_000;

type SetupCalls = Pick<
  Backend,
  | "getSetup"
  | "setListen"
  | "checkListen"
  | "connectTautulli"
  | "testTautulli"
  | "disconnectTautulli"
  | "connectPlex"
  | "disconnectPlex"
  | "startPlexPin"
  | "checkPlexPin"
  | "openExternal"
>;

export function createHttpSetup(callApi: CallApi, openWindow: (url: string) => void): SetupCalls {
  const slow = { timeoutMs: THIRD_PARTY_TIMEOUT_MS };
  return {
    getSetup: () => callApi<SetupOverview>(SETUP_PATH, WHAT, {}, isSetupOverview),
    setListen: (request) => callApi<ListenChanged>(`${SETUP_PATH}/listen`, WHAT, { method: "PUT", body: request }),
    // The engine connects to the address and waits for its answer.
    checkListen: (request) => callApi<ListenCheck>(`${SETUP_PATH}/listen/check`, WHAT, { ...slow, method: "POST", body: request }),
    connectTautulli: (request) =>
      callApi<TautulliConnected>(`${SETUP_PATH}/tautulli`, WHAT, { ...slow, method: "POST", body: request }),
    testTautulli: () => callApi<TautulliTestResult>(`${SETUP_PATH}/tautulli/test`, WHAT, { ...slow, method: "POST" }),
    disconnectTautulli: async () => {
      await callApi<unknown>(`${SETUP_PATH}/tautulli`, WHAT, { ...slow, method: "DELETE" });
    },
    connectPlex: (request) => callApi<PlexRegistered>(`${SETUP_PATH}/plex`, WHAT, { ...slow, method: "POST", body: request }),
    disconnectPlex: async () => {
      await callApi<unknown>(`${SETUP_PATH}/plex`, WHAT, { ...slow, method: "DELETE" });
    },
    startPlexPin: () => callApi<PlexPin>(`${SETUP_PATH}/plex/pin`, WHAT, { ...slow, method: "POST" }),
    checkPlexPin: (id) => callApi<PlexPinStatus>(`${SETUP_PATH}/plex/pin/${encodeURIComponent(id)}`, WHAT, slow),
    openExternal: async (url) => {
      openWindow(url);
    },
  };
}

/** The overview with every part the wizard reads, for each source. */
function isSetupOverview(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { listen?: unknown; lan_addresses?: unknown; webhook_urls?: unknown; sources?: unknown };
  if (typeof candidate.listen !== "string" || !Array.isArray(candidate.lan_addresses)) return false;
  const urls = candidate.webhook_urls as Record<string, unknown> | null | undefined;
  const sources = candidate.sources as Record<string, unknown> | null | undefined;
  return SOURCES.every((source) => {
    const setup = sources?.[source] as { connected?: unknown } | null | undefined;
    return typeof urls?.[source] === "string" && typeof setup?.connected === "boolean";
  });
}
