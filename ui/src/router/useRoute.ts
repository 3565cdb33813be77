// The current route as React state, and navigation: a push (a new history entry, so the back
// button returns) or a replace (typing in a search box). Listeners hear a navigation at once;
// the back and forward buttons arrive as popstate/hashchange.
import { useCallback, useSyncExternalStore } from "react";
import { formatRoute, parseHash, type Route, type SectionId } from "./hashRoute";

const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    window.addEventListener("hashchange", notify);
    window.addEventListener("popstate", notify);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.removeEventListener("hashchange", notify);
      window.removeEventListener("popstate", notify);
    }
  };
}

const currentHash = () => window.location.hash;

export type NavigateOptions = { replace?: boolean };
export type RouteTarget = { section: SectionId; item?: string | null; params?: URLSearchParams };

/** Goes to `target` (a route, or a fragment like `#/history`). */
export function navigate(target: RouteTarget | string, options: NavigateOptions = {}): void {
  const hash = typeof target === "string" ? target : formatRoute(target);
  if (hash === window.location.hash) return;
  const url = `${window.location.pathname}${window.location.search}${hash}`;
  if (options.replace) window.history.replaceState(window.history.state, "", url);
  else window.history.pushState(window.history.state, "", url);
  notify();
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, currentHash, currentHash);
  // Parsed per render: cheap, and URLSearchParams are never shared between renders.
  return parseHash(hash);
}

/** Navigation bound to React's identity rules (stable across renders). */
export function useNavigate(): (target: RouteTarget | string, options?: NavigateOptions) => void {
  return useCallback((target, options) => navigate(target, options), []);
}
