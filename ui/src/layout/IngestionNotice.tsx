// Says when ingestion is paused (from the tray or here) and offers to resume it; on the Health
// section, offers to pause it. The pause shows as the engine's "ingestion" health part.
import { useState } from "react";
import type { Health } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";

export function isIngestionPaused(health: Health | null): boolean {
  return health?.parts["ingestion"]?.status === "disabled";
}

export function IngestionNotice({ health, offerPause }: { health: Health | null; offerPause: boolean }) {
  const backend = useBackend();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const paused = isIngestionPaused(health);
  if (health === null || health.parts["ingestion"] === undefined || (!paused && !offerPause)) return null;

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      // The banner follows from the health change this causes.
      await (paused ? backend.resumeIngestion() : backend.pauseIngestion());
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div
      className={`notice ${paused ? "notice--warning" : "notice--info"} ingestion-notice`}
      role="status"
      data-testid="ingestion-notice"
      data-paused={paused}
    >
      <p className="notice__text">
        {paused
          ? "Ingestion is paused: webhooks are refused (503 ingestion_paused) and nothing new is stored until you resume."
          : "Pausing ingestion refuses webhooks (503) until you resume, for maintenance; nothing already stored changes."}
        {error !== null && <span className="notice__code"> — {error}</span>}
      </p>
      <button
        type="button"
        className={`button button--small${paused ? " button--primary" : ""}`}
        disabled={busy}
        data-testid="ingestion-toggle"
        onClick={() => void toggle()}
      >
        {paused ? "Resume ingestion" : "Pause ingestion"}
      </button>
    </div>
  );
}
