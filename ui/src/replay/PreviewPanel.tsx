// What the picked range covers, as the engine counts it: loading, the range's problem, an
// error (the direct path has no stream), an empty stream (why, and what to do), or the count
// with the range's first and last message and the stream's own ends.
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReplayPreview } from "../backend/Backend";
import { describeFailure, engineErrorCode } from "../backend/errors";
import { previewText, streamText } from "./replayRange";

type PreviewPanelProps = {
  problem: string | null;
  preview: UseQueryResult<ReplayPreview>;
};

export function PreviewPanel({ problem, preview }: PreviewPanelProps) {
  if (problem !== null) {
    return (
      <p role="alert" className="replay-preview replay-preview--error" data-testid="replay-problem">
        {problem}
      </p>
    );
  }
  if (preview.isError) {
    const code = engineErrorCode(preview.error);
    const message = describeFailure(preview.error);
    return (
      <div role="alert" className="replay-preview replay-preview--error" data-testid="replay-preview-error" data-code={code ?? ""}>
        {code === "invalid_range" ? (
          <p>This range cannot be replayed: {message}</p>
        ) : code === "unavailable" ? (
          <p>
            Nothing can be replayed: {message}. Events go straight to DuckDB when NATS is Off; set NATS to embedded or
            external in Settings (applies after a restart) to keep a stream to replay from.
          </p>
        ) : (
          <p>What the range covers could not be counted: {message}</p>
        )}
        <button type="button" className="button button--small" onClick={() => void preview.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (preview.isPending) {
    return (
      <p role="status" className="replay-preview" data-testid="replay-preview-loading">
        Counting the messages in this range…
      </p>
    );
  }
  const data = preview.data;
  if (data.stream_messages === 0) {
    return (
      <div className="replay-preview" data-testid="replay-empty">
        <p>
          The stream holds no messages yet, so there is nothing to replay. Events enter it as webhooks arrive: connect a
          source (Connect a source, at the top) or play something, then come back.
        </p>
      </div>
    );
  }
  return (
    <div
      className="replay-preview"
      role="status"
      data-testid="replay-preview"
      data-messages={data.messages}
      aria-busy={preview.isFetching}
    >
      <p className="replay-preview__count">{previewText(data)}</p>
      <p className="replay-preview__stream">
        {streamText(data)}
        {data.messages === 0 && " Pick a range inside it."}
      </p>
    </div>
  );
}
