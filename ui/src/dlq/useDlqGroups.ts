// The dead-letter groups of one filter from the query cache: fetched when the filter changes,
// and again on reload or when an action invalidates the dead letters.
import { useQuery } from "@tanstack/react-query";
import type { DlqFilter, DlqGroup } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { queryKeys } from "../data/queryKeys";

export type DlqGroupsState = {
  /** Null until the first answer for this filter. */
  groups: DlqGroup[] | null;
  loading: boolean;
  error: string | null;
  reload(): void;
};

export function useDlqGroups(filter: DlqFilter): DlqGroupsState {
  const backend = useBackend();
  const { data, error, isFetching, refetch } = useQuery({
    queryKey: queryKeys.dlq.groups(filter),
    queryFn: () => backend.listDlqGroups(filter),
    staleTime: 0,
  });
  // While a reload is on its way the previous groups stay on screen; a failure shows none.
  const failed = error !== null && !isFetching;
  return {
    groups: failed ? null : (data ?? null),
    loading: isFetching,
    error: failed ? describeFailure(error) : null,
    reload: () => void refetch(),
  };
}
