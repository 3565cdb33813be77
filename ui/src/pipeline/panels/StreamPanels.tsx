// The JetStream stream (messages, bytes, sequences) and each consumer: what waits for it, what
// was redelivered, the unprocessed share of the stream, with a warning or critical badge.
import type { ConsumerStats, PipelineAlert, Stats } from "../../backend/Backend";
import { formatBytes, formatCount } from "../../format/humanize";
import { DirectModeNote, Figures, Panel } from "./Panel";

export function StreamPanel({ stats, direct }: { stats: Stats; direct: boolean }) {
  const stream = stats.stream;
  return (
    <Panel title="Stream" testId="panel-stream">
      {stream === null ? (
        direct ? (
          <DirectModeNote what="stream" />
        ) : (
          <p className="pipeline-panel__empty">The stream is not reachable yet: JetStream has not answered (see the flow above).</p>
        )
      ) : (
        <Figures
          figures={[
            { label: "Messages", value: formatCount(stream.messages), testId: "stream-messages" },
            { label: "Bytes", value: bytesInUse(stream.bytes, stream.max_bytes ?? null), testId: "stream-bytes" },
            { label: "First sequence", value: formatCount(stream.first_seq) },
            { label: "Last sequence", value: formatCount(stream.last_seq) },
            { label: "Kept for", value: keptFor(stream.max_age_s ?? null), testId: "stream-max-age" },
            { label: "Duplicate window", value: seconds(stream.duplicate_window_s ?? 0), testId: "stream-duplicate-window" },
          ]}
        />
      )}
    </Panel>
  );
}

/** "9.4 MB of 10 GB (0.1 %)", or the size alone without a limit. */
function bytesInUse(bytes: number, max: number | null): string {
  if (max === null || max <= 0) return `${formatBytes(bytes)} (no limit)`;
  const share = (bytes / max) * 100;
  const percent = share > 0 && share < 0.1 ? "< 0.1" : share.toFixed(1);
  return `${formatBytes(bytes)} of ${formatBytes(max)} (${percent} %)`;
}

function keptFor(maxAgeSeconds: number | null): string {
  if (maxAgeSeconds === null) return "until removed (no age limit)";
  const days = maxAgeSeconds / 86_400;
  return Number.isInteger(days) ? `${days} ${days === 1 ? "day" : "days"}` : seconds(maxAgeSeconds);
}

function seconds(value: number): string {
  if (value % 3600 === 0 && value > 0) return `${value / 3600} h`;
  if (value % 60 === 0 && value > 0) return `${value / 60} min`;
  return `${value} s`;
}

export type Level = "ok" | "warning" | "critical";

/** Half the writer's 20,000 unacked messages is critical; a thousand waiting, or redeliveries, a warning. */
export function consumerLevel(consumer: ConsumerStats, alerts: PipelineAlert[]): Level {
  const unprocessed = consumer.pending + consumer.ack_pending;
  const stuck = consumer.name === "persist" && alerts.some((a) => a.kind === "stuck_consumer");
  if (stuck || unprocessed >= 10_000) return "critical";
  if (unprocessed >= 1_000 || consumer.redelivered > 0) return "warning";
  return "ok";
}

const LEVEL_WORDS: Record<Level, string> = { ok: "OK", warning: "Warning", critical: "Critical" };

export function LevelBadge({ level, testId }: { level: Level; testId?: string }) {
  return (
    <span className={`level-badge level-badge--${level}`} data-testid={testId}>
      {LEVEL_WORDS[level]}
    </span>
  );
}

function consumerName(name: string): string {
  return name === "persist" ? "Writer (persist)" : `Live view (${name})`;
}

export function ConsumersPanel({ stats, direct, alerts }: { stats: Stats; direct: boolean; alerts: PipelineAlert[] }) {
  const messages = stats.stream?.messages ?? 0;
  return (
    <Panel title="Consumers" testId="panel-consumers">
      {stats.consumers.length === 0 ? (
        direct ? (
          <DirectModeNote what="consumer" />
        ) : (
          <p className="pipeline-panel__empty">No consumer yet: they are made once JetStream answers.</p>
        )
      ) : (
        <table className="pipeline-table">
          <thead>
            <tr>
              <th scope="col">Consumer</th>
              <th scope="col">Ack pending</th>
              <th scope="col">Redelivered</th>
              <th scope="col">Unprocessed</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {stats.consumers.map((consumer) => {
              const unprocessed = consumer.pending + consumer.ack_pending;
              const share = messages > 0 ? `${((unprocessed / messages) * 100).toLocaleString("en-US", { maximumFractionDigits: 1 })} %` : "—";
              return (
                <tr key={consumer.name} data-testid={`consumer-${consumer.name}`}>
                  <th scope="row">{consumerName(consumer.name)}</th>
                  <td>{formatCount(consumer.ack_pending)}</td>
                  <td>{formatCount(consumer.redelivered)}</td>
                  <td>
                    {formatCount(unprocessed)} ({share})
                  </td>
                  <td>
                    <LevelBadge level={consumerLevel(consumer, alerts)} testId={`consumer-${consumer.name}-level`} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
