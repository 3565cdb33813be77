// The dead letters of one filter, newest failure first; choosing one opens its detail.
import type { DlqEntry } from "../backend/Backend";
import { formatDateTime } from "../format/time";
import { SourceBadge } from "../media/SourceBadge";
import { DlqKindBadge } from "./DlqKindBadge";
import "./dlq.css";

type DlqTableProps = {
  entries: readonly DlqEntry[];
  selectedId: string | null;
  onSelect: (id: string) => void;
};

export function DlqTable({ entries, selectedId, onSelect }: DlqTableProps) {
  return (
    <div className="table-scroll">
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
          {entries.map((entry) => {
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
        </tbody>
      </table>
    </div>
  );
}
