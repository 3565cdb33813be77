// The dedup audit as pages fetched on demand through the engine's cursors (newest first), keyed
// by the rule filter; and the kept twin of a record, fetched by its id.
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useBackend } from "../backend/BackendContext";
import type { DedupRecord, DedupRule } from "../backend/Backend";
import { queryKeys } from "../data/queryKeys";

export const PAGE_SIZE = 200;

export function useDedupPages(rule: DedupRule | null) {
  const backend = useBackend();
  return useInfiniteQuery({
    queryKey: queryKeys.dedup(rule),
    queryFn: ({ pageParam }) => backend.listDedup({ rule }, { cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useKeptEvent(record: DedupRecord) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.event(record.kept_event_id),
    queryFn: () => backend.getEvent(record.kept_event_id),
    // A missing twin is an answer, not a hiccup: say so at once.
    retry: false,
  });
}
