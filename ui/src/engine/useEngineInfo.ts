// Facts about the running engine (version, data dir, listen address), fetched once and again
// whenever `refreshKey` changes (the listener can move while the engine runs). Skipped in a
// browser without the API token, where the engine would refuse to tell.
import { useEffect, useState } from "react";
import type { EngineInfo } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";

export type EngineInfoState = { info: EngineInfo | null; error: string | null };

export function useEngineInfo(refreshKey: string | null = null): EngineInfoState {
  const backend = useBackend();
  const [state, setState] = useState<EngineInfoState>({ info: null, error: null });

  useEffect(() => {
    if (!backend.authorized) return;
    let active = true;
    backend.getEngineInfo().then(
      (info) => {
        if (active) setState({ info, error: null });
      },
      (failure: unknown) => {
        if (active) setState({ info: null, error: describeFailure(failure) });
      },
    );
    return () => {
      active = false;
    };
  }, [backend, refreshKey]);

  return state;
}
