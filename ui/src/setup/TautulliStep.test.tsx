// Step 2, Tautulli: connect (created or updated), each error code with its own message, the test
// round trip or the test that never arrives, and disconnect; the API key never shown again.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SetupOverview, TautulliConnected } from "../backend/Backend";
import { EngineError } from "../backend/errors";
import { setupOverview } from "../test/fixtures";
import { openStep, overviewsInTurn, renderWizard, stepState, type } from "../test/setupWizard";

const connectedOverview: SetupOverview = setupOverview({
  sources: { tautulli: { connected: true, url: "http://192.168.1.10:8181", notifier_id: 7, last_event_at: null, last_test_at: null } },
});

const created: TautulliConnected = {
  notifier_id: 7,
  created: true,
  tautulli_version: "v2.17.0",
  hook: "http://127.0.0.1:3857/webhooks/tautulli",
};

function fillAndConnect(panel: ReturnType<typeof openStep>, url = "192.168.1.10:8181", key = "k3y") {
  type(panel.getByLabelText("Tautulli's address"), url);
  type(panel.getByLabelText("API key"), key);
  fireEvent.click(panel.getByTestId("tautulli-connect"));
}

describe("Tautulli step", () => {
  it("connects with the address, the key and the chosen callback base, then clears the key", async () => {
    const { backend } = await renderWizard({
      getSetup: overviewsInTurn(setupOverview(), connectedOverview),
      connectTautulli: () => Promise.resolve(created),
    });
    const panel = openStep("tautulli");
    const key = panel.getByLabelText("API key") as HTMLInputElement;
    expect(key.type).toBe("password");
    expect(panel.getByText(/Settings → Web Interface → API/)).toBeTruthy();

    fillAndConnect(panel);

    const outcome = await panel.findByTestId("tautulli-outcome");
    expect(outcome.getAttribute("data-outcome")).toBe("created");
    expect(outcome.getAttribute("role")).toBe("status");
    expect(outcome.textContent).toContain("Connected to Tautulli v2.17.0: this app's webhook notifier (#7) was created.");
    expect(backend.connectTautulli).toHaveBeenCalledExactlyOnceWith({
      url: "http://192.168.1.10:8181",
      api_key: "k3y",
      callback_base: "http://127.0.0.1:3857",
    });
    // The overview was read again: the step shows the connection, and the key is gone for good.
    await waitFor(() => expect(stepState("tautulli")).toBe("connected"));
    expect(panel.getByTestId("tautulli-connection").textContent).toContain("http://192.168.1.10:8181 — notifier #7");
    expect(panel.queryByLabelText("API key")).toBeNull();
    expect(document.body.textContent).not.toContain("k3y");

    // Changing the connection later starts from an empty key field, the address kept.
    fireEvent.click(panel.getByRole("button", { name: "Change address or key" }));
    expect((panel.getByLabelText("API key") as HTMLInputElement).value).toBe("");
    expect((panel.getByLabelText("Tautulli's address") as HTMLInputElement).value).toBe("http://192.168.1.10:8181");
  });

  it("says when this app's notifier was already there and only updated", async () => {
    await renderWizard({
      getSetup: overviewsInTurn(setupOverview(), connectedOverview),
      connectTautulli: () => Promise.resolve({ ...created, created: false }),
    });
    const panel = openStep("tautulli");
    fillAndConnect(panel);

    const outcome = await panel.findByTestId("tautulli-outcome");
    expect(outcome.getAttribute("data-outcome")).toBe("updated");
    expect(outcome.textContent).toContain("was already there and is now up to date, no duplicate");
  });

  it("tells Tautulli to call the LAN address chosen in step 1", async () => {
    const { backend } = await renderWizard({ connectTautulli: () => Promise.resolve(created) });
    fireEvent.click(screen.getByTestId("setup-address-lan"));
    const panel = openStep("tautulli");
    expect(panel.getByTestId("tautulli-hook-preview").textContent).toBe("http://192.168.1.20:3857/webhooks/tautulli");

    fillAndConnect(panel);

    await waitFor(() => expect(backend.connectTautulli).toHaveBeenCalledOnce());
    expect(backend.connectTautulli).toHaveBeenCalledWith(expect.objectContaining({ callback_base: "http://192.168.1.20:3857" }));
  });

  it.each([
    ["invalid_url", "That is not an address Tautulli can be reached at."],
    ["tautulli_unauthorized", "Tautulli refused the API key."],
    ["tautulli_unreachable", "Could not reach Tautulli at that address."],
    ["tautulli_error", "Tautulli answered with an error"],
  ])("explains %s in its own words and marks the step failing", async (code, text) => {
    const engineMessage = `the engine's own words for ${code}`;
    const { backend } = await renderWizard({ connectTautulli: () => Promise.reject(new EngineError(code, engineMessage)) });
    const panel = openStep("tautulli");
    fillAndConnect(panel);

    const outcome = await panel.findByTestId("tautulli-outcome");
    expect(outcome.getAttribute("role")).toBe("alert");
    expect(outcome.getAttribute("data-outcome")).toBe(code);
    expect(outcome.textContent).toContain(text);
    expect(outcome.textContent).toContain(engineMessage);
    expect(outcome.textContent).toContain(`(code: ${code})`);
    expect(stepState("tautulli")).toBe("failing");
    expect(screen.getByTestId("setup-step-tautulli").getAttribute("title")).toContain(text);
    // The key stays in its (password) field to correct the address without typing it again.
    expect((panel.getByLabelText("API key") as HTMLInputElement).value).toBe("k3y");
    expect(backend.connectTautulli).toHaveBeenCalledOnce();
  });

  it("asks for the address and the key before calling the engine", async () => {
    const { backend } = await renderWizard();
    const panel = openStep("tautulli");

    fireEvent.click(panel.getByTestId("tautulli-connect"));
    expect(panel.getByTestId("tautulli-outcome").textContent).toBe("Enter Tautulli's address, e.g. http://192.168.1.10:8181.");

    type(panel.getByLabelText("Tautulli's address"), "192.168.1.10:8181");
    fireEvent.click(panel.getByTestId("tautulli-connect"));
    expect(panel.getByTestId("tautulli-outcome").textContent).toContain("Paste Tautulli's API key");
    expect(backend.connectTautulli).not.toHaveBeenCalled();
  });

  it("waits on the button while connecting", async () => {
    await renderWizard({ connectTautulli: () => new Promise<TautulliConnected>(() => {}) });
    const panel = openStep("tautulli");
    fillAndConnect(panel);

    const button = panel.getByTestId("tautulli-connect") as HTMLButtonElement;
    expect(button.textContent).toBe("Connecting…");
    expect(button.disabled).toBe(true);
    expect((panel.getByLabelText("API key") as HTMLInputElement).disabled).toBe(true);
  });

  it("shows the test's round trip", async () => {
    await renderWizard({
      getSetup: () => Promise.resolve(connectedOverview),
      testTautulli: () => Promise.resolve({ received: true, round_trip_ms: 43 }),
    });
    const panel = openStep("tautulli");

    fireEvent.click(panel.getByTestId("tautulli-test"));

    const outcome = await panel.findByTestId("tautulli-outcome");
    expect(outcome.getAttribute("data-outcome")).toBe("test-received");
    expect(outcome.textContent).toBe("Test received in 43 ms: Tautulli reaches this app.");
    expect(stepState("tautulli")).toBe("connected");
  });

  it("gives the likely cause of a test that never arrived, and clears it when the next one does", async () => {
    const hint = "Tautulli was told to call http://127.0.0.1:3857/webhooks/tautulli; nothing arrived within 10 s.";
    const answers = [
      () => Promise.reject(new EngineError("test_not_received", hint)),
      () => Promise.resolve({ received: true, round_trip_ms: 61 }),
    ];
    await renderWizard({ getSetup: () => Promise.resolve(connectedOverview), testTautulli: () => answers.shift()!() });
    const panel = openStep("tautulli");

    fireEvent.click(panel.getByTestId("tautulli-test"));
    const outcome = await panel.findByTestId("tautulli-outcome");
    expect(outcome.getAttribute("data-outcome")).toBe("test_not_received");
    expect(outcome.textContent).toContain("Tautulli sent the test, but it never arrived here.");
    expect(outcome.textContent).toContain("not reachable from the machine Tautulli runs on");
    expect(outcome.textContent).toContain(hint);
    expect(stepState("tautulli")).toBe("failing");

    fireEvent.click(panel.getByTestId("tautulli-test"));
    await waitFor(() => expect(panel.getByTestId("tautulli-outcome").getAttribute("data-outcome")).toBe("test-received"));
    expect(stepState("tautulli")).toBe("connected");
  });

  it("says to connect first when the engine has no connection to test", async () => {
    await renderWizard({
      getSetup: () => Promise.resolve(connectedOverview),
      testTautulli: () => Promise.reject(new EngineError("not_connected", "Tautulli is not connected.")),
    });
    const panel = openStep("tautulli");
    fireEvent.click(panel.getByTestId("tautulli-test"));

    expect((await panel.findByTestId("tautulli-outcome")).textContent).toContain("Connect it, then send the test.");
  });

  it("disconnects after a confirmation, and offers the form again", async () => {
    const { backend } = await renderWizard({
      getSetup: overviewsInTurn(connectedOverview, setupOverview()),
      disconnectTautulli: () => Promise.resolve(),
    });
    const panel = openStep("tautulli");

    fireEvent.click(panel.getByTestId("tautulli-disconnect"));
    const confirm = panel.getByTestId("tautulli-disconnect-confirm");
    expect(document.activeElement).toBe(confirm);
    expect(panel.getByRole("group", { name: "Remove this app's notifier from Tautulli?" })).toBeTruthy();
    fireEvent.click(confirm);

    const outcome = await panel.findByTestId("tautulli-outcome");
    expect(outcome.getAttribute("data-outcome")).toBe("disconnected");
    expect(backend.disconnectTautulli).toHaveBeenCalledOnce();
    await panel.findByLabelText("API key");
    expect(stepState("tautulli")).toBe("not-started");
  });

  it("says what it is doing while disconnecting, and why it could not", async () => {
    let refuse: (reason: unknown) => void = () => {};
    await renderWizard({
      getSetup: () => Promise.resolve(connectedOverview),
      disconnectTautulli: () => new Promise<void>((_resolve, reject) => (refuse = reject)),
    });
    const panel = openStep("tautulli");
    fireEvent.click(panel.getByTestId("tautulli-disconnect"));
    fireEvent.click(panel.getByTestId("tautulli-disconnect-confirm"));

    expect(panel.getByText("Removing this app's notifier from Tautulli…")).toBeTruthy();
    expect((panel.getByTestId("tautulli-test") as HTMLButtonElement).disabled).toBe(true);

    refuse(new EngineError("tautulli_unreachable", "Tautulli at http://192.168.1.10:8181 did not answer"));
    const outcome = await panel.findByTestId("tautulli-outcome");
    expect(outcome.getAttribute("data-outcome")).toBe("tautulli_unreachable");
    expect(panel.queryByText("Removing this app's notifier from Tautulli…")).toBeNull();
    expect(stepState("tautulli")).toBe("failing");
  });

  it("keeps the connection when the confirmation is declined, with focus back on the button", async () => {
    const { backend } = await renderWizard({ getSetup: () => Promise.resolve(connectedOverview) });
    const panel = openStep("tautulli");

    fireEvent.click(panel.getByTestId("tautulli-disconnect"));
    fireEvent.click(panel.getByRole("button", { name: "Keep" }));

    expect(document.activeElement).toBe(panel.getByTestId("tautulli-disconnect"));
    expect(backend.disconnectTautulli).not.toHaveBeenCalled();
  });
});
