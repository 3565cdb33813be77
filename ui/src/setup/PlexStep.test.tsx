// Step 3, Plex: the Plex Pass note, signing in with plex.tv (code shown, browser opened, polled
// until confirmed, or expired), pasting a token instead, the wait for a first play, and disconnect.
import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { PlexPinStatus, SetupOverview } from "../backend/Backend";
import { EngineError } from "../backend/errors";
import { setupOverview, sourceNotSetUp } from "../test/fixtures";
import { openStep, overviewsInTurn, renderWizard, stepState, type } from "../test/setupWizard";

const PIN = { id: "512", code: "WXYZ", auth_url: "https://app.plex.tv/auth#?clientID=c1&code=WXYZ" };

const registered: SetupOverview = setupOverview({ sources: { plex: { ...sourceNotSetUp, connected: true } } });
const played: SetupOverview = setupOverview({
  sources: { plex: { ...sourceNotSetUp, connected: true, last_event_at: "2026-11-27T13:43:30Z" } },
});

describe("Plex step", () => {
  it("says webhooks need Plex Pass, and where Plex Media Server will call (token left out)", async () => {
    await renderWizard();
    const panel = openStep("plex");

    expect(panel.getByTestId("plex-pass-note").textContent).toContain("Webhooks are a Plex Pass feature");
    expect(panel.getByTestId("plex-hook-preview").textContent).toBe("http://127.0.0.1:3857/webhooks/plex");
  });

  it("signs in with plex.tv: shows the code, opens the browser, polls until confirmed, then waits for a play", async () => {
    const checks: PlexPinStatus[] = [{ authorized: false }, { authorized: false }, { authorized: true }];
    const { backend } = await renderWizard({
      getSetup: overviewsInTurn(setupOverview(), registered, registered, played),
      startPlexPin: () => Promise.resolve(PIN),
      checkPlexPin: () => Promise.resolve(checks.shift() ?? { authorized: true }),
    });
    const panel = openStep("plex");

    fireEvent.click(panel.getByTestId("plex-sign-in"));

    expect((await panel.findByTestId("plex-pin-code")).textContent).toBe("WXYZ");
    expect(panel.getByTestId("plex-pin-url").textContent).toBe(PIN.auth_url);
    expect(panel.getByText("Waiting for you to confirm the code on plex.tv…")).toBeTruthy();
    await waitFor(() => expect(backend.openExternal).toHaveBeenCalledExactlyOnceWith(PIN.auth_url));

    const outcome = await panel.findByTestId("plex-outcome");
    expect(outcome.getAttribute("data-outcome")).toBe("registered");
    expect(outcome.textContent).toBe("Signed in with plex.tv: this app's webhook is registered with your Plex account.");
    expect(backend.checkPlexPin).toHaveBeenCalledTimes(3);
    expect(backend.checkPlexPin).toHaveBeenCalledWith("512");

    // Registered: "play something to check" until the first Plex event turns the step green.
    const wait = panel.getByTestId("plex-event-wait");
    expect(wait.getAttribute("data-state")).toBe("waiting");
    expect(stepState("plex")).toBe("waiting");
    await waitFor(() => expect(panel.getByTestId("plex-event-wait").getAttribute("data-state")).toBe("received"));
    expect(panel.getByTestId("plex-event-wait").textContent).toContain("Plex events arrive here: the last one at Nov 27, 13:43:30.");
    expect(stepState("plex")).toBe("connected");
  });

  it("says so when the webhook never shows up after the sign-in, and offers the sign-in again", async () => {
    await renderWizard({
      startPlexPin: () => Promise.resolve(PIN),
      checkPlexPin: () => Promise.resolve({ authorized: true }),
    });
    const panel = openStep("plex");
    fireEvent.click(panel.getByTestId("plex-sign-in"));

    const outcome = await panel.findByTestId("plex-outcome");
    expect(outcome.getAttribute("data-outcome")).toBe("not_registered");
    expect(outcome.textContent).toContain("this app's webhook did not show up on the account");
    expect(stepState("plex")).toBe("failing");
    expect(panel.getByTestId("plex-sign-in").textContent).toBe("Sign in with plex.tv");
    expect(panel.queryByTestId("plex-signed-in")).toBeNull();
  });

  it("offers the link again when the system browser could not be opened", async () => {
    await renderWizard({
      startPlexPin: () => Promise.resolve(PIN),
      checkPlexPin: () => Promise.resolve({ authorized: false }),
      openExternal: () => Promise.reject(new Error("opener not allowed")),
    });
    const panel = openStep("plex");
    fireEvent.click(panel.getByTestId("plex-sign-in"));

    expect((await panel.findByTestId("plex-pin-browser-error")).textContent).toContain("opener not allowed");
    expect(panel.getByTestId("plex-pin-url").textContent).toBe(PIN.auth_url);
  });

  it("says when the code expired and offers a new one", async () => {
    const pins = [PIN, { ...PIN, id: "513", code: "ABCD" }];
    const { backend } = await renderWizard({
      startPlexPin: () => Promise.resolve(pins.shift()!),
      checkPlexPin: (id) =>
        id === "512" ? Promise.reject(new EngineError("pin_expired", "The plex.tv code expired.")) : Promise.resolve({ authorized: false }),
    });
    const panel = openStep("plex");
    fireEvent.click(panel.getByTestId("plex-sign-in"));

    const outcome = await panel.findByTestId("plex-pin-outcome");
    expect(outcome.getAttribute("data-outcome")).toBe("pin_expired");
    expect(outcome.textContent).toContain("The code expired before it was confirmed on plex.tv.");
    expect(stepState("plex")).toBe("failing");

    fireEvent.click(panel.getByRole("button", { name: "Get a new code" }));
    expect((await panel.findByTestId("plex-pin-code")).textContent).toBe("ABCD");
    expect(backend.startPlexPin).toHaveBeenCalledTimes(2);
  });

  it("stops asking plex.tv when the sign-in is cancelled", async () => {
    const { backend } = await renderWizard({
      startPlexPin: () => Promise.resolve(PIN),
      checkPlexPin: () => Promise.resolve({ authorized: false }),
    });
    const panel = openStep("plex");
    vi.useFakeTimers();
    try {
      fireEvent.click(panel.getByTestId("plex-sign-in"));
      // Each poll (every 10 ms) is scheduled after React rendered the previous answer.
      for (let tick = 0; tick < 20 && vi.mocked(backend.checkPlexPin).mock.calls.length < 2; tick += 1) {
        await act(() => vi.advanceTimersByTimeAsync(10));
      }
      expect(backend.checkPlexPin).toHaveBeenCalledTimes(2);

      fireEvent.click(panel.getByTestId("plex-pin-cancel"));
      for (let tick = 0; tick < 20; tick += 1) await act(() => vi.advanceTimersByTimeAsync(50));

      expect(backend.checkPlexPin).toHaveBeenCalledTimes(2);
      expect(panel.getByTestId("plex-sign-in")).toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });

  it("registers with a pasted token, kept in a password field and cleared after", async () => {
    const { backend } = await renderWizard({
      getSetup: overviewsInTurn(setupOverview(), registered),
      connectPlex: () => Promise.resolve({ registered: true, already: false, webhooks: 2 }),
    });
    const panel = openStep("plex");
    fireEvent.click(panel.getByText("Paste a token instead"));
    const token = panel.getByLabelText("Plex token") as HTMLInputElement;
    expect(token.type).toBe("password");

    type(token, "  plex-secret-token ");
    fireEvent.click(panel.getByTestId("plex-token-register"));

    const outcome = await panel.findByTestId("plex-outcome");
    expect(outcome.textContent).toBe("Registered this app's webhook with your Plex account (2 webhooks on the account).");
    expect(backend.connectPlex).toHaveBeenCalledExactlyOnceWith({ token: "plex-secret-token" });
    await panel.findByTestId("plex-connection");
    expect(document.body.textContent).not.toContain("plex-secret-token");
  });

  it("says when the webhook was already registered", async () => {
    await renderWizard({ connectPlex: () => Promise.resolve({ registered: true, already: true, webhooks: 1 }) });
    const panel = openStep("plex");
    type(panel.getByLabelText("Plex token"), "plex-secret-token");
    fireEvent.click(panel.getByTestId("plex-token-register"));

    const outcome = await panel.findByTestId("plex-outcome");
    expect(outcome.getAttribute("data-outcome")).toBe("already");
    expect(outcome.textContent).toContain("was already registered with your Plex account (1 webhook on the account)");
  });

  it.each([
    ["plex_unauthorized", "plex.tv refused the token."],
    ["plextv_unreachable", "Could not reach plex.tv."],
  ])("explains %s and marks the step failing", async (code, text) => {
    await renderWizard({ connectPlex: () => Promise.reject(new EngineError(code, `engine: ${code}`)) });
    const panel = openStep("plex");
    type(panel.getByLabelText("Plex token"), "plex-secret-token");
    fireEvent.click(panel.getByTestId("plex-token-register"));

    const outcome = await panel.findByTestId("plex-outcome");
    expect(outcome.getAttribute("role")).toBe("alert");
    expect(outcome.getAttribute("data-outcome")).toBe(code);
    expect(outcome.textContent).toContain(text);
    expect(stepState("plex")).toBe("failing");
  });

  it("removes this app's webhook after a confirmation", async () => {
    const { backend } = await renderWizard({
      getSetup: overviewsInTurn(played, setupOverview()),
      disconnectPlex: () => Promise.resolve(),
    });
    const panel = openStep("plex");
    expect(stepState("plex")).toBe("connected");

    fireEvent.click(panel.getByTestId("plex-disconnect"));
    fireEvent.click(panel.getByTestId("plex-disconnect-confirm"));

    const outcome = await panel.findByTestId("plex-outcome");
    expect(outcome.textContent).toContain("Removed this app's webhook from your Plex account");
    expect(backend.disconnectPlex).toHaveBeenCalledOnce();
    await panel.findByTestId("plex-sign-in");
    expect(stepState("plex")).toBe("not-started");
    expect(screen.queryByTestId("plex-event-wait")).toBeNull();
  });
});
