// The Health section: a card per engine part, or a readable reason why there is nothing to show.
import type { HealthState } from "./useHealth";
import { orderedParts } from "./parts";
import { PartCard } from "./PartCard";
import "./health.css";

type HealthViewProps = { state: HealthState; onRetry: () => void };

export function HealthView({ state, onRetry }: HealthViewProps) {
  const { health, error } = state;

  if (health === null) {
    if (error !== null) {
      return (
        <div className="notice notice--error" role="alert" data-testid="health-error">
          <p className="notice__text">{error}</p>
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        </div>
      );
    }
    return (
      <p className="health-loading" role="status">
        Asking the engine for its health…
      </p>
    );
  }

  const parts = orderedParts(health.parts);
  return (
    <>
      {error !== null && (
        // Keep showing the last known health, but say plainly that it may be stale.
        <div className="notice notice--warning" role="alert" data-testid="health-error">
          <p className="notice__text">{error} Showing the last known health.</p>
        </div>
      )}
      <section className="part-grid" aria-label="Engine parts" data-testid="health-loaded">
        {parts.map((part) => (
          <PartCard key={part.key} part={part} />
        ))}
        {parts.length === 0 && <p className="health-empty">The engine reported no parts.</p>}
      </section>
    </>
  );
}
