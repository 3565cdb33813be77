// An analytics bar chart (stacked when there are several series) through the one Chart wrapper
// (uPlot, docs/adr/0023): the grid's categories are the rows, each series a column of the table.
import { Chart } from "../charts/Chart";
import { formatMetric, seriesLabel, type Grid, type Unit } from "./chartData";

type Props = {
  grid: Grid;
  metric: Unit;
  /** Short label of a category on the axis ("Mon", "14", "Nov 27"). */
  tick?: (category: string) => string;
  /** Label every nth category on the axis (days over a year would crowd it). */
  tickEvery?: number;
  label: string;
  testId: string;
};

/** Axis values: hours for time played, plain counts otherwise. */
function axisFormat(metric: Unit): (value: number) => string {
  if (metric === "duration") return (v) => `${Math.round((v / 3600) * 10) / 10} h`;
  return (v) => (Number.isInteger(v) ? v.toLocaleString("en-US") : "");
}

export function BarChart({ grid, metric, tick, tickEvery, label, testId }: Props) {
  const series = grid.series.map((name, s) => ({
    label: seriesLabel(name),
    values: grid.values.map((row) => row[s] ?? 0),
  }));
  return (
    <Chart
      kind="bars"
      rows={grid.categories}
      series={series}
      stacked={series.length > 1}
      format={(v) => formatMetric(v, metric)}
      axisFormat={axisFormat(metric)}
      tick={tick}
      tickEvery={tickEvery}
      label={label}
      testId={testId}
    />
  );
}
