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
};

export function setupFailure(failure: unknown): SetupMessage {
  const code = engineErrorCode(failure);
  const said = describeFailure(failure);
  const text = code === null ? undefined : READABLE[code];
  if (code === null || text === undefined) return { tone: "error", text: said, code, outcome: code ?? "failed" };
  return { tone: "error", text, detail: said === text ? null : said, code, outcome: code };
}
