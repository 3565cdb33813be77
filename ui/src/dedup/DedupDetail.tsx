// One dedup record: the dropped event beside its kept twin (fetched by id), every field in a
// row, the differing ones marked by a text marker as well as colour; and the restore action.
// Escape closes it.
import { useEffect, useRef } from "react";
import type { DedupRecord } from "../backend/Backend";
import { describeFailure, engineErrorCode } from "../backend/errors";
import { formatDateTime } from "../format/time";
import { ruleLabel, ruleMeaning } from "./dedupRules";
import { diffEvents, eventRows, type DiffRow } from "./eventDiff";
import { RestoreDedup } from "./RestoreDedup";
import { useKeptEvent } from "./useDedupPages";

type Props = {
  record: DedupRecord;
  restored: boolean;
  onRestored: (id: string) => void;
  onClose: () => void;
};

export function DedupDetail({ record, restored, onRestored, onClose }: Props) {
  const kept = useKeptEvent(record);
  const panel = useRef<HTMLElement>(null);

  useEffect(() => {
    panel.current?.focus();
  }, [record.id]);

  const rows: DiffRow[] = kept.isSuccess ? diffEvents(record.dropped, kept.data) : eventRows(record.dropped);
  const differing = rows.filter((row) => row.differs).length;

  return (
    <aside
      className="dedup-detail"
      aria-labelledby="dedup-detail-title"
      data-testid="dedup-detail"
      tabIndex={-1}
      ref={panel}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          onClose();
        }
      }}
    >
      <header className="dedup-detail__header">
        <h2 id="dedup-detail-title">
          {ruleLabel(record.rule)} · dropped {formatDateTime(record.at)}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close" data-testid="dedup-detail-close">
          ×
        </button>
      </header>
      <p className="dedup-detail__meaning">{ruleMeaning(record.rule)}</p>
      <p className="dedup-detail__key">
        Matched on <code>{record.matched_key}</code>
      </p>
      <RestoreDedup record={record} restored={restored} onRestored={onRestored} />
      {kept.isPending && (
        <p role="status" className="dedup-notice" data-testid="dedup-kept-loading">
          Fetching the kept event…
        </p>
      )}
      {kept.isError && (
        <div role="alert" className="dedup-notice dedup-notice--error" data-testid="dedup-kept-error">
          <p>
            {engineErrorCode(kept.error) === "not_found"
              ? `The kept event ${record.kept_event_id} is not stored (any more), so only the dropped one is shown: ${describeFailure(kept.error)}`
              : `The kept event ${record.kept_event_id} could not be fetched: ${describeFailure(kept.error)}`}
          </p>
          <button type="button" onClick={() => void kept.refetch()}>
            Retry
          </button>
        </div>
      )}
      {kept.isSuccess && (
        <p className="dedup-detail__summary" data-testid="dedup-diff-summary">
          {differing === 0
            ? "No field differs: the same report arrived twice."
            : `${differing} ${differing === 1 ? "field differs" : "fields differ"} (marked “differs”).`}
        </p>
      )}
      <table className="dedup-diff" data-testid="dedup-diff">
        <caption className="visually-hidden">The dropped event beside the kept one</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Dropped</th>
            {kept.isSuccess && <th scope="col">Kept</th>}
            {kept.isSuccess && <th scope="col">Same?</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.field}
              className={row.differs ? "dedup-diff__row--differs" : undefined}
              data-testid={`diff-${row.field}`}
              data-differs={row.differs}
            >
              <th scope="row">{row.label}</th>
              <td>{row.dropped}</td>
              {kept.isSuccess && <td>{row.kept}</td>}
              {kept.isSuccess && <td className="dedup-diff__marker">{row.differs ? "≠ differs" : "same"}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </aside>
  );
}
