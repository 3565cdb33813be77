// The engine's overall status (ok / degraded / down) as a coloured pill.
import type { OverallStatus } from "../backend/Backend";
import "./health.css";

export function OverallStatusBadge({ status }: { status: OverallStatus }) {
  return (
    <span className="overall-status-group">
      <span className="visually-hidden">Engine status: </span>
      <span className="overall-status" data-testid="overall-status" data-status={status}>
        {status}
      </span>
    </span>
  );
}
