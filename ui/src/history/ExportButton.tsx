// Export of what the History shows (sessions, or the open session's events) as CSV or Parquet:
// the desktop asks where to save, a browser downloads. Says what happened, or why it failed.
import { useState } from "react";
import { useBackend } from "../backend/BackendContext";
import type { ExportFormat, ExportRows } from "../backend/Backend";
import { describeFailure } from "../backend/errors";
import { formatCount } from "../format/humanize";

type Outcome = { kind: "idle" } | { kind: "busy" } | { kind: "done"; text: string } | { kind: "failed"; text: string };

const FORMATS: readonly { format: ExportFormat; name: string }[] = [
  { format: "csv", name: "CSV" },
  { format: "parquet", name: "Parquet" },
];

/** One button per format, "`label` (CSV)" and "`label` (Parquet)". */
export function ExportButton({ rows, label }: { rows: ExportRows; label: string }) {
  const backend = useBackend();
  const [outcome, setOutcome] = useState<Outcome>({ kind: "idle" });

  async function run(format: ExportFormat) {
    setOutcome({ kind: "busy" });
    try {
      const delivered = await backend.exportHistory(rows, format);
      setOutcome(
        delivered.kind === "saved"
          ? { kind: "done", text: `Saved ${formatCount(delivered.rows)} rows to ${delivered.path}` }
          : delivered.kind === "downloaded"
            ? { kind: "done", text: `Downloaded ${delivered.fileName}` }
            : { kind: "idle" },
      );
    } catch (failure) {
      setOutcome({ kind: "failed", text: `The export failed: ${describeFailure(failure)}` });
    }
  }

  return (
    <div className="history-export">
      {FORMATS.map(({ format, name }) => (
        <button
          key={format}
          type="button"
          onClick={() => void run(format)}
          disabled={outcome.kind === "busy"}
          data-testid={`history-export-${format}`}
        >
          {label} ({name})
        </button>
      ))}
      {outcome.kind === "busy" && <span role="status">Exporting…</span>}
      {outcome.kind === "done" && (
        <span role="status" data-testid="history-export-result">
          {outcome.text}
        </span>
      )}
      {outcome.kind === "failed" && (
        <span role="alert" className="history-export__error">
          {outcome.text}
        </span>
      )}
    </div>
  );
}
