// A ranked list (top users, titles, platforms) as a list with a bar per row: the list is its own
// table, so it needs no chart (docs/adr/0023).
import { formatMetric, type Metric } from "./chartData";

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
