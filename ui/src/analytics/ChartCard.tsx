// One analytics chart's frame: its title, and while its query runs, fails or comes back empty,
// a line saying so (with Retry, or why it is empty and what to change) instead of the chart.
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { describeFailure } from "../backend/errors";

type Props<T> = {
  title: string;
  testId: string;
  query: UseQueryResult<T>;
  isEmpty: (data: T) => boolean;
  children: (data: T) => ReactNode;
};

export function ChartCard<T>({ title, testId, query, isEmpty, children }: Props<T>) {
  const headingId = `${testId}-title`;
  return (
    <section className="chart-card" aria-labelledby={headingId} data-testid={testId}>
      <h2 id={headingId}>{title}</h2>
      {query.isPending && <p role="status">Loading…</p>}
      {query.isError && (
        <div role="alert" className="chart-card__error">
          <p>Could not load: {describeFailure(query.error)}</p>
          <button type="button" onClick={() => void query.refetch()}>
            Retry
          </button>
        </div>
      )}
      {query.isSuccess && isEmpty(query.data) && (
        <p className="chart-card__empty" data-testid={`${testId}-empty`}>
          No plays in this range. Choose a longer range or another source.
        </p>
      )}
      {query.isSuccess && !isEmpty(query.data) && children(query.data)}
    </section>
  );
}
