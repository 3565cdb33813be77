// The pipeline alerts (docs/adr/0025) as people read them: a name per kind, and the most severe.
import type { AlertKind, PipelineAlert, Severity } from "../backend/Backend";

const KIND_NAMES: Record<AlertKind, string> = {
  stuck_consumer: "Writer stuck",
  growing_spool: "Spool growing",
  sidecar_restarting: "Sidecar restarting",
  dlq_growth: "Dead letters piling up",
};

export function alertName(kind: AlertKind | string): string {
  return KIND_NAMES[kind as AlertKind] ?? kind;
}

export function mostSevere(alerts: PipelineAlert[]): Severity | null {
  if (alerts.length === 0) return null;
  return alerts.some((a) => a.severity === "critical") ? "critical" : "warning";
}
