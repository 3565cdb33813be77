// Duplicates: the dedup audit (issue #12). What the store dropped as a duplicate, newest first,
// by which rule (the filter lives in the URL); a record opens beside the list with the kept twin
// compared field by field, and can be restored as its own event.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { describeFailure } from "../backend/errors";
import type { Route } from "../router/hashRoute";
import { useNavigate } from "../router/useRoute";
import { DedupDetail } from "./DedupDetail";
import { DedupTable } from "./DedupTable";
import { readRule, RULES, writeRule } from "./dedupRules";
import { useDedupPages } from "./useDedupPages";
import "./dedup.css";
import { queryKeys } from "../data/queryKeys";

export function DedupView({ route }: { route: Route }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const query = route.params.toString();
  const rule = useMemo(() => readRule(new URLSearchParams(query)), [query]);
  const pages = useDedupPages(rule);
  const records = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const [restored, setRestored] = useState<ReadonlySet<string>>(new Set());
  const selectedId = route.item;
  const selected = selectedId === null ? null : (records.find((r) => r.id === selectedId) ?? null);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const open = (item: string | null) => navigate({ section: "duplicates", item, params: new URLSearchParams(query) });

  function markRestored(id: string) {
    setRestored((previous) => new Set(previous).add(id));
    // The history changed: its lists refetch when next shown.
    void queryClient.invalidateQueries({ queryKey: queryKeys.sessions.all });
  }

  function closeDetail() {
    const id = selectedId;
    open(null);
    // Back to the row that opened it, for keyboard users.
    requestAnimationFrame(() => {
      const rows = document.querySelectorAll<HTMLElement>("[data-testid='dedup-row']");
      const index = records.findIndex((r) => r.id === id);
      rows.forEach((row) => {
        if (row.getAttribute("aria-rowindex") === String(index + 2)) row.focus();
      });
    });
  }

  return (
    <section className="dedup" aria-labelledby="dedup-title">
      <header className="dedup__header">
        <h1 id="dedup-title">Duplicates</h1>
        <p className="dedup__intro">
          Reports the store dropped because an event it already had said the same. Restore one if it was not a
          duplicate after all.
        </p>
      </header>
      <div className="dedup__filters">
        <label>
          Rule{" "}
          <select
            value={rule ?? ""}
            data-testid="dedup-rule-filter"
            onChange={(event) => {
              const value = event.target.value;
              const next = RULES.find((r) => r.id === value)?.id ?? null;
              navigate({ section: "duplicates", params: writeRule(next) }, { replace: true });
            }}
          >
            <option value="">Every rule</option>
            {RULES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        {rule !== null && <span className="dedup__rule-meaning">{RULES.find((r) => r.id === rule)?.meaning}</span>}
      </div>
      <div className={`dedup__body${selectedId ? " dedup__body--detail" : ""}`}>
        <div className="dedup__list">
          {pages.isPending && (
            <p role="status" className="dedup-notice" data-testid="dedup-loading">
              Loading the duplicates…
            </p>
          )}
          {pages.isError && (
            <div role="alert" className="dedup-notice dedup-notice--error" data-testid="dedup-error">
              <p>The duplicates could not be loaded: {describeFailure(pages.error)}</p>
              <button type="button" onClick={() => void pages.refetch()}>
                Retry
              </button>
            </div>
          )}
          {pages.isSuccess && records.length === 0 && (
            <div className="dedup-notice" data-testid="dedup-empty">
              {rule !== null ? (
                <>
                  <p>No duplicate was dropped by this rule.</p>
                  <button type="button" onClick={() => navigate({ section: "duplicates" })}>
                    Show every rule
                  </button>
                </>
              ) : (
                <p>
                  No duplicates dropped: every event received was new. When a source resends a webhook, or two sources
                  report the same playback, the copy is dropped and listed here; the Pipeline view counts them.
                </p>
              )}
            </div>
          )}
          {pages.isSuccess && records.length > 0 && (
            <DedupTable
              records={records}
              restored={restored}
              hasMore={hasNextPage}
              loadingMore={isFetchingNextPage}
              onLoadMore={loadMore}
              selected={selectedId}
              onOpen={(id) => open(id)}
            />
          )}
        </div>
        {selectedId !== null && selected !== null && (
          <DedupDetail
            record={selected}
            restored={selected.restored || restored.has(selected.id)}
            onRestored={markRestored}
            onClose={closeDetail}
          />
        )}
        {selectedId !== null && selected === null && pages.isSuccess && (
          <div className="dedup-notice" data-testid="dedup-missing">
            <p>Record {selectedId} is not in the list loaded here (another rule filter, or further down the list).</p>
            <button type="button" onClick={() => open(null)}>
              Close
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
