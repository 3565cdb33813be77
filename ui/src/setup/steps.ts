// The wizard's steps and the state each one shows in the step list: not started, waiting for a
// first event, connected, failing (with the reason), or skipped. Derived, never stored twice:
// from the engine's overview plus what happened in this wizard.
import type { SetupOverview } from "../backend/Backend";

export type StepId = "listener" | "tautulli" | "plex" | "manual" | "done";

export const STEPS: ReadonlyArray<{ id: StepId; title: string }> = [
  { id: "listener", title: "Where this app listens" },
  { id: "tautulli", title: "Tautulli" },
  { id: "plex", title: "Plex" },
  { id: "manual", title: "Jellyfin and Emby" },
  { id: "done", title: "Done" },
];

export type StepState = "not-started" | "waiting" | "connected" | "failing" | "skipped";

export type StepStatus = { state: StepState; label: string; reason: string | null };

/** What happened in this wizard, beyond what the engine's overview says. */
export type WizardProgress = {
  /** The last failure of a step, until it succeeds. */
  failures: Partial<Record<StepId, string>>;
  /** "Check from here" reached the app. */
  listenerChecked: boolean;
  skipped: ReadonlySet<StepId>;
};

const NOT_STARTED: StepStatus = { state: "not-started", label: "Not started", reason: null };

function connected(label = "Connected"): StepStatus {
  return { state: "connected", label, reason: null };
}

function waiting(label: string): StepStatus {
  return { state: "waiting", label, reason: null };
}

function baseStatus(step: StepId, overview: SetupOverview, progress: WizardProgress): StepStatus {
  const { sources } = overview;
  switch (step) {
    case "listener":
      return progress.listenerChecked ? connected("Checked") : NOT_STARTED;
    case "tautulli":
      return sources.tautulli.connected ? connected() : NOT_STARTED;
    case "plex":
      if (!sources.plex.connected) return NOT_STARTED;
      return sources.plex.last_event_at == null ? waiting("Waiting for a play") : connected();
    case "manual":
      if (sources.jellyfin.last_event_at != null || sources.emby.last_event_at != null) return connected("Receiving events");
      return sources.jellyfin.last_test_at != null || sources.emby.last_test_at != null ? connected("Test received") : NOT_STARTED;
    case "done":
      return NOT_STARTED;
  }
}

export function stepStatus(step: StepId, overview: SetupOverview, progress: WizardProgress): StepStatus {
  const reason = progress.failures[step];
  if (reason !== undefined) return { state: "failing", label: "Failing", reason };
  const status = baseStatus(step, overview, progress);
  if (status.state === "not-started" && progress.skipped.has(step)) return { ...status, state: "skipped", label: "Skipped" };
  return status;
}
