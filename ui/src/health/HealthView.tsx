// The Health section: a card per engine part and the pipeline's figures below them, or a
// readable reason why there is nothing to show.
import type { HealthState } from "./useHealth";
import type { StatsState } from "./useStats";
import { orderedParts } from "./parts";
import { PartCard } from "./PartCard";
import { PipelineStrip } from "./PipelineStrip";
import { SidecarLine } from "./SidecarLine";
import "./health.css";

type HealthViewProps = { state: HealthState; stats: StatsState; onRetry: () => void };

export function HealthView({ state, stats, onRetry }: HealthViewProps) {
  const { health, error } = state;
  const sidecar = stats.stats?.sidecar ?? null;

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
          <PartCard key={part.key} part={part}>
            {part.key === "nats" && sidecar !== null && <SidecarLine sidecar={sidecar} />}
          </PartCard>
        ))}
        {parts.length === 0 && <p className="health-empty">The engine reported no parts.</p>}
      </section>
      <PipelineStrip state={stats} />
    </>
  );
}
