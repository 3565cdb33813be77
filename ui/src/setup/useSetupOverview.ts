// The engine's setup overview from the query cache (the first-run check reads the same entry):
// loaded when the wizard opens, asked again after each change, and polled (refetchInterval)
// while a step waits for a source's first event.
import { useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import type { SetupOverview } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { queryKeys } from "../data/queryKeys";

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
  const { data, error, isFetching, refetch } = useQuery({
    queryKey: queryKeys.setup,
    queryFn: () => backend.getSetup(),
    refetchInterval: (query) => (query.state.data !== undefined && pollWhile(query.state.data) ? pollMs : false),
  });

  // refetch() cancels an answer still on its way: a slow poll cannot undo a change made since.
  const reload = useCallback(async () => {
    const result = await refetch();
    return result.isError ? null : (result.data ?? null);
  }, [refetch]);
  const retry = useCallback(() => void reload(), [reload]);

  return {
    overview: data ?? null,
    error: error !== null ? describeFailure(error) : null,
    loading: isFetching,
    reload,
    retry,
  };
}
