// Pipeline figures from the query cache, kept current by one shared onStats subscription (and
// the live feed's stats). Skipped in a browser without the API token, where the engine would
// refuse to tell.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Stats } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { fetchUnlessPushed, startStatsPushes, type Pushed } from "../data/pushes";
import { queryKeys } from "../data/queryKeys";
import { useSharedSubscription } from "../data/sharedSubscription";

export type StatsState = {
  /** Latest known figures; null until the first arrive (or for good, without the token). */
  stats: Stats | null;
  /** Why the latest update failed; cleared by the next Stats. */
  error: string | null;
};

export function useStats(): StatsState {
  const backend = useBackend();
  const client = useQueryClient();
  useSharedSubscription("stats", startStatsPushes, backend.authorized);
  const { data } = useQuery<Pushed<Stats>>({
    queryKey: queryKeys.stats,
    queryFn: () => fetchUnlessPushed(client, queryKeys.stats, () => backend.getStats()),
    // The subscription brings the first figures (onStats fetches at once): the query itself
    // fetches only when an action invalidates the figures (a retried dead letter), so the
    // count drops now rather than at the next push.
    enabled: (query) => backend.authorized && query.state.data !== undefined,
    staleTime: Infinity,
  });
  if (!backend.authorized) return { stats: null, error: null };
  return { stats: data?.value ?? null, error: data?.error ?? null };
}
