// The live view as React state: the Backend's batches folded in by the live reducer, and why
// live updates are interrupted (if they are), cleared by the next snapshot.
import { useEffect, useState } from "react";
import { useBackend } from "../backend/BackendContext";
import { applyBatch, initialLiveState, type LiveState } from "./liveState";

export type LiveViewState = {
  live: LiveState;
  /** Why what is on screen may be stale; null while live updates flow. */
  error: string | null;
};

export function useLive(now: () => number = Date.now): LiveViewState {
  const backend = useBackend();
  const [state, setState] = useState<LiveViewState>({ live: initialLiveState, error: null });

  useEffect(() => {
    // Without the API token the engine would refuse: the view says so instead of subscribing.
    if (!backend.authorized) return;
    let active = true;
    // A fresh subscription starts from its own first snapshot.
    setState({ live: initialLiveState, error: null });
    const unsubscribe = backend.subscribeLive(
      (batch) => {
        if (!active) return;
        setState((previous) => ({
          live: applyBatch(previous.live, batch, now()),
          error: batch.kind === "snapshot" ? null : previous.error,
        }));
      },
      (error) => {
        if (active) setState((previous) => ({ ...previous, error: error.message }));
      },
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [backend, now]);

  return state;
}
