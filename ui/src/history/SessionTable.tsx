// The History table: one row per playback, columns sortable from their headers, rows virtualised
// (only what is on screen is in the DOM) and the next page fetched as the end comes into view,
// so 100,000 rows scroll as smoothly as 100. A row opens the session's events (click or Enter).
import type { Session, SessionSortKey, SortOrder } from "../backend/Backend";
import { usePagedRows } from "../layout/usePagedRows";
import { COLUMNS, TABLE_WIDTH } from "./columns";

const ROW_HEIGHT = 36;

type Props = {
  sessions: Session[];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  sort: SessionSortKey;
  order: SortOrder;
  onSort: (sort: SessionSortKey, order: SortOrder) => void;
  selected: string | null;
  onOpen: (sessionId: string) => void;
};

const gridTemplate = COLUMNS.map((c) => `${c.width}px`).join(" ");

export function SessionTable({ sessions, hasMore, loadingMore, onLoadMore, sort, order, onSort, selected, onOpen }: Props) {
  const { scroller, virtualizer, items } = usePagedRows({
    count: sessions.length,
    rowHeight: ROW_HEIGHT,
    canLoadMore: hasMore && !loadingMore,
    onNearEnd: onLoadMore,
  });

  return (
    <div
      className="history-table"
      role="table"
      aria-label="Playback history"
      aria-rowcount={hasMore ? -1 : sessions.length + 1}
      ref={scroller}
      data-testid="history-table"
    >
      <div className="history-table__inner" style={{ width: TABLE_WIDTH }}>
        <div className="history-table__head" role="row" style={{ gridTemplateColumns: gridTemplate }}>
          {COLUMNS.map((column) => {
            const sorted = column.sort !== null && column.sort === sort && (column.id !== "started" || sort !== "started_at");
            return (
              <div
                key={column.id}
                role="columnheader"
                aria-sort={sorted ? (order === "asc" ? "ascending" : "descending") : undefined}
              >
                {column.sort === null ? (
                  column.header
                ) : (
                  <button
                    type="button"
                    className="history-table__sort"
                    data-testid={`sort-${column.id}`}
                    onClick={() => {
                      const key = column.sort!;
                      onSort(key, key === sort && order === "desc" ? "asc" : "desc");
                    }}
                  >
                    {column.header}
                    {sorted && <span aria-hidden="true">{order === "asc" ? " ▲" : " ▼"}</span>}
                  </button>
                )}
              </div>
            );
          })}
        </div>
        <div className="history-table__body" style={{ height: virtualizer.getTotalSize() }} role="rowgroup">
          {items.map((item) => {
            const session = sessions[item.index]!;
            const isSelected = session.session_id === selected;
            return (
              <div
                key={session.session_id}
                role="row"
                tabIndex={0}
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                className={`history-table__row${isSelected ? " history-table__row--selected" : ""}`}
                data-testid="history-row"
                style={{ gridTemplateColumns: gridTemplate, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onOpen(session.session_id)}
                onKeyDown={(event) => {
                  if (event.key === "Enter" || event.key === " ") {
                    event.preventDefault();
                    onOpen(session.session_id);
                  }
                }}
              >
                {COLUMNS.map((column) => {
                  const text = column.cell(session);
                  return (
                    <div key={column.id} role="cell" title={text}>
                      {text}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
      {loadingMore && <p className="history-table__more">Loading more…</p>}
    </div>
  );
}
