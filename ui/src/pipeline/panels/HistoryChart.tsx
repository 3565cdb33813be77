// A chart of the pipeline's last 15 minutes, or why there is none: the history loading, failing
// (with Retry), or holding no sample yet.
import type { UseQueryResult } from "@tanstack/react-query";
import type { StatsHistoryView } from "../../backend/Backend";
import { describeFailure } from "../../backend/errors";
import { Chart, type ChartSeries } from "../../charts/Chart";
import { historyRows } from "../historySeries";

type Props = {
  history: UseQueryResult<StatsHistoryView>;
  series: (history: StatsHistoryView) => ChartSeries[];
  format: (value: number) => string;
  axisFormat?: (value: number) => string;
  label: string;
  testId: string;
};

export function HistoryChart({ history, series, format, axisFormat, label, testId }: Props) {
  if (history.isPending) {
    return (
      <p role="status" className="pipeline-panel__empty">
        {history.fetchStatus === "idle" ? "The history needs the API token." : "Loading the last 15 minutes…"}
      </p>
    );
  }
  if (history.isError) {
    return (
      <div role="alert" className="pipeline-panel__error" data-testid={`${testId}-error`}>
        <p>Could not load the last 15 minutes: {describeFailure(history.error)}</p>
        <button type="button" className="button" onClick={() => void history.refetch()}>
          Retry
        </button>
      </div>
    );
  }
  const data = history.data;
  if (data.samples.length === 0) {
    return (
      <p className="pipeline-panel__empty" data-testid={`${testId}-empty`}>
        No sample yet: the engine takes one every {data.interval_s} s, so the chart fills in shortly.
      </p>
    );
  }
  const { rows, times } = historyRows(data);
  return <Chart kind="lines" rows={rows} times={times} series={series(data)} format={format} axisFormat={axisFormat} label={label} height={140} testId={testId} />;
}
