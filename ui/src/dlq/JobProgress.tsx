// A running bulk retry: how far it got, as a bar and in words, and a way to stop it.
import type { JobStatus } from "../backend/Backend";
import { jobProgressText } from "./outcome";
import "./dlq.css";

type JobProgressProps = { job: JobStatus; error: string | null; onCancel?: () => void };

export function JobProgress({ job, error, onCancel }: JobProgressProps) {
  const total = job.total ?? 0;
  const handled = (job.done ?? 0) + (job.failed ?? 0);
  return (
    <div className="job-progress" role="status" data-testid="dlq-job" data-state={job.state}>
      <progress
        className="job-progress__bar"
        aria-label="Bulk retry progress"
        max={Math.max(total, 1)}
        value={Math.min(handled, Math.max(total, 1))}
      />
      <span className="job-progress__text">
        {job.state === "running" ? "Retrying… " : ""}
        {jobProgressText(job)}
      </span>
      {error !== null && <span className="job-progress__error">Progress unavailable: {error}</span>}
      {onCancel !== undefined && job.state === "running" && (
        <button type="button" className="button button--small" data-testid="dlq-job-cancel" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
