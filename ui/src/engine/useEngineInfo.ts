// Facts about the running engine (version, data dir, listen address) from the query cache,
// asked again whenever `refreshKey` changes (the listener can move while the engine runs).
// Skipped in a browser without the API token, where the engine would refuse to tell.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { EngineInfo } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { queryKeys } from "../data/queryKeys";

export type EngineInfoState = { info: EngineInfo | null; error: string | null };

export function useEngineInfo(refreshKey: string | null = null): EngineInfoState {
  const backend = useBackend();
  const { data, error } = useQuery({
    queryKey: queryKeys.engineInfo(refreshKey),
    queryFn: () => backend.getEngineInfo(),
    enabled: backend.authorized,
    staleTime: Infinity,
    // The facts about the old address stay on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
  if (error !== null) return { info: null, error: describeFailure(error) };
  return { info: data ?? null, error: null };
}
