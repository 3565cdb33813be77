// The alerts the engine raises over the last 15 minutes: severity in words, what is wrong with
// its figures, what to do, and since when.
import type { PipelineAlert } from "../backend/Backend";
import { formatDateTime } from "../format/time";
import { alertName } from "./alerts";

export function AlertList({ alerts }: { alerts: PipelineAlert[] }) {
  if (alerts.length === 0) {
    return (
      <p className="pipeline-alerts pipeline-alerts--none" data-testid="pipeline-no-alerts">
        No alerts: the writer keeps up, the spool is not growing, the sidecar is steady and no dead letters are piling up.
      </p>
    );
  }
  return (
    <section className="pipeline-alerts" aria-labelledby="pipeline-alerts-title" data-testid="pipeline-alerts">
      <h2 id="pipeline-alerts-title">Alerts</h2>
      <ul>
        {alerts.map((alert) => (
          <li key={`${alert.kind}-${alert.since}`} className={`pipeline-alert pipeline-alert--${alert.severity}`} data-testid={`alert-${alert.kind}`}>
            <p className="pipeline-alert__head">
              <span className={`level-badge level-badge--${alert.severity}`}>{alert.severity === "critical" ? "Critical" : "Warning"}</span>
              <strong>{alertName(alert.kind)}</strong>
              <span className="pipeline-alert__since">since {formatDateTime(alert.since)}</span>
            </p>
            <p>{alert.cause}</p>
            <p className="pipeline-alert__action">What to do: {alert.action}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
