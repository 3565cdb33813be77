// "Import history" for a connected Tautulli: an optional since-day, the import as a job with
// its progress (rows done of total, rate, time left) and a cancel, then the result. Imports
// are resumable: starting again after a cancel or a failure goes on from where it stopped.
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import type { JobStatus } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { invalidateStoredEvents } from "../data/queryKeys";
import { useJob } from "../dlq/useJob";
import { formatCount, formatUptime } from "../format/humanize";
import { setupFailure, type SetupMessage } from "./setupErrors";
import { StepNotice } from "./StepNotice";
import "../dlq/dlq.css";
import "./setup.css";

/** The figures under the bar: "1,000 of 3,000 rows · 950 rows/s · about 2s left". */
export function importProgressText(job: JobStatus): string {
  const parts = [job.total > 0 ? `${formatCount(job.done)} of ${formatCount(job.total)} rows` : "Counting rows…"];
  if (job.rate !== null && job.rate > 0) parts.push(`${formatCount(job.rate)} rows/s`);
  if (job.state === "running" && job.eta_seconds !== null) {
    parts.push(`about ${formatUptime(Math.max(1, Math.round(job.eta_seconds)))} left`);
  }
  return parts.join(" · ");
}

/** What became of a finished import, in plain words. */
export function importResult(job: JobStatus, since: string): SetupMessage {
  const unreadable =
    job.failed > 0
      ? ` ${formatCount(job.failed)} row${job.failed === 1 ? "" : "s"} could not be read; they are in Dead letters (source tautulli).`
      : "";
  switch (job.state) {
    case "done":
      if (job.total === 0) {
        return {
          tone: "info",
          outcome: "empty",
          text: `Tautulli has no finished plays${since ? ` since ${since}` : ""} to import. Pick an earlier day, or leave the day empty for all of its history.`,
        };
      }
      return {
        tone: "success",
        outcome: "done",
        text: `Imported ${formatCount(job.done)} rows of Tautulli history. Plays already here were kept once.${unreadable}`,
      };
    case "cancelled":
      return {
        tone: "info",
        outcome: "cancelled",
        text: `Cancelled after ${formatCount(job.done)} of ${formatCount(job.total)} rows. Import again to go on from there.`,
      };
    default:
      return {
        tone: "error",
        outcome: "failed",
        text: `The import stopped after ${formatCount(job.done)} rows. Import again to go on from there.`,
        detail: job.error,
      };
  }
}

export function ImportHistory() {
  const backend = useBackend();
  const client = useQueryClient();
  const sinceId = useId();
  const sinceHelpId = useId();
  const [since, setSince] = useState("");
  const [starting, setStarting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [started, setStarted] = useState<JobStatus | null>(null);
  const [message, setMessage] = useState<SetupMessage | null>(null);
  const { job, error: pollError } = useJob(started, (finished) => {
    setCancelling(false);
    setMessage(importResult(finished, since));
    // The imported sessions are in the history now: its views ask again when next shown.
    void invalidateStoredEvents(client);
  });
  const running = job !== null && job.state === "running";

  async function start(event: FormEvent) {
    event.preventDefault();
    setStarting(true);
    setMessage(null);
    try {
      const begun = await backend.importTautulli({ since: since === "" ? null : since });
      const status = await backend.getJob(begun.job_id);
      setStarted(status);
      if (status.state !== "running") setMessage(importResult(status, since));
    } catch (failure) {
      setMessage(setupFailure(failure));
    } finally {
      setStarting(false);
    }
  }

  async function cancel() {
    if (job === null) return;
    setCancelling(true);
    try {
      await backend.cancelJob(job.id);
    } catch (failure) {
      setCancelling(false);
      setMessage({ tone: "error", outcome: "cancel-failed", text: `Could not cancel: ${describeFailure(failure)}` });
    }
  }

  return (
    <section className="setup-import" aria-labelledby={`${sinceId}-title`} data-testid="tautulli-import">
      <h3 className="setup-import__title" id={`${sinceId}-title`}>
        Import history
      </h3>
      <p>
        Read the plays Tautulli already recorded into this app. Plays that are already here are kept once, so importing
        again is safe.
      </p>
      <form className="setup-form setup-import__form" aria-label="Import Tautulli history" onSubmit={(e) => void start(e)}>
        <div className="setup-field">
          <label className="setup-field__label" htmlFor={sinceId}>
            Only plays since (optional)
          </label>
          <input
            id={sinceId}
            className="setup-field__control"
            data-testid="tautulli-import-since"
            type="date"
            value={since}
            aria-describedby={sinceHelpId}
            disabled={starting || running}
            onChange={(event) => setSince(event.target.value)}
          />
          <p className="setup-field__help" id={sinceHelpId}>
            Leave empty to import all of Tautulli's history.
          </p>
        </div>
        <div className="setup-actions">
          <button
            type="submit"
            className="button button--primary"
            data-testid="tautulli-import-start"
            disabled={starting || running}
          >
            {starting ? "Starting…" : running ? "Importing…" : "Import history"}
          </button>
          {running && (
            <button
              type="button"
              className="button"
              data-testid="tautulli-import-cancel"
              disabled={cancelling}
              onClick={() => void cancel()}
            >
              {cancelling ? "Cancelling…" : "Cancel import"}
            </button>
          )}
        </div>
      </form>
      {job !== null && running && (
        <div className="job-progress" role="status" data-testid="tautulli-import-progress" data-state={job.state}>
          <progress
            className="job-progress__bar"
            aria-label="History import progress"
            max={Math.max(job.total, 1)}
            value={Math.min(job.done, Math.max(job.total, 1))}
          />
          <span className="job-progress__text">{importProgressText(job)}</span>
          {pollError !== null && <span className="job-progress__error">Progress unavailable: {pollError}</span>}
        </div>
      )}
      {message !== null && <StepNotice message={message} testId="tautulli-import-result" />}
    </section>
  );
}
