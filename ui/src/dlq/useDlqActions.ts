// What the Dead letters section changes, as mutations: each one, once the engine answered,
// invalidates the dead letters and the pipeline figures (the count in the tab), so whatever
// shows them asks again instead of keeping its own idea of what is left.
import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { DlqFilter, RetrySelection } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { invalidateStoredEvents, queryKeys } from "../data/queryKeys";

/**
 * The dead letters and the figures that count them are stale. Groups and figures are asked
 * again at once where shown; lists are only marked stale (asked again when next shown or
 * filtered): the list on screen takes the exact local edit instead of reloading every page it
 * paged through, which for thousands of entries would be dozens of requests per retry.
 */
export function invalidateDeadLetters(client: QueryClient): Promise<void> {
  return Promise.all([
    client.invalidateQueries({ queryKey: queryKeys.dlq.all, refetchType: "none" }),
    client.invalidateQueries({ queryKey: queryKeys.dlq.allGroups }),
    client.invalidateQueries({ queryKey: queryKeys.stats }),
  ]).then(() => undefined);
}

export function useDlqActions() {
  const backend = useBackend();
  const client = useQueryClient();
  const invalidate = () => void invalidateDeadLetters(client);
  /** Retried dead letters that were stored are new events: history and analytics too. */
  const invalidateRetried = () => void Promise.all([invalidateDeadLetters(client), invalidateStoredEvents(client)]);
  // A failed retry still changed the entry (one more attempt): invalidated either way.
  const retry = useMutation({
    mutationFn: ({ id, payload }: { id: string; payload: string | null }) => backend.retryDlq(id, payload),
    onSettled: invalidateRetried,
  });
  const remove = useMutation({ mutationFn: (id: string) => backend.deleteDlq(id), onSettled: invalidate });
  const purge = useMutation({ mutationFn: (filter: DlqFilter) => backend.purgeDlq(filter), onSettled: invalidate });
  // A bulk retry changes the dead letters as it goes; they are asked again when it ends.
  const retryMany = useMutation({ mutationFn: (selection: RetrySelection) => backend.retryDlqMany(selection) });
  return { retry, remove, purge, retryMany, invalidate, invalidateRetried };
}
