// Where sources call this app: the listener's own address or one of this computer's LAN
// addresses (the `callback_base` Tautulli is given), and webhook URLs moved onto that address.
import type { SetupOverview } from "../backend/Backend";

export type AddressChoice = {
  /** "local", or the LAN address as the engine listed it. */
  id: string;
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

/** This computer first, then every LAN address the engine detected. */
export function addressChoices(overview: Pick<SetupOverview, "listen" | "lan_addresses">): AddressChoice[] {
  const local: AddressChoice = { id: LOCAL_CHOICE, base: localBase(overview.listen), lan: false };
  const lan = overview.lan_addresses.map((address) => ({ id: address, base: lanBase(address, overview.listen), lan: true }));
  return [local, ...lan];
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
