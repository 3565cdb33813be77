// The browser UI after the engine's listener moved: the page came from the old address, so
// unless the new one still serves that address (same port on all interfaces, say) the page
// must be opened again at the new address, with the token (a fragment: never sent to a server).

const UNSPECIFIED = new Set(["0.0.0.0", "::", "[::]"]);
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** "192.168.1.20:3857" or "[::]:3857" as host (brackets kept) and port. */
function splitListen(listen: string): { host: string; port: string } | null {
  const match = /^(.*):(\d+)$/.exec(listen.trim());
  return match === null ? null : { host: match[1]!, port: match[2]! };
}

/** True when a listener on `listen` also answers the page's own `origin`. */
export function stillServes(origin: string, listen: string): boolean {
  const moved = splitListen(listen);
  let page: URL;
  try {
    page = new URL(origin);
  } catch {
    return false;
  }
  if (moved === null) return false;
  const pagePort = page.port || (page.protocol === "https:" ? "443" : "80");
  if (pagePort !== moved.port) return false;
  if (UNSPECIFIED.has(moved.host)) return true;
  if (page.hostname === moved.host) return true;
  // The page was opened as localhost: a loopback listener of the same family still serves it.
  return page.hostname === "localhost" && LOOPBACK_NAMES.has(moved.host);
}

/**
 * The page to open after the listener moved to `listen`, or null when `origin` still answers.
 * A listener on all interfaces is reached under the name the page used, at the new port.
 */
export function pageAfterMove(origin: string, token: string | null, listen: string): string | null {
  if (stillServes(origin, listen)) return null;
  const moved = splitListen(listen);
  if (moved === null) return null;
  let host = moved.host;
  if (UNSPECIFIED.has(host)) {
    try {
      host = new URL(origin).hostname;
    } catch {
      host = "127.0.0.1";
    }
  }
  const base = `http://${host}:${moved.port}/`;
  return token === null ? base : `${base}#token=${encodeURIComponent(token)}`;
}

/** The page's address as shown: without the token. */
export function withoutFragment(url: string): string {
  const at = url.indexOf("#");
  return at === -1 ? url : url.slice(0, at);
}
