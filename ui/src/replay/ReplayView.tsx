// Replay (issue #12): run a range of the stream through the store again — after DuckDB lost rows,
// or to re-check a time window. Pick a time range (a preset or custom from–to) or a sequence
// range, see what it covers, run it as a job with progress and Cancel, and read what it stored
// and what it found already stored. Replay is idempotent, so it asks for no confirmation.
import { useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import type { JobStatus } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { useJob } from "../dlq/useJob";
import { formatCount } from "../format/humanize";
import { RangePicker } from "./RangePicker";
import { PreviewPanel } from "./PreviewPanel";
import { ReplayRun } from "./ReplayRun";
import { resolveChoice, type RangeChoice } from "./replayRange";
import { useReplayPreview } from "./useReplayPreview";
import "./replay.css";

function initialChoice(): RangeChoice {
  return { mode: "time", preset: "24h", anchor: Date.now(), timeFrom: "", timeTo: "", seqFrom: "", seqTo: "" };
}

export function ReplayView() {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const titleId = useId();
  const [choice, setChoice] = useState<RangeChoice>(initialChoice);
  const resolved = useMemo(() => resolveChoice(choice), [choice]);
  const preview = useReplayPreview(resolved.range);
  const [started, setStarted] = useState<JobStatus | null>(null);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const { job, error: pollError } = useJob(started, () => {
    setCancelling(false);
    // Restored rows change the history, analytics and duplicates: they refetch when next shown.
    void queryClient.invalidateQueries();
  });
  const running = job !== null && job.state === "running";
  const covered = preview.isSuccess && !preview.isPlaceholderData ? preview.data.messages : null;
  const canRun = resolved.range !== null && covered !== null && covered > 0 && !running && !starting;

  async function run() {
    if (resolved.range === null) return;
    setStarting(true);
    setStartError(null);
    try {
      setStarted(await backend.startReplay(resolved.range));
    } catch (failure) {
      setStartError(describeFailure(failure));
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
      setStartError(`Could not cancel: ${describeFailure(failure)}`);
    }
  }

  return (
    <section className="replay" aria-labelledby={titleId}>
      <header className="replay__header">
        <h1 id={titleId}>Replay</h1>
        <p className="replay__intro">
          Runs messages kept in the JetStream stream through the store again — to bring back rows DuckDB lost, or to
          re-check a time window. Replay is safe to repeat: an event already stored is recognised and skipped, so it
          asks for no confirmation.
        </p>
      </header>
      <RangePicker choice={choice} disabled={running} onChange={setChoice} />
      <PreviewPanel problem={resolved.problem} preview={preview} />
      <div className="replay__actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="replay-run"
          disabled={!canRun}
          onClick={() => void run()}
        >
          {starting ? "Starting…" : covered !== null && covered > 0 ? `Replay ${formatCount(covered)} ${covered === 1 ? "message" : "messages"}` : "Replay"}
        </button>
      </div>
      {startError !== null && (
        <p role="alert" className="replay-result replay-result--error" data-testid="replay-start-error">
          {startError}
        </p>
      )}
      {job !== null && (
        <ReplayRun job={job} pollError={pollError} cancelling={cancelling} onCancel={() => void cancel()} />
      )}
    </section>
  );
}
