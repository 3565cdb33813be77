// One engine part (listener, NATS, DuckDB, …): its name, status and the engine's detail text,
// plus whatever else the view knows about it (the NATS card shows the sidecar).
import type { ReactNode } from "react";
import type { NamedPart } from "./parts";
import "./health.css";

export function PartCard({ part, children }: { part: NamedPart; children?: ReactNode }) {
  const { key, name, health } = part;
  return (
    <article className="part-card" data-testid={`part-${key}`} data-status={health.status}>
      <header className="part-card__header">
        <h2 className="part-card__name">{name}</h2>
        <span className="part-card__status">
          <span className="status-dot" aria-hidden="true" />
          <span className="part-card__status-word">{health.status}</span>
        </span>
      </header>
      <p className="part-card__detail">{health.detail || "No details reported."}</p>
      {children}
    </article>
  );
}
