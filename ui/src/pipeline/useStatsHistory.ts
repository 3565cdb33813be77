// The pipeline's last 15 minutes through TanStack Query: fetched when the view opens (so a
// fresh window draws the whole 15 minutes at once), then fetched again every `interval_s` — the
// engine's ring stays the one source, rather than the UI appending its own 1 s figures to it.
import { useQuery } from "@tanstack/react-query";
import { useBackend } from "../backend/BackendContext";
import { queryKeys } from "../data/queryKeys";

export const STATS_HISTORY_KEY = queryKeys.statsHistory;

export function useStatsHistory() {
  const backend = useBackend();
  return useQuery({
    queryKey: STATS_HISTORY_KEY,
    queryFn: () => backend.getStatsHistory(),
    enabled: backend.authorized,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.interval_s ?? 5) * 1000,
    // Keep following while the window is in the background: the charts are watched.
    refetchIntervalInBackground: true,
  });
}
