// History: every playback (session) with its filters in the URL, a virtualised table paged by
// the engine's cursors, the selected session's events beside it, and CSV or Parquet export of either.
import { useCallback, useMemo } from "react";
import { describeFailure } from "../backend/errors";
import type { Route } from "../router/hashRoute";
import { useNavigate } from "../router/useRoute";
import { ExportButton } from "./ExportButton";
import { HistoryFilters } from "./HistoryFilters";
import { readHistoryState, toSessionFilter, writeHistoryState, type HistoryState } from "./historyFilter";
import { SessionEvents } from "./SessionEvents";
import { SessionTable } from "./SessionTable";
import { useSessionPages } from "./useSessionPages";
import "./history.css";

export function HistoryView({ route }: { route: Route }) {
  const navigate = useNavigate();
  const query = route.params.toString();
  const state = useMemo(() => readHistoryState(new URLSearchParams(query)), [query]);
  // Presets ("last 7 days") count back from when the filter was set, so the key stays put.
  const filter = useMemo(() => toSessionFilter(state, new Date()), [state]);
  const pages = useSessionPages(filter);
  const sessions = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const selected = route.item;

  const change = useCallback(
    (next: HistoryState) => navigate({ section: "history", item: selected, params: writeHistoryState(next) }),
    [navigate, selected],
  );
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const open = (item: string | null) => navigate({ section: "history", item, params: new URLSearchParams(query) });
  const filtered = query !== "" && query !== "sort=started_at";

  return (
    <section className="history" aria-labelledby="history-title">
      <header className="history__header">
        <h1 id="history-title">History</h1>
        <ExportButton rows={{ table: "sessions", filter }} label="Export sessions" />
        {selected && <ExportButton rows={{ table: "events", filter: { session: selected } }} label="Export events" />}
      </header>
      <HistoryFilters state={state} onChange={change} />
      <div className={`history__body${selected ? " history__body--detail" : ""}`}>
        <div className="history__list">
          {pages.isPending && (
            <p role="status" className="history-notice" data-testid="history-loading">
              Loading the history…
            </p>
          )}
          {pages.isError && (
            <div role="alert" className="history-notice history-notice--error" data-testid="history-error">
              <p>The history could not be loaded: {describeFailure(pages.error)}</p>
              <button type="button" onClick={() => void pages.refetch()}>
                Retry
              </button>
            </div>
          )}
          {pages.isSuccess && sessions.length === 0 && (
            <div className="history-notice" data-testid="history-empty">
              {filtered ? (
                <>
                  <p>No playback matches these filters.</p>
                  <button type="button" onClick={() => navigate({ section: "history" })}>
                    Clear the filters
                  </button>
                </>
              ) : (
                <p>
                  No playbacks are stored yet. Connect a source (the button at the top) and play something; each
                  playback appears here once it starts.
                </p>
              )}
            </div>
          )}
          {pages.isSuccess && sessions.length > 0 && (
            <SessionTable
              sessions={sessions}
              hasMore={hasNextPage}
              loadingMore={isFetchingNextPage}
              onLoadMore={loadMore}
              sort={state.sort}
              order={state.order}
              onSort={(sort, order) => change({ ...state, sort, order })}
              selected={selected}
              onOpen={(id) => open(id)}
            />
          )}
        </div>
        {selected && (
          <SessionEvents
            sessionId={selected}
            session={sessions.find((s) => s.session_id === selected) ?? null}
            onClose={() => open(null)}
          />
        )}
      </div>
    </section>
  );
}
