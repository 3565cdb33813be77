// The app's address lives in the URL fragment: `#/history/<session id>?user=dana&range=7d`.
// A fragment works the same from tauri://localhost, from any server path and from a file, needs
// no server fallback for deep links, and leaves `#token=…` (taken and wiped before the app
// mounts, see apiToken.ts) untouched. See docs/adr/0023.

export const SECTION_IDS = ["live", "history", "analytics", "health", "pipeline", "dlq", "duplicates", "replay", "logs", "settings"] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export type Route = {
  section: SectionId;
  /** The selected item (a session id in History), or null. */
  item: string | null;
  /** The view's state: filters, sort, range. */
  params: URLSearchParams;
};

export const DEFAULT_SECTION: SectionId = "live";

function isSection(value: string): value is SectionId {
  return (SECTION_IDS as readonly string[]).includes(value);
}

/** `#/history/s-1?user=dana` → the route; anything unknown is the default section. */
export function parseHash(hash: string): Route {
  const text = hash.replace(/^#/, "");
  const [path = "", query = ""] = splitOnce(text, "?");
  const [first = "", ...rest] = path.replace(/^\//, "").split("/");
  const section = isSection(first) ? first : DEFAULT_SECTION;
  const itemText = isSection(first) && rest.length > 0 ? rest.join("/") : "";
  return {
    section,
    item: itemText === "" ? null : safeDecode(itemText),
    params: new URLSearchParams(query),
  };
}

/** The fragment (with `#`) of a route; empty parameters are left out. */
export function formatRoute(route: { section: SectionId; item?: string | null; params?: URLSearchParams }): string {
  const item = route.item ? `/${encodeURIComponent(route.item)}` : "";
  const query = route.params?.toString() ?? "";
  return `#/${route.section}${item}${query === "" ? "" : `?${query}`}`;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
