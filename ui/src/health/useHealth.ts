// The engine's health from the query cache: fetched once, then replaced by every push (one
// shared onHealth subscription), with the last failure (if any) alongside.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Health } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { fetchUnlessPushed, startHealthPushes, type Pushed } from "../data/pushes";
import { queryKeys } from "../data/queryKeys";
import { useSharedSubscription } from "../data/sharedSubscription";

export type HealthState = {
  /** Latest known health; null until the first one arrives. */
  health: Health | null;
  /** Why the latest attempt to get health failed; cleared by the next Health. */
  error: string | null;
};

export function useHealth(): HealthState & { retry: () => void } {
  const backend = useBackend();
  const client = useQueryClient();
  useSharedSubscription("health", startHealthPushes);
  const { data, refetch } = useQuery<Pushed<Health>>({
    queryKey: queryKeys.health,
    queryFn: () => fetchUnlessPushed(client, queryKeys.health, () => backend.getHealth()),
    // Kept current by pushes: asked again only on retry.
    staleTime: Infinity,
  });
  return { health: data?.value ?? null, error: data?.error ?? null, retry: () => void refetch() };
}
