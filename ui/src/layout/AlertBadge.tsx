// The header's alert badge: how many pipeline alerts hold, coloured and named by the most severe,
// linking to the Pipeline view. Nothing when none hold.
import type { PipelineAlert } from "../backend/Backend";
import { mostSevere } from "../pipeline/alerts";

export function AlertBadge({ alerts }: { alerts: PipelineAlert[] }) {
  const severity = mostSevere(alerts);
  if (severity === null) return null;
  const count = `${alerts.length} ${alerts.length === 1 ? "alert" : "alerts"}`;
  return (
    <a
      href="#/pipeline"
      className={`alert-badge alert-badge--${severity}`}
      data-testid="alert-badge"
      data-severity={severity}
      aria-label={`${count}, the most severe ${severity}: open the Pipeline view`}
    >
      <span aria-hidden="true">⚠</span> {count} · {severity}
    </a>
  );
}
