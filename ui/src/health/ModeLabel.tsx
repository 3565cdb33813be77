// Says how the engine stores events: through NATS JetStream, or straight to DuckDB
// ("direct" mode, where nothing can be replayed).
import type { Health } from "../backend/Backend";
import "./health.css";

const MODE_LABELS: Readonly<Record<string, string>> = {
  jetstream: "JetStream",
  direct: "Direct mode — replay unavailable",
};

export function ModeLabel({ mode }: { mode: Health["mode"] }) {
  return (
    <span className="mode-label" data-testid="mode" data-mode={mode}>
      {MODE_LABELS[mode] ?? mode}
    </span>
  );
}
