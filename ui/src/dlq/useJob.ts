// A background job (bulk retry) followed to its end: its status polled while it runs.
import { useEffect, useEffectEvent, useState } from "react";
import type { JobStatus } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure, engineErrorCode } from "../backend/errors";

export type JobState = { job: JobStatus | null; error: string | null };

export const JOB_POLL_MS = 500;

/** What polling learnt, marked with the job it followed. */
type Polled = JobState & { started: JobStatus | null };

/**
 * Follows `started` (null: no job) until it is no longer running, then hands its final status
 * to `onFinished` (a job that `started` already finished is the caller's to report).
 */
export function useJob(
  started: JobStatus | null,
  onFinished: (job: JobStatus) => void,
  pollMs = JOB_POLL_MS,
): JobState {
  const backend = useBackend();
  const [polled, setPolled] = useState<Polled>({ started, job: started, error: null });
  const finished = useEffectEvent(onFinished);

  useEffect(() => {
    if (started === null || started.state !== "running") return;
    let active = true;
    let timer: ReturnType<typeof setTimeout> | undefined;

    function poll(): void {
      timer = setTimeout(() => {
        backend.getJob(started!.id).then(
          (job) => {
            if (!active) return;
            setPolled({ started, job, error: null });
            if (job.state === "running") poll();
            else finished(job);
          },
          (failure: unknown) => {
            if (!active) return;
            setPolled((previous) => ({
              started,
              job: previous.started === started ? previous.job : started,
              error: describeFailure(failure),
            }));
            // The engine forgot the job (it restarted): asking again cannot help.
            if (engineErrorCode(failure) !== "not_found") poll();
          },
        );
      }, pollMs);
    }

    poll();
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [backend, started, pollMs]);

  // A newly started job shows as started until its first poll answers.
  return polled.started === started ? { job: polled.job, error: polled.error } : { job: started, error: null };
}
