// One panel of the Pipeline view: a titled card; its figures as a description list.
import type { ReactNode } from "react";

export function Panel({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  const headingId = `${testId}-title`;
  return (
    <section className="pipeline-panel" aria-labelledby={headingId} data-testid={testId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

export type Figure = { label: string; value: string; testId?: string };

export function Figures({ figures }: { figures: Figure[] }) {
  return (
    <dl className="pipeline-figures">
      {figures.map((f) => (
        <div key={f.label}>
          <dt>{f.label}</dt>
          <dd data-testid={f.testId}>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Why a panel has nothing to show on the direct path, and what would change it. */
export function DirectModeNote({ what }: { what: string }) {
  return (
    <p className="pipeline-panel__empty" data-testid="direct-mode-note">
      Direct mode: there is no {what} — events go straight into DuckDB. Choose NATS mode embedded or
      external in Settings to use JetStream (after a restart).
    </p>
  );
}
