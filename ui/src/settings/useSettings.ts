// The settings as React state: fetched on mount, replaced by each saved change's answer.
import { useCallback, useEffect, useState } from "react";
import type { SettingsView } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";

export type SettingsState = {
  view: SettingsView | null;
  error: string | null;
  loading: boolean;
};

export function useSettings(): SettingsState & { reload: () => void; replace: (view: SettingsView) => void } {
  const backend = useBackend();
  const [state, setState] = useState<SettingsState>({ view: null, error: null, loading: true });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let active = true;
    backend.getSettings().then(
      (view) => {
        if (active) setState({ view, error: null, loading: false });
      },
      (failure: unknown) => {
        if (active) setState((previous) => ({ ...previous, error: describeFailure(failure), loading: false }));
      },
    );
    return () => {
      active = false;
    };
  }, [backend, attempt]);

  // Loading is set here, with the new attempt, not in the effect (no cascading render).
  const reload = useCallback(() => {
    setState((previous) => ({ ...previous, loading: true, error: null }));
    setAttempt((n) => n + 1);
  }, []);
  const replace = useCallback((view: SettingsView) => setState({ view, error: null, loading: false }), []);
  return { ...state, reload, replace };
}
