// Pipeline figures as React state, kept current by the Backend's onStats. Skipped in a browser
// without the API token, where the engine would refuse to tell.
import { useEffect, useState } from "react";
import type { Stats } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";

export type StatsState = {
  /** Latest known figures; null until the first arrive (or for good, without the token). */
  stats: Stats | null;
  /** Why the latest update failed; cleared by the next Stats. */
  error: string | null;
};

export function useStats(): StatsState {
  const backend = useBackend();
  const [state, setState] = useState<StatsState>({ stats: null, error: null });

  useEffect(() => {
    if (!backend.authorized) return;
    let active = true;
    const unsubscribe = backend.onStats(
      (stats) => {
        if (active) setState({ stats, error: null });
      },
      (error) => {
        if (active) setState((previous) => ({ ...previous, error: error.message }));
      },
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [backend]);

  return state;
}
