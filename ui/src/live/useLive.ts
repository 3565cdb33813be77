// The live view from the query cache: the live feed's batches folded in by the live reducer
// (one shared subscription, see data/pushes), and why live updates are interrupted (if they
// are), cleared by the next snapshot.
import { skipToken, useQuery } from "@tanstack/react-query";
import { useBackend } from "../backend/BackendContext";
import { INITIAL_LIVE, startLivePushes, type LiveEntryState } from "../data/pushes";
import { queryKeys } from "../data/queryKeys";
import { useSharedSubscription } from "../data/sharedSubscription";

export type LiveViewState = LiveEntryState;

export function useLive(): LiveViewState {
  const backend = useBackend();
  // Without the API token the engine would refuse: the view says so instead of subscribing.
  useSharedSubscription("live", startLivePushes, backend.authorized);
  // Only ever pushed: there is nothing to fetch.
  const { data } = useQuery<LiveEntryState>({ queryKey: queryKeys.live, queryFn: skipToken });
  return data ?? INITIAL_LIVE;
}
