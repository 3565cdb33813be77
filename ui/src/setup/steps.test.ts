// Each step's state in the step list, from the engine's overview and what happened in the wizard.
import { describe, expect, it } from "vitest";
import { setupOverview, sourceNotSetUp } from "../test/fixtures";
import { stepStatus, type WizardProgress } from "./steps";

const nothing: WizardProgress = { failures: {}, listenerChecked: false, skipped: new Set() };

describe("stepStatus", () => {
  it("starts every step as not started", () => {
    for (const step of ["listener", "tautulli", "plex", "manual"] as const) {
      expect(stepStatus(step, setupOverview(), nothing)).toEqual({ state: "not-started", label: "Not started", reason: null });
    }
  });

  it("follows the overview: Tautulli connected, Plex waiting for a play then connected, Jellyfin or Emby heard from", () => {
    const connected = setupOverview({
      sources: {
        tautulli: { connected: true, url: "http://192.168.1.10:8181", notifier_id: 7, last_event_at: null, last_test_at: null },
        plex: { ...sourceNotSetUp, connected: true },
        emby: { ...sourceNotSetUp, last_event_at: "2026-11-27T13:43:30Z" },
      },
    });
    expect(stepStatus("tautulli", connected, nothing).state).toBe("connected");
    expect(stepStatus("plex", connected, nothing)).toMatchObject({ state: "waiting", label: "Waiting for a play" });
    expect(stepStatus("manual", connected, nothing).state).toBe("connected");

    const played = setupOverview({ sources: { plex: { ...sourceNotSetUp, connected: true, last_event_at: "2026-11-27T13:43:30Z" } } });
    expect(stepStatus("plex", played, nothing).state).toBe("connected");
  });

  it("puts a failure first, with its reason, and marks untouched skipped steps as skipped", () => {
    const connected = setupOverview({ sources: { tautulli: { ...sourceNotSetUp, connected: true } } });
    const progress: WizardProgress = {
      failures: { tautulli: "Tautulli sent the test, but it never arrived here." },
      listenerChecked: true,
      skipped: new Set(["tautulli", "plex", "listener"]),
    };
    expect(stepStatus("tautulli", connected, progress)).toEqual({
      state: "failing",
      label: "Failing",
      reason: "Tautulli sent the test, but it never arrived here.",
    });
    expect(stepStatus("plex", connected, progress)).toMatchObject({ state: "skipped", label: "Skipped" });
    expect(stepStatus("listener", connected, progress)).toMatchObject({ state: "connected", label: "Checked" });
  });
});
