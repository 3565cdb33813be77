// Step 4, Jellyfin and Emby: the exact URL to paste (on the chosen address, token included) with
// a Copy button, the settings to choose, and the wait for each source's first event.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setupOverview, sourceNotSetUp } from "../test/fixtures";
import { openStep, overviewsInTurn, renderWizard, stepState } from "../test/setupWizard";

function stubClipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, "clipboard", { value: { writeText: vi.fn(writeText) }, configurable: true });
  return navigator.clipboard.writeText;
}

describe("Jellyfin and Emby step", () => {
  afterEach(() => {
    Reflect.deleteProperty(navigator, "clipboard");
  });

  it("gives each source its URL on the chosen address, and the plugin settings step by step", async () => {
    await renderWizard();
    fireEvent.click(screen.getByTestId("setup-address-lan"));
    const panel = openStep("manual");

    expect((panel.getByLabelText("Webhook URL for Jellyfin") as HTMLInputElement).value).toBe(
      "http://192.168.1.20:3857/webhooks/jellyfin?token=wh-secret",
    );
    expect((panel.getByLabelText("Webhook URL for Emby") as HTMLInputElement).value).toBe(
      "http://192.168.1.20:3857/webhooks/emby?token=wh-secret",
    );
    const jellyfin = panel.getByTestId("setup-jellyfin").textContent;
    for (const setting of ["Generic Destination", "Send All Properties", "Playback Start", "Playback Stop", "Playback Progress"]) {
      expect(jellyfin).toContain(setting);
    }
    expect(panel.getByTestId("setup-emby").textContent).toContain("playback.*");
  });

  it("copies a URL to the clipboard", async () => {
    const writeText = stubClipboard(() => Promise.resolve());
    await renderWizard();
    const panel = openStep("manual");

    fireEvent.click(panel.getByTestId("setup-jellyfin-url-copy"));

    await panel.findByText("Copied.");
    expect(writeText).toHaveBeenCalledExactlyOnceWith("http://127.0.0.1:3857/webhooks/jellyfin?token=wh-secret");
  });

  it("selects the URL and says to press Ctrl+C where the clipboard is refused", async () => {
    stubClipboard(() => Promise.reject(new Error("not allowed")));
    await renderWizard();
    const panel = openStep("manual");

    fireEvent.click(panel.getByTestId("setup-emby-url-copy"));

    await panel.findByText("Selected: press Ctrl+C to copy it.");
    const field = panel.getByLabelText("Webhook URL for Emby") as HTMLInputElement;
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, field.value.length]);
  });

  it("waits for each source's first event while the step is open, and turns green when one arrives", async () => {
    const heard = setupOverview({ sources: { jellyfin: { ...sourceNotSetUp, last_event_at: "2026-11-27T13:43:30Z" } } });
    const { backend } = await renderWizard({ getSetup: overviewsInTurn(setupOverview(), setupOverview(), heard) });
    // Nothing is awaited on the first step: no polling there.
    expect(backend.getSetup).toHaveBeenCalledOnce();

    const panel = openStep("manual");
    expect(panel.getByTestId("jellyfin-event-wait").getAttribute("data-state")).toBe("waiting");
    expect(panel.getByTestId("jellyfin-event-wait").textContent).toBe("Waiting for the first event from Jellyfin…");

    await waitFor(() => expect(panel.getByTestId("jellyfin-event-wait").getAttribute("data-state")).toBe("received"));
    expect(panel.getByTestId("emby-event-wait").getAttribute("data-state")).toBe("waiting");
    expect(stepState("manual")).toBe("connected");
  });

  it("turns green on Emby's test notification, saying the URL works, and keeps waiting for events", async () => {
    const tested = setupOverview({
      sources: { emby: { ...sourceNotSetUp, connected: true, last_test_at: "2026-11-27T14:02:00Z" } },
    });
    const { backend } = await renderWizard({ getSetup: overviewsInTurn(setupOverview(), tested) });

    const panel = openStep("manual");

    await waitFor(() => expect(panel.getByTestId("emby-event-wait").getAttribute("data-state")).toBe("test-received"));
    expect(panel.getByTestId("emby-event-wait").textContent).toMatch(/^Emby's test arrived at .+: the URL works\. /);
    expect(stepState("manual")).toBe("connected");
    expect(screen.getByTestId("setup-step-manual").textContent).toContain("Test received");
    // A test is not an event: the wizard still listens for the first one.
    const polls = (backend.getSetup as unknown as { mock: { calls: unknown[] } }).mock.calls.length;
    await waitFor(() => expect((backend.getSetup as unknown as { mock: { calls: unknown[] } }).mock.calls.length).toBeGreaterThan(polls));
  });
});
