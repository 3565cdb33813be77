// A background job (bulk retry, history import) followed to its end from the query cache: its
// status polled (refetchInterval) while it runs, and handed over once it no longer does.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useEffectEvent, useRef, useState } from "react";
import type { JobStatus } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure, engineErrorCode } from "../backend/errors";
import { queryKeys } from "../data/queryKeys";

export type JobState = { job: JobStatus | null; error: string | null };

export const JOB_POLL_MS = 500;

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
  const finished = useEffectEvent(onFinished);
  // Each newly started status is a run of its own, even for a job id seen before.
  const [run, setRun] = useState({ started, count: 0 });
  if (run.started !== started) setRun({ started, count: run.count + 1 });
  const following = started !== null && started.state === "running" ? started : null;
  const { data, error } = useQuery({
    queryKey: queryKeys.job(following?.id ?? "", run.count),
    queryFn: () => backend.getJob(following!.id),
    enabled: following !== null,
    // The started status is the first answer: the first poll comes after `pollMs`.
    initialData: following ?? undefined,
    staleTime: Infinity,
    gcTime: 0,
    refetchInterval: (query) => {
      if (query.state.data !== undefined && query.state.data.state !== "running") return false;
      // The engine forgot the job (it restarted): asking again cannot help.
      if (engineErrorCode(query.state.error) === "not_found") return false;
      return pollMs;
    },
    refetchIntervalInBackground: true,
  });

  const reported = useRef<JobStatus | null>(null);
  useEffect(() => {
    if (following === null || data === undefined || data.state === "running") return;
    if (reported.current === following) return;
    reported.current = following;
    finished(data);
  }, [following, data]);

  if (following === null) return { job: started, error: null };
  // A newly started job shows as started until its first poll answers.
  return { job: data ?? following, error: error !== null ? describeFailure(error) : null };
}
