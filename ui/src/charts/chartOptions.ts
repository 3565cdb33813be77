// What the Chart wrapper hands uPlot: the series stacked when asked (each drawn as the running
// sum, top of the stack first so the lower ones paint over it), and the options — bars through
// uPlot's bars path builder over category indices, or lines over a time axis — in the theme's
// colours, read from the CSS variables at the moment the chart is made.
import type uPlot from "uplot";

export type ChartKind = "bars" | "lines";

export type ChartSeries = {
  label: string;
  /** One value per row; null is a gap (no sample), not a zero. */
  values: (number | null)[];
};

export type ChartSpec = {
  kind: ChartKind;
  /** One label per point: the table's row headers (a day, an hour, a sample's time). */
  rows: string[];
  /** Epoch seconds of each row for "lines"; bars are placed by row index. */
  times?: number[];
  series: ChartSeries[];
  stacked?: boolean;
  height: number;
  /** Axis label of a row (bars): "Mon", "Nov 27". */
  tick: (row: string) => string;
  /** Label every nth row on the axis (bars). */
  tickEvery: number;
  /** Short value on the y axis. */
  axisFormat: (value: number) => string;
};

export type ThemeColors = { series: string[]; axis: string; grid: string };

const SERIES_VARS = ["--chart-1", "--chart-2", "--chart-3", "--chart-4", "--chart-5"];
const FALLBACK = ["#ff8a3d", "#60a5fa", "#34d399", "#c084fc", "#94a3b8"];

/** The theme's chart colours as computed for `element` (canvas cannot read CSS variables). */
export function themeColors(element: Element): ThemeColors {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    series: SERIES_VARS.map((name, i) => read(name, FALLBACK[i]!)),
    axis: read("--color-text-muted", "#8d9ab3"),
    grid: read("--color-border", "#24304b"),
  };
}

/** The series as drawn: running sums when stacked, in the order uPlot draws them. */
export function plottedSeries(spec: Pick<ChartSpec, "series" | "stacked">): { source: number; values: (number | null)[] }[] {
  if (!spec.stacked) return spec.series.map((s, i) => ({ source: i, values: s.values }));
  const sums: number[] = [];
  const stacked = spec.series.map((s, i) => {
    const values = s.values.map((v, row) => {
      sums[row] = (sums[row] ?? 0) + (v ?? 0);
      return sums[row]!;
    });
    return { source: i, values };
  });
  return stacked.reverse();
}

export function chartData(spec: ChartSpec): uPlot.AlignedData {
  const x = spec.kind === "lines" && spec.times ? spec.times : spec.rows.map((_, i) => i);
  return [x, ...plottedSeries(spec).map((s) => s.values)] as uPlot.AlignedData;
}

/** The samples' span; equal ends get a minute either side. */
export function timeRange(_u: uPlot, min: number, max: number): uPlot.Range.MinMax {
  return max > min ? [min, max] : [min - 60, max + 60];
}

/** The time axis: with one sample uPlot leaves the scale unset (an axis of years), so a lone
 * sample gets a fixed minute either side; the chart is remade once a second one arrives. */
export function timeScale(times: number[] | undefined): uPlot.Scale {
  const only = times?.length === 1 ? times[0] : undefined;
  if (only !== undefined) return { time: true, auto: false, range: [only - 60, only + 60] };
  return { time: true, range: timeRange };
}

export function chartOptions(spec: ChartSpec, width: number, colors: ThemeColors, paths: typeof uPlot.paths): uPlot.Options {
  const bars = spec.kind === "bars";
  const rowCount = spec.rows.length;
  const color = (i: number) => colors.series[i % colors.series.length]!;
  return {
    width,
    height: spec.height,
    legend: { show: false },
    cursor: { points: { show: !bars } },
    scales: {
      x: bars ? { time: false, range: () => [-0.5, Math.max(rowCount - 0.5, 0.5)] } : timeScale(spec.times),
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      {
        stroke: colors.axis,
        grid: { show: !bars, stroke: colors.grid, width: 1 },
        ticks: { stroke: colors.grid, width: 1 },
        ...(bars
          ? {
              splits: () => spec.rows.map((_, i) => i).filter((i) => i % spec.tickEvery === 0),
              values: (_u: uPlot, splits: number[]) => splits.map((i) => (spec.rows[i] === undefined ? "" : spec.tick(spec.rows[i]!))),
            }
          : {}),
      },
      {
        stroke: colors.axis,
        size: 56,
        grid: { stroke: colors.grid, width: 1 },
        ticks: { stroke: colors.grid, width: 1 },
        values: (_u: uPlot, splits: number[]) => splits.map((v) => spec.axisFormat(v)),
      },
    ],
    series: [
      {},
      ...plottedSeries(spec).map(({ source }) => {
        const stroke = color(source);
        return bars
          ? { label: spec.series[source]!.label, stroke, fill: stroke, width: 0, paths: paths.bars!({ size: [0.8, 48], align: 0 }), points: { show: false } }
          : // uPlot shows a line's points only where they are far enough apart (a short history).
            { label: spec.series[source]!.label, stroke, width: 2, spanGaps: false };
      }),
    ],
  };
}
