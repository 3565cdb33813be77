// One filtered list of dead letters from the query cache: pages fetched through the engine's
// cursors (an infinite query keyed by the filter), more with loadMore, and local edits after
// actions written into the cached pages (gone, or updated) until the list is asked again.
import { keepPreviousData, useInfiniteQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import type { DlqEntry, DlqFilter, Page } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { queryKeys } from "../data/queryKeys";

export const DLQ_PAGE_SIZE = 50;

export type DlqListState = {
  entries: DlqEntry[];
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
  /** A page is on its way (the first, or more). */
  loading: boolean;
  /** False until the first page for this filter arrived. */
  loaded: boolean;
  error: string | null;
};

export type DlqList = DlqListState & {
  loadMore(): void;
  reload(): void;
  /** Forget an entry the engine no longer has (retried or deleted). */
  remove(id: string): void;
  /** Show an entry's newer state (a failed retry added an attempt). */
  replace(entry: DlqEntry): void;
};

type Pages = InfiniteData<Page<DlqEntry>, string | null>;

/** Every page's entries, each once (a page boundary can move while entries come and go). */
function flatten(pages: InfiniteData<Page<DlqEntry>, unknown> | undefined): DlqEntry[] {
  const seen = new Set<string>();
  const entries: DlqEntry[] = [];
  for (const page of pages?.pages ?? []) {
    for (const entry of page.items) {
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      entries.push(entry);
    }
  }
  return entries;
}

export function useDlqList(filter: DlqFilter, pageSize = DLQ_PAGE_SIZE): DlqList {
  const backend = useBackend();
  const client = useQueryClient();
  const key = queryKeys.dlq.list(filter, pageSize);
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) =>
      backend.listDlq(filter, pageParam === null ? { limit: pageSize } : { cursor: pageParam, limit: pageSize }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // A new filter keeps what was listed on screen until its first page arrives.
    placeholderData: keepPreviousData,
    // Dead letters change under the user (new failures, retries): asked again on every visit.
    staleTime: 0,
  });
  const { data, isFetching, error, hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const entries = useMemo(() => flatten(data), [data]);
  const lastPage = data?.pages[data.pages.length - 1];
  const keyText = JSON.stringify(key);

  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetching && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetching, isFetchingNextPage, fetchNextPage]);

  const reload = useCallback(() => {
    const asked = JSON.parse(keyText) as typeof key;
    // Start over from the first page: the cursors of later pages may no longer mean much.
    client.setQueryData<Pages>(asked, (known) =>
      known === undefined ? known : { pages: known.pages.slice(0, 1), pageParams: known.pageParams.slice(0, 1) },
    );
    void client.invalidateQueries({ queryKey: asked, exact: true });
  }, [client, keyText]);

  const edit = useCallback(
    (change: (entries: DlqEntry[]) => DlqEntry[]) => {
      client.setQueryData<Pages>(JSON.parse(keyText) as typeof key, (known) =>
        known === undefined ? known : { ...known, pages: known.pages.map((page) => ({ ...page, items: change(page.items) })) },
      );
    },
    [client, keyText],
  );
  const remove = useCallback((id: string) => edit((items) => items.filter((entry) => entry.id !== id)), [edit]);
  const replace = useCallback(
    (entry: DlqEntry) => edit((items) => items.map((known) => (known.id === entry.id ? entry : known))),
    [edit],
  );

  return {
    entries,
    nextCursor: lastPage?.next_cursor ?? null,
    loading: isFetching,
    loaded: data !== undefined,
    // A failure is shown until the next attempt starts.
    error: error !== null && !isFetching ? describeFailure(error) : null,
    loadMore,
    reload,
    remove,
    replace,
  };
}
