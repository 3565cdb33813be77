// The dedup audit as a virtualised table (only the rows on screen are in the DOM), the next page
// fetched as the end comes into view. A row opens the record's side-by-side view (click or Enter).
import type { DedupRecord } from "../backend/Backend";
import { formatDateTime } from "../format/time";
import { usePagedRows } from "../layout/usePagedRows";
import { eventTypeName } from "../media/labels";
import { mediaTitle } from "../media/mediaTitle";
import { SourceBadge } from "../media/SourceBadge";
import { ruleLabel, ruleMeaning } from "./dedupRules";

const ROW_HEIGHT = 44;
const HEADERS = ["When dropped", "Rule", "Dropped from", "Kept from", "Event", "Title", "User", "Player", "Restored"];

type Props = {
  records: DedupRecord[];
  /** Ids restored in this view (the list may not have been refetched yet). */
  restored: ReadonlySet<string>;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  selected: string | null;
  onOpen: (id: string) => void;
};

export function DedupTable({ records, restored, hasMore, loadingMore, onLoadMore, selected, onOpen }: Props) {
  const { scroller, virtualizer, items } = usePagedRows({
    count: records.length,
    rowHeight: ROW_HEIGHT,
    canLoadMore: hasMore && !loadingMore,
    onNearEnd: onLoadMore,
  });

  return (
    <div
      className="dedup-table"
      role="table"
      aria-label="Dropped duplicates"
      aria-rowcount={hasMore ? -1 : records.length + 1}
      ref={scroller}
      data-testid="dedup-table"
    >
      <div className="dedup-table__head" role="row">
        {HEADERS.map((header) => (
          <div key={header} role="columnheader">
            {header}
          </div>
        ))}
      </div>
      <div className="dedup-table__body" style={{ height: virtualizer.getTotalSize() }} role="rowgroup">
        {items.map((item) => {
          const record = records[item.index]!;
          const isSelected = record.id === selected;
          const isRestored = record.restored || restored.has(record.id);
          return (
            <div
              key={record.id}
              role="row"
              tabIndex={0}
              aria-rowindex={item.index + 2}
              aria-selected={isSelected}
              className={`dedup-table__row${isSelected ? " dedup-table__row--selected" : ""}`}
              data-testid="dedup-row"
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              onClick={() => onOpen(record.id)}
              onKeyDown={(event) => {
                if (event.key === "Enter" || event.key === " ") {
                  event.preventDefault();
                  onOpen(record.id);
                }
              }}
            >
              <div role="cell">{formatDateTime(record.at)}</div>
              <div role="cell" title={ruleMeaning(record.rule)} data-testid="dedup-rule">
                {ruleLabel(record.rule)}
              </div>
              <div role="cell">
                <SourceBadge source={record.dropped.source} />
              </div>
              <div role="cell">{keptSource(record.rule)}</div>
              <div role="cell">{eventTypeName(record.dropped.event_type)}</div>
              <div role="cell" title={mediaTitle(record.dropped)}>
                {mediaTitle(record.dropped)}
              </div>
              <div role="cell">{record.dropped.username ?? "—"}</div>
              <div role="cell">{record.dropped.player ?? "—"}</div>
              <div role="cell" data-testid="dedup-restored">
                {isRestored ? "Restored" : "Dropped"}
              </div>
            </div>
          );
        })}
      </div>
      {loadingMore && <p className="dedup-table__more">Loading more…</p>}
    </div>
  );
}

/** Only the cross-source rule matches another source; the others match the dropped one's own. */
function keptSource(rule: string): string {
  return rule === "cross_source" ? "Another source" : "The same source";
}
