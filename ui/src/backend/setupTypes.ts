// The setup wizard's part of the engine contract: the JSON of GET/POST/DELETE /api/v1/setup…,
// which the setup Tauri commands answer too. Written by hand until src/bindings.ts is
// regenerated with these types; then Backend.ts takes them from the bindings instead.
import type { Source } from "../bindings";

/** One source as setup knows it. */
export type SourceSetup = {
  /** Tautulli: a notifier of this app exists there; Plex: this app's webhook is registered. */
  connected: boolean;
  /** Where this app reaches the source (Tautulli's address), when it does. */
  url: string | null;
  /** This app's webhook notifier in Tautulli. */
  notifier_id: number | null;
  /** The newest event received from this source; null while none ever came. */
  last_event_at: string | null;
};

export type SetupOverview = {
  /** The listener's address, e.g. "127.0.0.1:3857". */
  listen: string;
  /** This computer's addresses on the local network, for sources on other machines. */
  lan_addresses: string[];
  /** Each source's webhook URL, token included (behind the API token, for the user to paste). */
  webhook_urls: { [key in Source]: string };
  sources: { [key in Source]: SourceSetup };
};

export type TautulliConnectRequest = {
  url: string;
  api_key: string;
  /** The base Tautulli is told to call ("http://addr:port"); null: the listener's own address. */
  callback_base: string | null;
};

export type TautulliConnected = {
  notifier_id: number;
  /** False when this app's notifier was already there (and is now updated). */
  created: boolean;
  tautulli_version: string;
  /** The URL Tautulli calls, token left out. */
  hook: string;
};

export type TautulliTestResult = { received: boolean; round_trip_ms: number };

export type PlexConnectRequest = { token: string };

export type PlexRegistered = {
  registered: boolean;
  /** This app's URL was already among the account's webhooks. */
  already: boolean;
  /** How many webhooks the account has now. */
  webhooks: number;
};

/** A plex.tv sign-in code: the user confirms `code` at `auth_url`. */
export type PlexPin = { id: string; code: string; auth_url: string };

export type PlexPinStatus = { authorized: boolean };
