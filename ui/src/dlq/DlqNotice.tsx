// The outcome of the last action, kept above the list: a status for good news, an alert for failures.
import type { Notice } from "./outcome";
import "./dlq.css";

export function DlqNotice({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  const tone = notice.tone === "error" ? "notice--error" : notice.tone === "success" ? "notice--success" : "notice--info";
  return (
    <div
      className={`notice ${tone}`}
      role={notice.tone === "error" ? "alert" : "status"}
      data-testid="dlq-notice"
      data-outcome={notice.outcome}
    >
      <p className="notice__text">
        {notice.text}
        {notice.code ? <span className="notice__code"> (code: {notice.code})</span> : null}
      </p>
      <button type="button" className="button button--small" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
