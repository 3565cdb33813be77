// The browser host's API token: cartographus-server prints a link ending in `#token=…`;
// we keep the token in localStorage and wipe it from the address bar so it is not shared by accident.

export const API_TOKEN_STORAGE_KEY = "cartographus.apiToken";

/**
 * Reads `token` from the URL fragment (storing it and removing the fragment) or, failing
 * that, from storage. Returns null when the browser has never been given a token.
 */
export function takeApiToken(location: Location, history: History, storage: Storage | null): string | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  const tokenFromLink = fragment.get("token")?.trim();

  if (tokenFromLink) {
    try {
      storage?.setItem(API_TOKEN_STORAGE_KEY, tokenFromLink);
    } catch {
      // Storage can be disabled (private mode); the token still works for this page load.
    }
    history.replaceState(history.state, "", `${location.pathname}${location.search}`);
    return tokenFromLink;
  }

  try {
    return storage?.getItem(API_TOKEN_STORAGE_KEY) || null;
  } catch {
    return null;
  }
}

/** localStorage, or null where the browser refuses access to it. */
export function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
