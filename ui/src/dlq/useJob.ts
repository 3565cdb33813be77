// A background job (bulk retry) followed to its end: its status polled while it runs.
import { useEffect, useState } from "react";
import type { JobStatus } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure, engineErrorCode } from "../backend/errors";

export type JobState = { job: JobStatus | null; error: string | null };

export const JOB_POLL_MS = 500;

/** Follows `started` (null: no job) until it is no longer running. */
export function useJob(started: JobStatus | null, pollMs = JOB_POLL_MS): JobState {
  const backend = useBackend();
  const [state, setState] = useState<JobState>({ job: started, error: null });

  useEffect(() => {
    setState({ job: started, error: null });
    if (started === null || started.state !== "running") return;
    let active = true;
    let timer: ReturnType<typeof setTimeout> | undefined;

    function poll(): void {
      timer = setTimeout(() => {
        backend.getJob(started!.id).then(
          (job) => {
            if (!active) return;
            setState({ job, error: null });
            if (job.state === "running") poll();
          },
          (failure: unknown) => {
            if (!active) return;
            setState((previous) => ({ ...previous, error: describeFailure(failure) }));
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

  return state;
}
