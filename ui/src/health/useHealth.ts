// The engine's health as React state: fetched once on mount, then kept current by the
// Backend's live updates, with the last failure (if any) alongside.
import { useCallback, useEffect, useState } from "react";
import type { Health } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";

export type HealthState = {
  /** Latest known health; null until the first one arrives. */
  health: Health | null;
  /** Why the latest attempt to get health failed; cleared by the next Health. */
  error: string | null;
};

export function useHealth(): HealthState & { retry: () => void } {
  const backend = useBackend();
  const [state, setState] = useState<HealthState>({ health: null, error: null });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let active = true;
    // A live update can beat the initial fetch; the fetch's answer is then older and must not win.
    let liveUpdateArrived = false;

    const unsubscribe = backend.onHealth(
      (health) => {
        liveUpdateArrived = true;
        if (active) setState({ health, error: null });
      },
      (error) => {
        if (active) setState((previous) => ({ ...previous, error: error.message }));
      },
    );

    backend.getHealth().then(
      (health) => {
        if (active && !liveUpdateArrived) setState({ health, error: null });
      },
      (failure: unknown) => {
        if (active && !liveUpdateArrived) setState((previous) => ({ ...previous, error: describeFailure(failure) }));
      },
    );

    return () => {
      active = false;
      unsubscribe();
    };
  }, [backend, attempt]);

  const retry = useCallback(() => setAttempt((count) => count + 1), []);
  return { ...state, retry };
}
