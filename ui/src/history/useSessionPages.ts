// The History list as pages fetched on demand through the engine's cursors (TanStack Query's
// infinite query), keyed by the filter so a change starts over and going Back is instant.
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useBackend } from "../backend/BackendContext";
import type { SessionFilter } from "../backend/Backend";
import { queryKeys } from "../data/queryKeys";

export const PAGE_SIZE = 200;

export function useSessionPages(filter: SessionFilter) {
  const backend = useBackend();
  return useInfiniteQuery({
    queryKey: queryKeys.sessions.list(filter),
    queryFn: ({ pageParam }) => backend.listSessions(filter, { cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // A new filter or sort keeps the old rows on screen until the new ones arrive (no flash).
    placeholderData: keepPreviousData,
  });
}
