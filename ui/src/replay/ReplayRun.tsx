// A running replay — how far it got (done of total, rate, time left) with Cancel — and, once
// it ended, what the store made of it: stored new, already stored, dropped as duplicates.
import type { JobStatus } from "../backend/Backend";
import { finishedText, replayProgressText } from "./replayRange";
import "../dlq/dlq.css";

type ReplayRunProps = {
  job: JobStatus;
  pollError: string | null;
  cancelling: boolean;
  onCancel: () => void;
};

export function ReplayRun({ job, pollError, cancelling, onCancel }: ReplayRunProps) {
  if (job.state !== "running") {
    const tone = job.state === "failed" ? "error" : job.state === "cancelled" ? "info" : "success";
    return (
      <p className={`replay-result replay-result--${tone}`} role="status" data-testid="replay-result" data-state={job.state}>
        {finishedText(job)}
      </p>
    );
  }
  const handled = job.done + job.failed;
  return (
    <div className="job-progress" role="status" data-testid="replay-job" data-state={job.state}>
      <progress
        className="job-progress__bar"
        aria-label="Replay progress"
        max={Math.max(job.total, 1)}
        value={Math.min(handled, Math.max(job.total, 1))}
      />
      <span className="job-progress__text">Replaying… {replayProgressText(job)}</span>
      {pollError !== null && <span className="job-progress__error">Progress unavailable: {pollError}</span>}
      <button
        type="button"
        className="button button--small"
        data-testid="replay-cancel"
        disabled={cancelling}
        onClick={onCancel}
      >
        {cancelling ? "Cancelling…" : "Cancel"}
      </button>
    </div>
  );
}
