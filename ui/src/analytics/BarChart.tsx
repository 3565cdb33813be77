// A bar chart in plain SVG (stacked when there are several series), with the values as a table
// behind it for screen readers and anyone who wants the numbers. No chart library: these are
// bars over at most a few hundred categories, which SVG draws in a millisecond (docs/adr/0023).
import { formatMetric, seriesLabel, type Grid, type Metric, type Unit } from "./chartData";

const HEIGHT = 160;
const COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"];

type Props = {
  grid: Grid;
  metric: Unit;
  /** Short label of a category on the axis ("Mon", "14", "Nov 27"). */
  tick?: (category: string) => string;
  /** Label every nth category on the axis (days over a year would crowd it). */
  tickEvery?: number;
  testId: string;
};

export function BarChart({ grid, metric, tick = (c) => c, tickEvery = 1, testId }: Props) {
  const totals = grid.values.map((row) => row.reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const width = Math.max(grid.categories.length * 12, 240);
  const bar = width / Math.max(grid.categories.length, 1);
  const legend = grid.series.length > 1;
  return (
    <div className="bar-chart" data-testid={testId}>
      <svg viewBox={`0 0 ${width} ${HEIGHT + 18}`} preserveAspectRatio="none" role="img" aria-hidden="true">
        {grid.categories.map((category, c) => {
          let y = HEIGHT;
          return (
            <g key={category}>
              {grid.series.map((name, s) => {
                const value = grid.values[c]![s]!;
                const h = (value / max) * HEIGHT;
                y -= h;
                return (
                  <rect
                    key={name}
                    x={c * bar + bar * 0.1}
                    y={y}
                    width={bar * 0.8}
                    height={h}
                    fill={COLORS[s % COLORS.length]}
                  >
                    <title>{`${tick(category)} · ${seriesLabel(name)}: ${formatMetric(value, metric)}`}</title>
                  </rect>
                );
              })}
              {c % tickEvery === 0 && (
                <text x={c * bar + bar / 2} y={HEIGHT + 14} textAnchor="middle" className="bar-chart__tick">
                  {tick(category)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      {legend && (
        <ul className="bar-chart__legend" aria-hidden="true">
          {grid.series.map((name, s) => (
            <li key={name}>
              <span className="bar-chart__swatch" style={{ background: COLORS[s % COLORS.length] }} />
              {seriesLabel(name)}
            </li>
          ))}
        </ul>
      )}
      <details className="bar-chart__table">
        <summary>Table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{" "}</th>
              {grid.series.map((name) => (
                <th scope="col" key={name}>
                  {seriesLabel(name)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.categories.map((category, c) => (
              <tr key={category}>
                <th scope="row">{category}</th>
                {grid.series.map((name, s) => (
                  <td key={name}>{formatMetric(grid.values[c]![s]!, metric)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

/** A ranked list as horizontal bars (top users, titles, platforms): the list is its own table. */
export function TopList({ rows, metric, testId }: { rows: { key: string; value: number }[]; metric: Metric; testId: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <ol className="top-list" data-testid={testId}>
      {rows.map((row) => (
        <li key={row.key}>
          <span className="top-list__key" title={row.key}>
            {row.key}
          </span>
          <span className="top-list__bar" aria-hidden="true">
            <span style={{ width: `${(row.value / max) * 100}%` }} />
          </span>
          <span className="top-list__value">{formatMetric(row.value, metric)}</span>
        </li>
      ))}
    </ol>
  );
}
