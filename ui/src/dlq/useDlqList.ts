// One filtered list of dead letters as React state: the first page when the filter changes,
// more with loadMore (cursor paging), and local edits after actions (gone, or updated).
import { useCallback, useEffect, useRef, useState } from "react";
import type { Backend, DlqEntry, DlqFilter } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";

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

const INITIAL: DlqListState = { entries: [], nextCursor: null, loading: true, loaded: false, error: null };

/** The first page asked for: a new one on a new filter, page size or reload. */
type FirstPage = { backend: Backend; filterKey: string; pageSize: number; reloads: number };

/** The list, marked with the first-page request it answers. */
type Listed = DlqListState & { answers: FirstPage };

export function useDlqList(filter: DlqFilter, pageSize = DLQ_PAGE_SIZE): DlqList {
  const backend = useBackend();
  const [reloads, setReloads] = useState(0);
  const filterKey = JSON.stringify(filter);
  const [listed, setListed] = useState<Listed>(() => ({
    ...INITIAL,
    answers: { backend, filterKey, pageSize, reloads },
  }));
  // Bumped by every first-page request: answers for an older filter are dropped.
  const generation = useRef(0);

  useEffect(() => {
    generation.current += 1;
    const mine = generation.current;
    const asked = JSON.parse(filterKey) as DlqFilter;
    const answers = { backend, filterKey, pageSize, reloads };
    backend.listDlq(asked, { limit: pageSize }).then(
      (page) => {
        if (mine !== generation.current) return;
        setListed({
          entries: page.items,
          nextCursor: page.next_cursor ?? null,
          loading: false,
          loaded: true,
          error: null,
          answers,
        });
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setListed((previous) => ({ ...previous, loading: false, error: describeFailure(failure), answers }));
      },
    );
    return () => {
      // Unmounted or the filter changed: whatever is in flight is for nobody.
      generation.current += 1;
    };
  }, [backend, filterKey, pageSize, reloads]);

  // A first page on its way (new filter, or reload): what was listed stays on screen meanwhile.
  const { answers, ...listedState } = listed;
  const upToDate =
    answers.backend === backend &&
    answers.filterKey === filterKey &&
    answers.pageSize === pageSize &&
    answers.reloads === reloads;
  const state: DlqListState = upToDate ? listedState : { ...listedState, loading: true, error: null };

  const loadMore = useCallback(() => {
    const cursor = state.nextCursor;
    if (cursor === null || state.loading) return;
    const mine = generation.current;
    setListed((previous) => ({ ...previous, loading: true, error: null }));
    backend.listDlq(JSON.parse(filterKey) as DlqFilter, { cursor, limit: pageSize }).then(
      (page) => {
        if (mine !== generation.current) return;
        setListed((previous) => {
          const known = new Set(previous.entries.map((entry) => entry.id));
          return {
            ...previous,
            entries: [...previous.entries, ...page.items.filter((entry) => !known.has(entry.id))],
            nextCursor: page.next_cursor ?? null,
            loading: false,
          };
        });
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setListed((previous) => ({ ...previous, loading: false, error: describeFailure(failure) }));
      },
    );
  }, [backend, filterKey, pageSize, state.nextCursor, state.loading]);

  const reload = useCallback(() => setReloads((count) => count + 1), []);

  const remove = useCallback((id: string) => {
    setListed((previous) => ({ ...previous, entries: previous.entries.filter((entry) => entry.id !== id) }));
  }, []);

  const replace = useCallback((entry: DlqEntry) => {
    setListed((previous) => ({
      ...previous,
      entries: previous.entries.map((known) => (known.id === entry.id ? entry : known)),
    }));
  }, []);

  return { ...state, loadMore, reload, remove, replace };
}

