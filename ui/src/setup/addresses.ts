// Where sources call this app: this computer or one of its LAN addresses (the `callback_base`
// Tautulli is given, and where the engine must listen for it to work), and webhook URLs moved
// onto that address.
import type { SetupOverview } from "../backend/Backend";

export type AddressChoice = {
  /** "local", or the LAN address as the engine listed it. */
  id: string;
  /** "host:port" for the engine to listen on, e.g. "192.168.1.20:3857". */
  address: string;
  /** "http://host:port", what sources are told to call. */
  base: string;
  /** Reachable from other machines: the user must be warned. */
  lan: boolean;
};

export const LOCAL_CHOICE = "local";

const UNSPECIFIED_HOSTS = new Set(["0.0.0.0", "[::]", "::"]);

/** Splits "127.0.0.1:3857" or "[::1]:3857" into host and port. */
function splitListen(listen: string): { host: string; port: string | null } {
  const match = /^(.*):(\d+)$/.exec(listen.trim());
  return match === null ? { host: listen.trim(), port: null } : { host: match[1]!, port: match[2]! };
}

/** The listener's port ("3857"), or null when the address has none. */
export function listenPort(listen: string): string | null {
  return splitListen(listen).port;
}

/** True when only this computer can reach the listener (127.x, ::1, localhost). */
export function listensOnLoopback(listen: string): boolean {
  const { host } = splitListen(listen);
  return host.startsWith("127.") || host === "[::1]" || host === "localhost";
}

/** This computer's own address for the listener; an all-interfaces bind is reached on 127.0.0.1. */
export function localBase(listen: string): string {
  const { host, port } = splitListen(listen);
  const reachable = UNSPECIFIED_HOSTS.has(host) ? "127.0.0.1" : host;
  return port === null ? `http://${reachable}` : `http://${reachable}:${port}`;
}

/** A LAN address as a base URL with the listener's port ("192.168.1.20" → "http://192.168.1.20:3857"). */
export function lanBase(address: string, listen: string): string {
  const trimmed = address.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return trimmed.replace(/\/+$/, "");
  const { port } = splitListen(listen);
  const bareIpv6 = !trimmed.startsWith("[") && trimmed.split(":").length > 2;
  const host = bareIpv6 ? `[${trimmed}]` : trimmed;
  const hasPort = /\]:\d+$/.test(host) || (!host.startsWith("[") && /^[^:]+:\d+$/.test(host));
  return hasPort || port === null ? `http://${host}` : `http://${host}:${port}`;
}

/** The host part of a LAN address as the engine lists it: bare, bracketed or with a port; IPv6 bracketed. */
function lanHost(address: string): string {
  const trimmed = address.trim();
  if (trimmed.startsWith("[")) return trimmed.slice(0, trimmed.indexOf("]") + 1);
  if (trimmed.split(":").length > 2) return `[${trimmed}]`;
  return trimmed.split(":")[0]!;
}

/**
 * This computer first, then every LAN address the engine detected, each on `port` (default:
 * the listener's port). "This computer" is the listener's own loopback address when it has one,
 * else 127.0.0.1.
 */
export function addressChoices(overview: Pick<SetupOverview, "listen" | "lan_addresses">, port?: string): AddressChoice[] {
  const { host: listenHost, port: listenOn } = splitListen(overview.listen);
  const onPort = port ?? listenOn ?? "3857";
  const localHost = listensOnLoopback(overview.listen) && listenHost !== "localhost" ? listenHost : "127.0.0.1";
  const local: AddressChoice = {
    id: LOCAL_CHOICE,
    address: `${localHost}:${onPort}`,
    base: `http://${localHost}:${onPort}`,
    lan: false,
  };
  const lan = overview.lan_addresses.map((address) => {
    const host = lanHost(address);
    return { id: address, address: `${host}:${onPort}`, base: `http://${host}:${onPort}`, lan: true };
  });
  return [local, ...lan];
}

/** True when an engine listening on `listen` answers calls to `address` (same port; same host or all interfaces). */
export function listenCovers(listen: string, address: string): boolean {
  const on = splitListen(listen);
  const wanted = splitListen(address);
  if (on.port !== wanted.port) return false;
  return on.host === wanted.host || UNSPECIFIED_HOSTS.has(on.host);
}

/** A port typed by the user, when it is one (1–65535), as digits; else null. */
export function validPort(text: string): string | null {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return null;
  const port = Number(trimmed);
  return port >= 1 && port <= 65535 ? String(port) : null;
}

/** `url` with its scheme, host and port taken from `base`; unchanged when either does not parse. */
export function rebase(url: string, base: string): string {
  try {
    const target = new URL(url);
    const onto = new URL(base);
    target.protocol = onto.protocol;
    target.host = onto.host;
    return target.toString();
  } catch {
    return url;
  }
}

/** `url` without its `token` parameter, for showing where a source calls without the secret. */
export function withoutToken(url: string): string {
  try {
    const shown = new URL(url);
    shown.searchParams.delete("token");
    return shown.toString();
  } catch {
    return url.replace(/([?&])token=[^&#]*&?/, "$1").replace(/[?&]$/, "");
  }
}

/** "192.168.1.10:8181" → "http://192.168.1.10:8181": people type Tautulli's address without a scheme. */
export function withScheme(address: string): string {
  const trimmed = address.trim();
  if (trimmed === "" || /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return trimmed;
  return `http://${trimmed}`;
}
