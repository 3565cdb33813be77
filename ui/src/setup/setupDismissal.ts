// The first-run rule: the wizard opens by itself until it was closed once, or until any source
// has sent an event. The dismissal is remembered in this browser's (or window's) localStorage.
import type { SetupOverview } from "../backend/Backend";
import { SOURCES } from "../media/labels";

export const SETUP_DISMISSED_KEY = "cartographus.setupDismissed";

export function isSetupDismissed(storage: Storage | null): boolean {
  try {
    return storage?.getItem(SETUP_DISMISSED_KEY) === "true";
  } catch {
    return false;
  }
}

export function rememberSetupDismissed(storage: Storage | null): void {
  try {
    storage?.setItem(SETUP_DISMISSED_KEY, "true");
  } catch {
    // Storage can be disabled (private mode): the wizard then offers itself again next time.
  }
}

/** No source has ever sent an event: nothing is connected in practice. */
export function noSourceHeardFrom(overview: SetupOverview): boolean {
  return SOURCES.every((source) => overview.sources[source]?.last_event_at == null);
}
