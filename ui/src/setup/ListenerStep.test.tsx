// Step 1, where this app listens: the address, the LAN choice with its warning, and "Check
// from here" through the backend.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { healthyHealth, setupOverview } from "../test/fixtures";
import { openStep, renderWizard, stepState } from "../test/setupWizard";

describe("Listener step", () => {
  it("shows the listener address, and this computer as the address sources call", async () => {
    await renderWizard();

    expect(screen.getByTestId("setup-listen").textContent).toBe("127.0.0.1:3857");
    expect((screen.getByTestId("setup-address-local") as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId("setup-callback-base").textContent).toBe("http://127.0.0.1:3857");
    expect(screen.queryByTestId("setup-lan-warning")).toBeNull();
  });

  it("warns plainly when a LAN address is chosen, and says the app only listens locally for now", async () => {
    await renderWizard();

    fireEvent.click(screen.getByTestId("setup-address-lan"));

    expect(screen.getByTestId("setup-callback-base").textContent).toBe("http://192.168.1.20:3857");
    const warning = screen.getByTestId("setup-lan-warning");
    expect(warning.textContent).toContain("reachable from your whole network");
    expect(warning.textContent).toContain("refused without this app's webhook tokens");
    expect(screen.getByTestId("setup-loopback-note").textContent).toContain("CARTOGRAPHUS_LISTEN=0.0.0.0:3857");

    fireEvent.click(screen.getByTestId("setup-address-local"));
    expect(screen.queryByTestId("setup-lan-warning")).toBeNull();
  });

  it("leaves out the listen note when the app already listens on the network", async () => {
    await renderWizard({ getSetup: () => Promise.resolve(setupOverview({ listen: "0.0.0.0:3857" })) });

    fireEvent.click(screen.getByTestId("setup-address-lan"));

    expect(screen.getByTestId("setup-lan-warning")).toBeTruthy();
    expect(screen.queryByTestId("setup-loopback-note")).toBeNull();
  });

  it("says so when this computer has no network address", async () => {
    await renderWizard({ getSetup: () => Promise.resolve(setupOverview({ lan_addresses: [] })) });

    expect(screen.getByTestId("setup-no-lan").textContent).toContain("No network address was found");
    expect(screen.queryByTestId("setup-address-lan")).toBeNull();
  });

  it("checks from here: how fast the app answered, and the step turns checked", async () => {
    const { backend } = await renderWizard({ getHealth: () => Promise.resolve(healthyHealth) });

    fireEvent.click(screen.getByTestId("setup-check"));

    await waitFor(() => expect(screen.getByTestId("setup-check-result").getAttribute("data-state")).toBe("ok"));
    expect(screen.getByTestId("setup-check-result").textContent).toMatch(/^The app answered in \d+ ms \(health: ok\)\.$/);
    expect(backend.getHealth).toHaveBeenCalledOnce();
    expect(stepState("listener")).toBe("connected");
  });

  it("says why the check failed and marks the step failing", async () => {
    await renderWizard({
      getHealth: () => Promise.reject(new Error("Cannot reach the engine at http://127.0.0.1:3857: Failed to fetch")),
    });

    fireEvent.click(screen.getByTestId("setup-check"));

    const error = await screen.findByTestId("setup-check-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toBe("The app did not answer: Cannot reach the engine at http://127.0.0.1:3857: Failed to fetch");
    expect(stepState("listener")).toBe("failing");
    expect(openStep("listener").getByText(/This step is failing/)).toBeTruthy();
  });
});
