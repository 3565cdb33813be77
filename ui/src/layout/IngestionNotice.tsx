// Says when ingestion is paused (from the tray or here) and offers to resume it; on the Health
// section, offers to pause it. The pause shows as the engine's "ingestion" health part.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Health } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { queryKeys } from "../data/queryKeys";

export function isIngestionPaused(health: Health | null): boolean {
  return health?.parts["ingestion"]?.status === "disabled";
}

export function IngestionNotice({ health, offerPause }: { health: Health | null; offerPause: boolean }) {
  const backend = useBackend();
  const client = useQueryClient();
  const paused = isIngestionPaused(health);
  const toggle = useMutation({
    mutationFn: (resume: boolean) => (resume ? backend.resumeIngestion() : backend.pauseIngestion()),
    // The banner follows from the health change this causes: asked for now, not at the next push.
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.health }),
  });
  if (health === null || health.parts["ingestion"] === undefined || (!paused && !offerPause)) return null;
  const busy = toggle.isPending;
  const error = toggle.error === null ? null : describeFailure(toggle.error);

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
        onClick={() => toggle.mutate(paused)}
      >
        {paused ? "Resume ingestion" : "Pause ingestion"}
      </button>
    </div>
  );
}
