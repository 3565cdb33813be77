// The Pipeline section: the flow from sources to DuckDB (and to the live view) with each stage's
// state and where events wait, the alerts, a panel per part (stream, consumers, ingest, latency,
// writer, dead letters and DuckDB, sidecar) and charts of the last 15 minutes. Its figures are
// the Stats pushed to the app; the charts come from the engine's history (useStatsHistory).
import type { PipelineAlert } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import type { HealthState } from "../health/useHealth";
import type { StatsState } from "../health/useStats";
import { formatCount } from "../format/humanize";
import { AlertList } from "./AlertList";
import { buildFlow } from "./flow";
import { FlowDiagram } from "./FlowDiagram";
import { backlogSeries, storedSeries } from "./historySeries";
import { HistoryChart } from "./panels/HistoryChart";
import { Panel } from "./panels/Panel";
import { IngestPanel, LatencyPanel } from "./panels/RatePanels";
import { SidecarPanel, StoragePanel, WriterPanel } from "./panels/StoragePanels";
import { ConsumersPanel, StreamPanel } from "./panels/StreamPanels";
import { perSecond } from "./flow";
import { useStatsHistory } from "./useStatsHistory";
import "../health/health.css";
import "./pipeline.css";

type Props = { health: HealthState; stats: StatsState };

export function PipelineView({ health, stats: statsState }: Props) {
  const backend = useBackend();
  const history = useStatsHistory();
  const { stats, error } = statsState;

  if (!backend.authorized) {
    return (
      <p className="pipeline-empty" data-testid="pipeline-no-token">
        The pipeline's figures need the API token: open the link with the token that the app or the server printed.
      </p>
    );
  }
  if (stats === null) {
    return error === null ? (
      <p className="pipeline-empty" role="status" data-testid="pipeline-loading">
        Asking the engine for the pipeline's figures…
      </p>
    ) : (
      <div className="notice notice--error" role="alert" data-testid="pipeline-error">
        <p className="notice__text">Pipeline figures unavailable: {error} The app asks again every few seconds.</p>
      </div>
    );
  }

  const latest = history.data?.samples.at(-1) ?? null;
  const flow = buildFlow(health.health, stats, latest);
  const alerts: PipelineAlert[] = stats.alerts ?? history.data?.alerts ?? [];
  const troubled = flow.stages.concat(flow.branch.stage).filter((s) => s.state === "down" || s.state === "degraded");

  return (
    <section className="pipeline-view" aria-labelledby="pipeline-view-title" data-testid="pipeline-view">
      <header className="pipeline-view__header">
        <h1 id="pipeline-view-title">Pipeline</h1>
        <p className="pipeline-view__summary" data-testid="pipeline-summary">
          {formatCount(stats.events_stored)} events stored · {perSecond(latest?.stored_per_s)} stored over the last {history.data?.interval_s ?? 5} s
        </p>
      </header>
      {error !== null && (
        <div className="notice notice--warning" role="alert" data-testid="pipeline-stale">
          <p className="notice__text">Figures may be out of date: {error}</p>
        </div>
      )}
      {troubled.length > 0 && (
        <div className="notice notice--warning" data-testid="pipeline-degraded">
          <p className="notice__text">
            Degraded: {troubled.map((s) => `${s.name} ${s.state} (${s.reason})`).join("; ")}.
          </p>
        </div>
      )}
      <FlowDiagram flow={flow} />
      <AlertList alerts={alerts} />
      <div className="pipeline-grid">
        <IngestPanel stats={stats} history={history} />
        <Panel title="Stored per second, last 15 minutes" testId="panel-stored">
          <HistoryChart history={history} series={storedSeries} format={perSecond} label="Events stored per second over the last 15 minutes" testId="chart-stored" />
        </Panel>
        <Panel title="Backlog, last 15 minutes" testId="panel-backlog">
          <HistoryChart
            history={history}
            series={(h) => backlogSeries(h, flow.direct)}
            format={formatCount}
            axisFormat={(v) => (Number.isInteger(v) ? formatCount(v) : "")}
            label="Events waiting in the spool and for the writer over the last 15 minutes"
            testId="chart-backlog"
          />
        </Panel>
        <StreamPanel stats={stats} direct={flow.direct} />
        <ConsumersPanel stats={stats} direct={flow.direct} alerts={alerts} />
        <WriterPanel stats={stats} />
        <LatencyPanel stats={stats} />
        <StoragePanel stats={stats} />
        <SidecarPanel stats={stats} health={health.health} />
      </div>
    </section>
  );
}
