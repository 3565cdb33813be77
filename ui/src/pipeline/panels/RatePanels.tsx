// Webhooks accepted per source (the last second, the last minute, and the last 15 minutes as a
// chart), and the latencies the engine measures (p50 and p99 as bars, the mean beside them).
import type { UseQueryResult } from "@tanstack/react-query";
import type { LatencySummary, Stats, StatsHistoryView } from "../../backend/Backend";
import { formatCount } from "../../format/humanize";
import { perSecond } from "../flow";
import { ingestSeries, sourceName } from "../historySeries";
import { HistoryChart } from "./HistoryChart";
import { Panel } from "./Panel";

export function IngestPanel({ stats, history }: { stats: Stats; history: UseQueryResult<StatsHistoryView> }) {
  const sources = Object.entries(stats.ingest_rate).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Panel title="Ingest per source" testId="panel-ingest">
      {sources.length === 0 ? (
        <p className="pipeline-panel__empty">No webhook has arrived since the engine started.</p>
      ) : (
        <table className="pipeline-table">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Last second</th>
              <th scope="col">Last minute</th>
            </tr>
          </thead>
          <tbody>
            {sources.map(([source, rate]) => (
              <tr key={source} data-testid={`ingest-${source}`}>
                <th scope="row">{sourceName(source)}</th>
                <td>{perSecond(rate?.last_second)}</td>
                <td>{perSecond(rate?.last_minute)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <HistoryChart history={history} series={ingestSeries} format={perSecond} label="Webhooks accepted per second, per source, over the last 15 minutes" testId="chart-ingest" />
    </Panel>
  );
}

const LATENCIES: { key: keyof Stats["latency"]; label: string }[] = [
  { key: "webhook_ack", label: "Webhook acknowledged" },
  { key: "webhook_to_live", label: "Webhook → live view" },
  { key: "webhook_to_stored", label: "Webhook → stored" },
  { key: "writer_commit", label: "Writer: one batch committed" },
];

function ms(value: number | null): string {
  return value === null ? "—" : `${value.toLocaleString("en-US", { maximumFractionDigits: 1 })} ms`;
}

function Bar({ value, max, label }: { value: number | null; max: number; label: string }) {
  return (
    <div className="latency-bar">
      <span className="latency-bar__label">{label}</span>
      <meter className="latency-bar__meter" min={0} max={max > 0 ? max : 1} value={value ?? 0} aria-label={`${label} ${ms(value)}`} />
      <span className="latency-bar__value">{ms(value)}</span>
    </div>
  );
}

export function LatencyPanel({ stats }: { stats: Stats }) {
  const summaries: [string, string, LatencySummary][] = LATENCIES.map(({ key, label }) => [
    key,
    label,
    stats.latency[key] ?? { count: 0, p50_ms: null, p95_ms: null, p99_ms: null, mean_ms: null },
  ]);
  const max = Math.max(0, ...summaries.map(([, , s]) => s.p99_ms ?? 0));
  return (
    <Panel title="Latency" testId="panel-latency">
      {summaries.map(([key, label, summary]) => (
        <div key={key} className="latency" data-testid={`latency-${key}`}>
          <h3>
            {label}{" "}
            <span className="latency__count">
              {summary.count === 0 ? "no event measured yet" : `${formatCount(summary.count)} measured · mean ${ms(summary.mean_ms)}`}
            </span>
          </h3>
          {summary.count > 0 && (
            <>
              <Bar value={summary.p50_ms} max={max} label="p50" />
              <Bar value={summary.p95_ms ?? null} max={max} label="p95" />
              <Bar value={summary.p99_ms} max={max} label="p99" />
            </>
          )}
        </div>
      ))}
      <p className="pipeline-panel__note">Since the engine started; each figure is the upper bound of its histogram bucket.</p>
    </Panel>
  );
}
