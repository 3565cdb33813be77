// Restoring a dropped duplicate: a confirmation that says what happens, the call, and its outcome
// (restored, already restored, or why not), with a way to see the playback in History.
import { useState } from "react";
import type { DedupRecord } from "../backend/Backend";
import { describeFailure, engineErrorCode } from "../backend/errors";
import { useBackend } from "../backend/BackendContext";
import { formatRoute } from "../router/hashRoute";
import { historyLinkParams } from "./historyLink";

type Outcome = { kind: "restored" | "already" | "failed"; text: string };

type Props = {
  record: DedupRecord;
  restored: boolean;
  /** The record is now restored (by this call, or it already was). */
  onRestored: (id: string) => void;
};

export function RestoreDedup({ record, restored, onRestored }: Props) {
  const backend = useBackend();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  async function restore() {
    setBusy(true);
    try {
      const answer = await backend.restoreDedup(record.id);
      setOutcome({ kind: "restored", text: `Restored: event ${answer.event_id} is now stored as its own event.` });
      onRestored(record.id);
    } catch (failure) {
      if (engineErrorCode(failure) === "conflict") {
        setOutcome({ kind: "already", text: "It was already restored (here or elsewhere); nothing changed." });
        onRestored(record.id);
      } else {
        setOutcome({ kind: "failed", text: `It could not be restored: ${describeFailure(failure)}` });
      }
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  const historyHref = formatRoute({ section: "history", params: historyLinkParams(record.dropped) });

  return (
    <div className="dedup-restore" data-testid="dedup-restore">
      {outcome !== null && (
        <p
          role={outcome.kind === "failed" ? "alert" : "status"}
          className={`dedup-restore__outcome dedup-restore__outcome--${outcome.kind}`}
          data-testid="dedup-restore-outcome"
        >
          {outcome.text}
        </p>
      )}
      {restored ? (
        <p className="dedup-restore__done">
          This duplicate is restored: it is in the history as its own event.{" "}
          <a href={historyHref} data-testid="dedup-history-link">
            See it in History
          </a>
        </p>
      ) : confirming ? (
        <div role="group" aria-labelledby={`restore-question-${record.id}`} className="dedup-restore__confirm">
          <p id={`restore-question-${record.id}`}>
            Restore this duplicate? The dropped event is stored as its own event; the session it belongs to may gain an
            event, and its counts may change. Sessions playing now are left as they are.
          </p>
          <button type="button" onClick={() => void restore()} disabled={busy} data-testid="dedup-restore-confirm">
            {busy ? "Restoring…" : "Restore it"}
          </button>
          <button type="button" onClick={() => setConfirming(false)} disabled={busy} data-testid="dedup-restore-cancel">
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} data-testid="dedup-restore-button">
          Restore…
        </button>
      )}
    </div>
  );
}
