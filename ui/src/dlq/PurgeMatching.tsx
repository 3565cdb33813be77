// "Delete all" for what the filter covers, after a confirmation that says how many entries go.
import { useEffect, useRef, useState } from "react";
import { formatCount } from "../format/humanize";
import "./dlq.css";

type PurgeMatchingProps = {
  /** Entries the filter covers; null while unknown (then nothing can be confirmed). */
  count: number | null;
  filtered: boolean;
  busy: boolean;
  onConfirm: () => void;
};

export function PurgeMatching({ count, filtered, busy, onConfirm }: PurgeMatchingProps) {
  const [asking, setAsking] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (asking) cancel.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <button
        type="button"
        className="button button--danger"
        data-testid="dlq-purge"
        disabled={busy || count === null || count === 0}
        onClick={() => setAsking(true)}
      >
        {filtered ? "Delete all matching…" : "Delete all…"}
      </button>
    );
  }
  const entries = `${formatCount(count ?? 0)} ${count === 1 ? "dead letter" : "dead letters"}`;
  return (
    <div className="dlq-purge-confirm" role="alertdialog" aria-labelledby="dlq-purge-question">
      <p id="dlq-purge-question" data-testid="dlq-purge-estimate">
        Delete {entries}{filtered ? " matching this filter" : ""}? They are gone for good.
      </p>
      <button
        type="button"
        className="button button--small button--danger"
        data-testid="dlq-purge-confirm"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Delete {entries}
      </button>
      <button type="button" className="button button--small" ref={cancel} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </div>
  );
}
