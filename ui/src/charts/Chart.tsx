// The one chart component (docs/adr/0023, amended): makes a uPlot canvas chart in its box and
// destroys it on unmount, resizes it with the box, remakes it when the theme changes, feeds new
// values without remaking it, and always renders the values as a table behind it. Where a
// canvas cannot draw (jsdom in tests, a locked-down webview), the table is all there is, open.
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { chartData, chartOptions, themeColors, type ChartKind, type ChartSeries, type ChartSpec } from "./chartOptions";
import "./chart.css";

export type { ChartKind, ChartSeries };

type Props = {
  kind: ChartKind;
  rows: string[];
  times?: number[];
  series: ChartSeries[];
  stacked?: boolean;
  /** How a value reads in the table ("3 plays", "2.5/s"). */
  format: (value: number) => string;
  /** Short value on the y axis; `format` by default. */
  axisFormat?: (value: number) => string;
  tick?: (row: string) => string;
  tickEvery?: number;
  height?: number;
  /** What the chart shows, for screen readers (the table carries the numbers). */
  label: string;
  testId: string;
};

function canvasDraws(): boolean {
  try {
    return document.createElement("canvas").getContext("2d") !== null;
  } catch {
    return false;
  }
}

/** The page's theme (`data-theme` on <html>), so a chart remakes itself in the new colours. */
function subscribeTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}
const readTheme = () => document.documentElement.dataset.theme ?? "";

const identity = (row: string) => row;

export function Chart({
  kind,
  rows,
  times,
  series,
  stacked = false,
  format,
  axisFormat = format,
  tick = identity,
  tickEvery = 1,
  height = 180,
  label,
  testId,
}: Props) {
  const [canDraw] = useState(canvasDraws);
  // uPlot failed to load or to build this chart (seen in WebKitGTK 2.50 under Xvfb): the table
  // takes its place, open, rather than an empty box.
  const [failed, setFailed] = useState<string | null>(null);
  const draws = canDraw && failed === null;
  const theme = useSyncExternalStore(subscribeTheme, readTheme, readTheme);
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const spec: ChartSpec = { kind, rows, times, series, stacked, height, tick, tickEvery, axisFormat };
  // The latest spec, for the chart made asynchronously (uPlot is loaded on first use).
  const latest = useRef(spec);
  useEffect(() => {
    latest.current = spec;
  });
  // What needs a new chart: the kind, the series, the height, the theme, and going from none
  // to one to several rows (a lone sample has a fixed time axis). Values do not.
  const shape = `${kind}|${stacked}|${height}|${theme}|${series.map((s) => s.label).join("\u0000")}|${Math.min(rows.length, 2)}`;

  useEffect(() => {
    const element = host.current;
    if (!draws || element === null) return;
    let cancelled = false;
    let resize: ResizeObserver | null = null;
    // uPlot is imported on first use: it stays out of the first page load, and out of jsdom.
    void import("uplot").then(({ default: UPlot }) => {
      if (cancelled) return;
      const current = latest.current;
      let made: uPlot;
      try {
        made = new UPlot(
          chartOptions(current, element.clientWidth || 400, themeColors(element), UPlot.paths),
          chartData(current),
          element,
        );
      } catch (failure) {
        element.replaceChildren();
        setFailed(String(failure));
        return;
      }
      chart.current = made;
      if (typeof ResizeObserver === "function") {
        resize = new ResizeObserver((entries) => {
          const width = Math.floor(entries[0]?.contentRect.width ?? 0);
          if (width > 0 && width !== made.width) made.setSize({ width, height: latest.current.height });
        });
        resize.observe(element);
      }
    }, (failure: unknown) => {
      if (!cancelled) setFailed(String(failure));
    });
    return () => {
      cancelled = true;
      resize?.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
  }, [draws, shape]);

  // New values (a refetched history, another metric) go into the chart made for this shape.
  const data = chartData(spec);
  const dataKey = JSON.stringify(data);
  useEffect(() => {
    chart.current?.setData(chartData(latest.current));
  }, [dataKey]);

  return (
    <div className="chart" data-testid={testId}>
      {draws && <div className="chart__canvas" ref={host} role="img" aria-label={label} />}
      {series.length > 1 && (
        <ul className="chart__legend" aria-hidden="true">
          {series.map((s, i) => (
            <li key={s.label}>
              <span className={`chart__swatch chart__swatch--${(i % 5) + 1}`} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <details className="chart__table" open={!draws} data-chart-failed={failed !== null ? "true" : undefined}>
        <summary>Table{draws ? "" : ` — ${label}`}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{" "}</th>
              {series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={`${row}-${r}`}>
                <th scope="row">{row}</th>
                {series.map((s) => {
                  const value = s.values[r] ?? null;
                  return <td key={s.label}>{value === null ? "—" : format(value)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
