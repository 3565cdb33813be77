// The wizard's frame: loading and failing to load, moving between steps by the step list or
// Back / Next / Skip with focus on the new step's heading, and the summary when done.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { SetupOverview } from "../backend/Backend";
import { createFakeBackend } from "../test/fakeBackend";
import { setupOverview, sourceNotSetUp } from "../test/fixtures";
import { openStep, renderWizard, stepState } from "../test/setupWizard";
import { SetupWizard } from "./SetupWizard";
import { TestProviders } from "../test/TestProviders";

function currentStep(): string | null {
  return screen.getAllByRole("button", { current: "step" })[0]?.getAttribute("data-testid") ?? null;
}

describe("SetupWizard", () => {
  it("says it is loading, then shows step 1 with focus on the wizard's title", async () => {
    let answer: (overview: SetupOverview) => void = () => {};
    const backend = createFakeBackend({ getSetup: () => new Promise((resolve) => (answer = resolve)) });
    render(
      <TestProviders backend={backend}>
        <SetupWizard onClose={() => {}} />
      </TestProviders>,
    );

    expect(screen.getByTestId("setup-loading").textContent).toBe("Loading what is connected…");
    expect(document.activeElement).toBe(screen.getByRole("heading", { name: "Connect a source" }));

    answer(setupOverview());
    await screen.findByTestId("setup-panel-listener");
    expect(screen.queryByTestId("setup-loading")).toBeNull();
    expect(currentStep()).toBe("setup-step-listener");
  });

  it("explains a failed load and tries again", async () => {
    const answers = [
      () => Promise.reject(new Error("Setup steps need the API token: open the link printed by cartographus-server.")),
      () => Promise.resolve(setupOverview()),
    ];
    const backend = createFakeBackend({ getSetup: () => answers.shift()!() });
    render(
      <TestProviders backend={backend}>
        <SetupWizard onClose={() => {}} />
      </TestProviders>,
    );

    const error = await screen.findByTestId("setup-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toContain("Could not load the setup: Setup steps need the API token");

    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await screen.findByTestId("setup-panel-listener");
    expect(screen.queryByTestId("setup-error")).toBeNull();
  });

  it("moves with Next, Skip and Back, marks skipped steps, and focuses each step's heading", async () => {
    await renderWizard();
    expect(stepState("listener")).toBe("not-started");

    fireEvent.click(openStep("listener").getByTestId("setup-next"));
    expect(currentStep()).toBe("setup-step-tautulli");
    expect(document.activeElement).toBe(screen.getByRole("heading", { name: "2. Tautulli" }));

    fireEvent.click(openStep("tautulli").getByTestId("setup-skip"));
    expect(currentStep()).toBe("setup-step-plex");
    expect(document.activeElement).toBe(screen.getByRole("heading", { name: "3. Plex" }));
    expect(stepState("tautulli")).toBe("skipped");
    expect(screen.getByTestId("setup-step-tautulli-state").textContent).toBe(": Skipped");

    fireEvent.click(openStep("plex").getByTestId("setup-back"));
    expect(currentStep()).toBe("setup-step-tautulli");
    expect(document.activeElement).toBe(screen.getByRole("heading", { name: "2. Tautulli" }));

    // Only the current step's panel is shown; the others keep their state hidden.
    expect(screen.getByTestId("setup-panel-tautulli").hidden).toBe(false);
    expect(screen.getByTestId("setup-panel-plex").hidden).toBe(true);
  });

  it("offers Next instead of Skip on a step that is connected", async () => {
    await renderWizard({
      getSetup: () => Promise.resolve(setupOverview({ sources: { tautulli: { ...sourceNotSetUp, connected: true } } })),
    });
    const tautulli = openStep("tautulli");

    expect(tautulli.queryByTestId("setup-skip")).toBeNull();
    fireEvent.click(tautulli.getByTestId("setup-next"));
    expect(currentStep()).toBe("setup-step-plex");
  });

  it("sums up what is connected when done, and Finish closes the wizard", async () => {
    const { onClose } = await renderWizard({
      getSetup: () =>
        Promise.resolve(
          setupOverview({
            sources: {
              tautulli: { connected: true, url: "http://192.168.1.10:8181", notifier_id: 7, last_event_at: "2026-11-27T13:43:30Z", last_test_at: null },
              plex: { ...sourceNotSetUp, connected: true },
              emby: { ...sourceNotSetUp, last_event_at: "2026-11-27T14:00:00Z" },
            },
          }),
        ),
    });
    const done = openStep("done");

    const summary = (source: string) => done.getByTestId(`setup-summary-${source}`);
    expect(summary("tautulli").getAttribute("data-state")).toBe("connected");
    expect(summary("tautulli").textContent).toContain("Connected to http://192.168.1.10:8181, notifier #7; last event Nov 27, 13:43:30");
    expect(summary("plex").getAttribute("data-state")).toBe("waiting");
    expect(summary("plex").textContent).toContain("Webhook registered with your Plex account; no event yet");
    expect(summary("jellyfin").getAttribute("data-state")).toBe("not-connected");
    expect(summary("emby").getAttribute("data-state")).toBe("connected");
    expect(done.getByText(/Connect a source/)).toBeTruthy();

    fireEvent.click(done.getByTestId("setup-finish"));
    expect(onClose).toHaveBeenCalledOnce();
  });

  it("can be put off: 'Set up later' while nothing is connected, 'Close' once something is", async () => {
    const { onClose } = await renderWizard();
    const close = screen.getByTestId("setup-close");
    expect(close.textContent).toBe("Set up later");
    fireEvent.click(close);
    expect(onClose).toHaveBeenCalledOnce();
  });

  it("says 'Close' once a source is set up", async () => {
    await renderWizard({
      getSetup: () => Promise.resolve(setupOverview({ sources: { plex: { ...sourceNotSetUp, connected: true } } })),
    });
    expect(screen.getByTestId("setup-close").textContent).toBe("Close");
  });

  it("keeps the last overview when a later refresh fails, and says so", async () => {
    const answers = [
      () => Promise.resolve(setupOverview({ sources: { plex: { ...sourceNotSetUp, connected: true } } })),
      () => Promise.reject(new Error("Cannot reach the engine at the app core (Tauri IPC): closed")),
    ];
    const backend = createFakeBackend({ getSetup: () => (answers.shift() ?? (() => new Promise<SetupOverview>(() => {})))() });
    render(
      <TestProviders backend={backend}>
        <SetupWizard onClose={vi.fn()} eventPollMs={20} />
      </TestProviders>,
    );

    // Plex waits for a first play: the overview is polled, and the second answer fails.
    await waitFor(() => expect(screen.getByTestId("setup-refresh-error").textContent).toContain("closed"));
    expect(screen.getByTestId("setup-panel-listener")).toBeTruthy();
    expect(stepState("plex")).toBe("waiting");
  });
});
