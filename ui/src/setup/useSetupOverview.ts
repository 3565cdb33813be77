// The engine's setup overview as React state: loaded when the wizard opens, reloaded after each
// change, and polled while a step waits for a source's first event.
import { useCallback, useEffect, useRef, useState } from "react";
import type { SetupOverview } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";

export type SetupOverviewState = {
  overview: SetupOverview | null;
  /** Why the last load failed; the last overview (if any) stays. */
  error: string | null;
  loading: boolean;
  /** Asks again; resolves with the new overview, or null when that failed. */
  reload(): Promise<SetupOverview | null>;
  /** reload() for a "Try again" button: shows loading first. */
  retry(): void;
};

/** Loads the overview, and asks again every `pollMs` while `pollWhile` holds for the last one. */
export function useSetupOverview(pollMs: number, pollWhile: (overview: SetupOverview) => boolean): SetupOverviewState {
  const backend = useBackend();
  const [state, setState] = useState<Pick<SetupOverviewState, "overview" | "error" | "loading">>({
    overview: null,
    error: null,
    loading: true,
  });
  // Only the newest answer counts: a slow poll must not undo a change made since.
  const latest = useRef(0);

  const reload = useCallback(async () => {
    latest.current += 1;
    const mine = latest.current;
    try {
      const overview = await backend.getSetup();
      if (mine === latest.current) setState({ overview, error: null, loading: false });
      return overview;
    } catch (failure) {
      if (mine === latest.current) setState((previous) => ({ ...previous, error: describeFailure(failure), loading: false }));
      return null;
    }
  }, [backend]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const polling = state.overview !== null && pollWhile(state.overview);
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => void reload(), pollMs);
    return () => clearInterval(timer);
  }, [polling, pollMs, reload]);

  const retry = useCallback(() => {
    setState((previous) => ({ ...previous, loading: true }));
    void reload();
  }, [reload]);

  return { ...state, reload, retry };
}
