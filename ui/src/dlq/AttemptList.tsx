// Every time a dead letter failed, oldest first, with the error of each.
import type { Attempt } from "../backend/Backend";
import { formatDateTime } from "../format/time";
import "./dlq.css";

export function AttemptList({ attempts }: { attempts: readonly Attempt[] }) {
  if (attempts.length === 0) return <p className="dlq-detail__muted">No attempts recorded.</p>;
  return (
    <ol className="attempt-list" data-testid="dlq-attempts">
      {attempts.map((attempt, index) => (
        // Attempts have no id; their order never changes, only grows.
        <li key={index} className="attempt-list__item" data-testid="dlq-attempt">
          <time className="attempt-list__time" dateTime={attempt.at}>
            {formatDateTime(attempt.at)}
          </time>
          <span className="attempt-list__error">{attempt.error}</span>
        </li>
      ))}
    </ol>
  );
}
