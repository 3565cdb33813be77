// The live view as React state: the Backend's batches folded in by the live reducer, and why
// live updates are interrupted (if they are), cleared by the next snapshot.
import { useEffect, useState } from "react";
import type { Backend } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { applyBatch, initialLiveState, type LiveState } from "./liveState";

export type LiveViewState = {
  live: LiveState;
  /** Why what is on screen may be stale; null while live updates flow. */
  error: string | null;
};

const INITIAL: LiveViewState = { live: initialLiveState, error: null };

/** What one subscription built up, marked with what it subscribed with. */
type Folded = { backend: Backend; now: () => number; view: LiveViewState };

export function useLive(now: () => number = Date.now): LiveViewState {
  const backend = useBackend();
  const [folded, setFolded] = useState<Folded>({ backend, now, view: INITIAL });

  useEffect(() => {
    // Without the API token the engine would refuse: the view says so instead of subscribing.
    if (!backend.authorized) return;
    let active = true;
    // A fresh subscription starts from its own first snapshot, never from another's state.
    const update = (change: (view: LiveViewState) => LiveViewState) =>
      setFolded((previous) => {
        const mine = previous.backend === backend && previous.now === now;
        return { backend, now, view: change(mine ? previous.view : INITIAL) };
      });
    const unsubscribe = backend.subscribeLive(
      (batch) => {
        if (!active) return;
        update((previous) => ({
          live: applyBatch(previous.live, batch, now()),
          error: batch.kind === "snapshot" ? null : previous.error,
        }));
      },
      (error) => {
        if (active) update((previous) => ({ ...previous, error: error.message }));
      },
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [backend, now]);

  // Until the current subscription delivers, the view starts over.
  return folded.backend === backend && folded.now === now ? folded.view : INITIAL;
}
