// What to tell the user after an action on dead letters, in plain words.
import type { JobStatus, Retried } from "../backend/Backend";
import { describeFailure, engineErrorCode } from "../backend/errors";
import { formatCount } from "../format/humanize";

export type Notice = {
  tone: "success" | "error" | "info";
  text: string;
  /** The engine's code behind a failure, shown small for those who need it. */
  code?: string | null;
  /** Machine-readable outcome for tests: stored, duplicate, ignored, deleted, failed, job-done… */
  outcome: string;
};

export function retriedNotice(retried: Retried): Notice {
  switch (retried.result) {
    case "stored":
      return {
        tone: "success",
        outcome: "stored",
        text: `Retried: stored as event ${retried.event_id ?? "(no id)"}. The dead letter is gone.`,
      };
    case "duplicate":
      return {
        tone: "success",
        outcome: "duplicate",
        text: "Retried: it duplicates an event already stored (see the dedup audit). The dead letter is gone.",
      };
    case "ignored":
      return {
        tone: "info",
        outcome: "ignored",
        text: "Retried: it is a valid notification, but not about playback, so there is nothing to store. The dead letter is gone.",
      };
    default:
      return { tone: "success", outcome: String(retried.result), text: `Retried: ${String(retried.result)}.` };
  }
}

export function failureNotice(action: string, failure: unknown): Notice {
  return { tone: "error", outcome: "failed", text: `${action} failed: ${describeFailure(failure)}`, code: engineErrorCode(failure) };
}

/** "3 of 10 retried, 1 still failing". */
export function jobProgressText(job: JobStatus): string {
  const total = job.total ?? 0;
  const done = job.done ?? 0;
  const failed = job.failed ?? 0;
  const parts = [`${formatCount(done)} of ${formatCount(total)} retried`];
  if (failed > 0) parts.push(`${formatCount(failed)} still failing`);
  return parts.join(", ");
}

export function jobNotice(job: JobStatus): Notice {
  const progress = jobProgressText(job);
  switch (job.state) {
    case "done":
      if ((job.total ?? 0) === 0) return { tone: "info", outcome: "job-done", text: "Nothing matched the filter: nothing to retry." };
      return { tone: (job.failed ?? 0) > 0 ? "error" : "success", outcome: "job-done", text: `Bulk retry finished: ${progress}.` };
    case "cancelled":
      return { tone: "info", outcome: "job-cancelled", text: `Bulk retry cancelled: ${progress}.` };
    case "failed":
      return { tone: "error", outcome: "job-failed", text: `Bulk retry failed${job.error ? `: ${job.error}` : ""} (${progress}).` };
    default:
      return { tone: "info", outcome: "job-running", text: `Retrying… ${progress}.` };
  }
}
