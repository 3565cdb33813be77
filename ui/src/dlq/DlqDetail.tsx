// One dead letter in full: what failed and when, every attempt, the payload to fix, and the
// actions: retry as stored, save the edited payload and retry, or delete.
import { useState } from "react";
import type { DlqEntry } from "../backend/Backend";
import { formatDateTime } from "../format/time";
import { sourceName } from "../media/labels";
import { AttemptList } from "./AttemptList";
import { DlqKindBadge } from "./DlqKindBadge";
import { PayloadEditor } from "./PayloadEditor";
import "./dlq.css";

type DlqDetailProps = {
  entry: DlqEntry;
  /** An action on this entry is in flight: buttons wait. */
  busy: boolean;
  onRetry: (payload: string | null) => void;
  onDelete: () => void;
  onClose: () => void;
};

function headerLines(headers: unknown): Array<[string, string]> {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return [];
  return Object.entries(headers as Record<string, unknown>).map(([name, value]) => [
    name,
    typeof value === "string" ? value : JSON.stringify(value),
  ]);
}

export function DlqDetail(props: DlqDetailProps) {
  // Keyed by the entry's id and payload: a new entry, or a stored edit, starts a fresh draft.
  return <DlqDetailBody key={`${props.entry.id}\u0000${props.entry.payload}`} {...props} />;
}

function DlqDetailBody({ entry, busy, onRetry, onDelete, onClose }: DlqDetailProps) {
  const [draft, setDraft] = useState(entry.payload);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const edited = draft !== entry.payload;
  const editable = entry.payload_encoding !== "base64";
  const headers = headerLines(entry.headers);

  return (
    <section className="dlq-detail" id="dlq-detail" aria-labelledby="dlq-detail-title" data-testid="dlq-detail" data-entry-id={entry.id}>
      <header className="dlq-detail__header">
        <div>
          <h2 className="dlq-detail__title" id="dlq-detail-title">
            <DlqKindBadge kind={entry.kind} /> {entry.code ?? "Dead letter"}
          </h2>
          <p className="dlq-detail__error" data-testid="dlq-detail-error">
            {entry.error}
          </p>
        </div>
        <button type="button" className="button button--small" onClick={onClose} aria-label="Close the detail">
          Close
        </button>
      </header>

      <dl className="dlq-detail__facts">
        <div>
          <dt>Source</dt>
          <dd>{entry.source === null ? "unknown" : sourceName(entry.source)}</dd>
        </div>
        <div>
          <dt>First failure</dt>
          <dd>{formatDateTime(entry.first_failed_at)}</dd>
        </div>
        <div>
          <dt>Last failure</dt>
          <dd>{formatDateTime(entry.last_failed_at)}</dd>
        </div>
        {entry.event_id !== null && (
          <div>
            <dt>Event</dt>
            <dd className="dlq-detail__mono">{entry.event_id}</dd>
          </div>
        )}
        {entry.subject !== null && (
          <div>
            <dt>Subject</dt>
            <dd className="dlq-detail__mono">{entry.subject}</dd>
          </div>
        )}
        <div className="dlq-detail__wide">
          <dt>Id</dt>
          <dd className="dlq-detail__mono">{entry.id}</dd>
        </div>
      </dl>

      <div>
        <h3 className="dlq-detail__label">Attempts ({entry.attempts.length})</h3>
        <AttemptList attempts={entry.attempts} />
      </div>

      <PayloadEditor
        value={draft}
        onChange={setDraft}
        encoding={entry.payload_encoding}
        bytes={entry.payload_bytes}
        contentType={entry.content_type}
        disabled={busy}
      />

      {headers.length > 0 && (
        <details className="dlq-detail__headers">
          <summary>Request headers ({headers.length})</summary>
          <dl>
            {headers.map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}

      <div className="dlq-detail__actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="dlq-retry"
          disabled={busy}
          onClick={() => onRetry(null)}
          title={edited ? "Retries the payload as stored, not your edit" : undefined}
        >
          {edited ? "Retry as stored" : "Retry"}
        </button>
        {editable && (
          <>
            <button
              type="button"
              className="button button--primary"
              data-testid="dlq-save-retry"
              disabled={busy || !edited}
              onClick={() => onRetry(draft)}
            >
              Save edit &amp; retry
            </button>
            {edited && (
              <button type="button" className="button" disabled={busy} onClick={() => setDraft(entry.payload)}>
                Undo edit
              </button>
            )}
          </>
        )}
        <span className="dlq-detail__spacer" />
        {confirmingDelete ? (
          <span className="dlq-detail__confirm" role="group" aria-label="Confirm deletion">
            <span>Delete for good?</span>
            <button
              type="button"
              className="button button--danger"
              data-testid="dlq-delete-confirm"
              disabled={busy}
              onClick={() => {
                setConfirmingDelete(false);
                onDelete();
              }}
            >
              Delete
            </button>
            <button type="button" className="button" onClick={() => setConfirmingDelete(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="button button--danger"
            data-testid="dlq-delete"
            disabled={busy}
            onClick={() => setConfirmingDelete(true)}
          >
            Delete…
          </button>
        )}
      </div>
    </section>
  );
}
