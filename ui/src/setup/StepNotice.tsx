// The outcome of a step's last action: a status for good news, an alert for failures, with
// the engine's own words and code kept small underneath.
import type { SetupMessage } from "./setupErrors";
import "./setup.css";

export function StepNotice({ message, testId }: { message: SetupMessage; testId: string }) {
  const tone =
    message.tone === "error" ? "notice--error" : message.tone === "success" ? "notice--success" : "notice--info";
  return (
    <div
      className={`notice setup-notice ${tone}`}
      role={message.tone === "error" ? "alert" : "status"}
      data-testid={testId}
      data-outcome={message.outcome}
    >
      <p className="notice__text">{message.text}</p>
      {(message.detail || message.code) && (
        <p className="setup-notice__detail">
          {message.detail}
          {message.code ? <span className="setup-notice__code"> (code: {message.code})</span> : null}
        </p>
      )}
    </div>
  );
}
