// What to tell the user when a setup call fails: one sentence per contract error code, saying
// what went wrong and what to do, with the engine's own message kept as the detail.
import { describeFailure, engineErrorCode } from "../backend/errors";

export type SetupMessage = {
  tone: "success" | "error" | "info";
  text: string;
  /** The engine's own words behind a failure, when they add something. */
  detail?: string | null;
  code?: string | null;
  /** Machine-readable outcome for tests: created, updated, test-received, or the error code. */
  outcome: string;
};

const READABLE: Readonly<Record<string, string>> = {
  invalid_url:
    "That is not an address Tautulli can be reached at. Enter it as you open Tautulli in a browser, e.g. http://192.168.1.10:8181.",
  tautulli_unauthorized:
    "Tautulli refused the API key. Copy it again from Tautulli: Settings → Web Interface → API.",
  tautulli_unreachable:
    "Could not reach Tautulli at that address. Check the address and port, and that Tautulli is running and reachable from this computer.",
  tautulli_error: "Tautulli answered with an error, so nothing was changed there.",
  test_not_received:
    "Tautulli sent the test, but it never arrived here. Most likely the address Tautulli was given is not reachable from the machine Tautulli runs on: choose the address that machine can reach in step 1, connect again, and send another test.",
  not_connected: "Tautulli is not connected (any more). Connect it, then send the test.",
  plex_unauthorized: "plex.tv refused the token. Sign in with plex.tv again, or paste a fresh token.",
  plextv_unreachable: "Could not reach plex.tv. Check this computer's internet connection, then try again.",
  pin_expired: "The code expired before it was confirmed on plex.tv. Get a new code and try again.",
  port_in_use:
    "Another program already uses that port on that address, so the app keeps listening where it did. Choose another port and try again.",
  address_unavailable:
    "That address is not (or no longer) one of this computer's, so the app keeps listening where it did. Choose another address.",
  invalid_address: "That is not an address of this computer the app can listen on. Choose one of the addresses listed.",
  locked: "The address is fixed where the app was started (an environment variable or option), so it cannot be changed from here.",
  bind_failed: "The app cannot listen there, so it keeps listening where it did.",
  settings_unwritable: "The new address could not be saved, so the app keeps listening where it did.",
  listener_lost: "The app could not move and no longer listens anywhere. Restart the app.",
  listen_unreachable:
    "Nothing answered at that address: the app does not listen there (use “Listen on …” first), or something blocks it.",
};

export function setupFailure(failure: unknown): SetupMessage {
  const code = engineErrorCode(failure);
  const said = describeFailure(failure);
  const text = code === null ? undefined : READABLE[code];
  if (code === null || text === undefined) return { tone: "error", text: said, code, outcome: code ?? "failed" };
  return { tone: "error", text, detail: said === text ? null : said, code, outcome: code };
}
