// A destructive action behind one confirmation ("Disconnect…" → "Remove it?" Yes / Keep), with
// focus moved to the question and back, so it works by keyboard.
import { useEffect, useRef, useState } from "react";
import "./setup.css";

type ConfirmActionProps = {
  /** The button: "Disconnect…". */
  label: string;
  /** The question: "Remove this app's notifier from Tautulli?". */
  question: string;
  /** The confirming button: "Disconnect". */
  confirmLabel: string;
  busy: boolean;
  onConfirm: () => void;
  testId: string;
};

export function ConfirmAction({ label, question, confirmLabel, busy, onConfirm, testId }: ConfirmActionProps) {
  const [asking, setAsking] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);
  const [returnFocus, setReturnFocus] = useState(false);

  useEffect(() => {
    if (asking) confirmButton.current?.focus();
    else if (returnFocus) startButton.current?.focus();
  }, [asking, returnFocus]);

  if (!asking) {
    return (
      <button
        type="button"
        className="button button--danger"
        ref={startButton}
        data-testid={testId}
        disabled={busy}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="setup-confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        type="button"
        className="button button--danger"
        ref={confirmButton}
        data-testid={`${testId}-confirm`}
        disabled={busy}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button
        type="button"
        className="button"
        onClick={() => {
          setAsking(false);
          setReturnFocus(true);
        }}
      >
        Keep
      </button>
    </span>
  );
}
