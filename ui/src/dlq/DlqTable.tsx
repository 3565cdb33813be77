// The dead letters of one filter, newest failure first; choosing one opens its detail. Rows are
// virtualised (only those on screen, plus a margin, are in the DOM; spacer rows keep the scroll
// height), and the next page is asked for as the end comes near, so 10,000 entries scroll freely.
import type { DlqEntry } from "../backend/Backend";
import { formatDateTime } from "../format/time";
import { usePagedRows } from "../layout/usePagedRows";
import { SourceBadge } from "../media/SourceBadge";
import { DlqKindBadge } from "./DlqKindBadge";
import "./dlq.css";

/** Fixed by CSS (.dlq-table__row), so rows need no measuring. */
const ROW_HEIGHT = 56;

type DlqTableProps = {
  entries: readonly DlqEntry[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** More entries exist beyond those loaded, and none are on their way. */
  canLoadMore?: boolean;
  onNearEnd?: () => void;
};

export function DlqTable({ entries, selectedId, onSelect, canLoadMore = false, onNearEnd }: DlqTableProps) {
  const { scroller, virtualizer, items } = usePagedRows({
    count: entries.length,
    rowHeight: ROW_HEIGHT,
    canLoadMore,
    onNearEnd,
  });
  const before = items[0]?.start ?? 0;
  const after = Math.max(0, virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0));

  return (
    <div className="table-scroll dlq-table-scroll" ref={scroller} data-testid="dlq-scroller">
      <table className="data-table dlq-table" data-testid="dlq-table">
        <caption className="visually-hidden">Dead letters, most recent failure first</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Source</th>
            <th scope="col">Problem</th>
            <th scope="col">Last failure</th>
            <th scope="col">
              <abbr title="Attempts">Tries</abbr>
            </th>
          </tr>
        </thead>
        <tbody>
          {before > 0 && <tr className="dlq-table__spacer" aria-hidden="true" style={{ height: before }} />}
          {items.map((item) => {
            const entry = entries[item.index]!;
            const selected = entry.id === selectedId;
            return (
              <tr
                key={entry.id}
                className={selected ? "dlq-table__row dlq-table__row--selected" : "dlq-table__row"}
                data-testid="dlq-entry"
                data-entry-id={entry.id}
                data-kind={entry.kind}
                data-selected={selected}
                onClick={() => onSelect(entry.id)}
              >
                <td>
                  <DlqKindBadge kind={entry.kind} />
                </td>
                <td>{entry.source === null ? "—" : <SourceBadge source={entry.source} />}</td>
                <td className="dlq-table__problem">
                  {/* The row is clickable; this button is how keyboards and screen readers open it. */}
                  <button
                    type="button"
                    className="link-button"
                    data-testid="dlq-entry-open"
                    aria-expanded={selected}
                    aria-controls={selected ? "dlq-detail" : undefined}
                    onClick={(event) => {
                      event.stopPropagation();
                      onSelect(entry.id);
                    }}
                  >
                    {entry.code !== null && <span className="dlq-table__code">{entry.code}</span>}
                    <span className="dlq-table__error">{entry.error}</span>
                  </button>
                </td>
                <td className="data-table__time">
                  <time dateTime={entry.last_failed_at}>{formatDateTime(entry.last_failed_at)}</time>
                </td>
                <td className="dlq-table__attempts" data-testid="dlq-entry-attempts">
                  {entry.attempts.length}
                </td>
              </tr>
            );
          })}
          {after > 0 && <tr className="dlq-table__spacer" aria-hidden="true" style={{ height: after }} />}
        </tbody>
      </table>
    </div>
  );
}
