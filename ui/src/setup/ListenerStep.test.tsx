// Step 1, where this app listens: the address, the LAN choice with its warning, moving the
// listener (and where a browser page goes on), the port, a fixed address, and "Check from
// here" through the engine.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ListenChanged } from "../backend/Backend";
import { EngineError } from "../backend/errors";
import { setupOverview } from "../test/fixtures";
import { openStep, renderWizard, stepState, type } from "../test/setupWizard";

const moved: ListenChanged = { previous: "127.0.0.1:3857", listen: "192.168.1.20:3857", url: "http://192.168.1.20:3857/", changed: true };

describe("Listener step", () => {
  it("shows the listener address, and this computer as the address sources call", async () => {
    await renderWizard();

    expect(screen.getByTestId("setup-listen").textContent).toBe("127.0.0.1:3857");
    expect((screen.getByTestId("setup-address-local") as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId("setup-callback-base").textContent).toBe("http://127.0.0.1:3857");
    expect(screen.queryByTestId("setup-lan-warning")).toBeNull();
    expect(screen.queryByTestId("setup-listen-move")).toBeNull();
    expect(screen.queryByTestId("setup-listen-note")).toBeNull();
  });

  it("warns plainly when a LAN address is chosen, and offers to listen there", async () => {
    await renderWizard();

    fireEvent.click(screen.getByTestId("setup-address-lan"));

    expect(screen.getByTestId("setup-callback-base").textContent).toBe("http://192.168.1.20:3857");
    const warning = screen.getByTestId("setup-lan-warning");
    expect(warning.textContent).toContain("reachable from your whole network");
    expect(warning.textContent).toContain("refused without this app's webhook tokens");
    expect(screen.getByTestId("setup-listen-note").textContent).toContain("Right now the app listens on 127.0.0.1:3857");
    expect(screen.getByTestId("setup-listen-move").textContent).toBe("Listen on 192.168.1.20:3857");

    fireEvent.click(screen.getByTestId("setup-address-local"));
    expect(screen.queryByTestId("setup-lan-warning")).toBeNull();
  });

  it("moves the listener on the desktop, then shows where it listens now", async () => {
    const { backend } = await renderWizard({
      getSetup: (() => {
        let calls = 0;
        return () => Promise.resolve(setupOverview(calls++ === 0 ? {} : { listen: "192.168.1.20:3857" }));
      })(),
      setListen: () => Promise.resolve(moved),
    });

    fireEvent.click(screen.getByTestId("setup-address-lan"));
    fireEvent.click(screen.getByTestId("setup-listen-move"));

    const notice = await screen.findByTestId("setup-listen-moved");
    expect(notice.textContent).toContain("The app now listens on 192.168.1.20:3857 (it listened on 127.0.0.1:3857).");
    expect(screen.queryByTestId("setup-continue")).toBeNull();
    expect(backend.setListen).toHaveBeenCalledExactlyOnceWith({ address: "192.168.1.20:3857" });
    await waitFor(() => expect(screen.getByTestId("setup-listen").textContent).toBe("192.168.1.20:3857"));
    expect(screen.queryByTestId("setup-listen-move")).toBeNull();
    expect(screen.queryByTestId("setup-listen-note")).toBeNull();
  });

  it("in a browser whose address stopped answering, shows only a link to the new address, without the token", async () => {
    const { backend } = await renderWizard({
      setListen: () => Promise.resolve(moved),
      continueAt: () => "http://192.168.1.20:3857/#token=api-secret",
    });
    const loads = (backend.getSetup as unknown as { mock: { calls: unknown[] } }).mock.calls.length;

    fireEvent.click(screen.getByTestId("setup-address-lan"));
    fireEvent.click(screen.getByTestId("setup-listen-move"));

    const link = await screen.findByTestId("setup-continue-link");
    expect(link.getAttribute("href")).toBe("http://192.168.1.20:3857/#token=api-secret");
    expect(link.textContent).toBe("http://192.168.1.20:3857/");
    expect(screen.getByTestId("setup-moved-away").textContent).toContain("The app now listens on 192.168.1.20:3857");
    expect(screen.getByTestId("setup-continue").textContent).toContain("no longer answers");
    expect(screen.queryByText(/api-secret/)).toBeNull();
    // Nothing on this page reaches the engine any more: the steps are gone, nothing is reloaded.
    expect(screen.queryByTestId("setup-panel-listener")).toBeNull();
    expect((backend.getSetup as unknown as { mock: { calls: unknown[] } }).mock.calls.length).toBe(loads);
  });

  it("says why the listener could not move, and marks the step failing", async () => {
    await renderWizard({
      setListen: () => Promise.reject(new EngineError("port_in_use", "port 3857 on 192.168.1.20 is already in use by another program")),
    });

    fireEvent.click(screen.getByTestId("setup-address-lan"));
    fireEvent.click(screen.getByTestId("setup-listen-move"));

    const outcome = await screen.findByTestId("setup-listen-outcome");
    expect(outcome.getAttribute("role")).toBe("alert");
    expect(outcome.getAttribute("data-outcome")).toBe("port_in_use");
    expect(outcome.textContent).toContain("Another program already uses that port");
    expect(outcome.textContent).toContain("port 3857 on 192.168.1.20 is already in use");
    expect(stepState("listener")).toBe("failing");
  });

  it("puts every address on the port typed, and refuses what is not a port", async () => {
    const { backend } = await renderWizard({ setListen: () => Promise.resolve({ ...moved, listen: "192.168.1.20:4000" }) });

    fireEvent.click(screen.getByTestId("setup-address-lan"));
    type(screen.getByTestId("setup-port"), "4000");
    expect(screen.getByTestId("setup-callback-base").textContent).toBe("http://192.168.1.20:4000");
    fireEvent.click(screen.getByTestId("setup-listen-move"));
    await screen.findByTestId("setup-listen-moved");
    expect(backend.setListen).toHaveBeenCalledExactlyOnceWith({ address: "192.168.1.20:4000" });

    type(screen.getByTestId("setup-port"), "99999");
    expect(screen.getByTestId("setup-port").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("A port is a number from 1 to 65535.")).toBeTruthy();
    expect((screen.getByTestId("setup-check") as HTMLButtonElement).disabled).toBe(true);
  });

  it("says which setting fixes the address instead of offering to move it", async () => {
    await renderWizard({ getSetup: () => Promise.resolve(setupOverview({ listen_locked_by: "CARTOGRAPHUS_LISTEN" })) });

    fireEvent.click(screen.getByTestId("setup-address-lan"));

    expect(screen.queryByTestId("setup-listen-move")).toBeNull();
    expect(screen.getByTestId("setup-listen-locked").textContent).toBe(
      "The address is fixed by CARTOGRAPHUS_LISTEN: to listen elsewhere, change CARTOGRAPHUS_LISTEN and restart the app.",
    );
    expect((screen.getByTestId("setup-port") as HTMLInputElement).disabled).toBe(true);
  });

  it("says so when this computer has no network address", async () => {
    await renderWizard({ getSetup: () => Promise.resolve(setupOverview({ lan_addresses: [] })) });

    expect(screen.getByTestId("setup-no-lan").textContent).toContain("No network address was found");
    expect(screen.queryByTestId("setup-address-lan")).toBeNull();
  });

  it("shows a check's outcome only while its address is chosen", async () => {
    await renderWizard({
      checkListen: () => Promise.resolve({ url: "http://127.0.0.1:3857/api/v1/health", status: "ok", round_trip_ms: 0 }),
    });

    fireEvent.click(screen.getByTestId("setup-check"));
    const outcome = await screen.findByTestId("setup-listen-outcome");
    expect(outcome.textContent).toBe("http://127.0.0.1:3857 answered in under 1 ms (health: ok).");

    fireEvent.click(screen.getByTestId("setup-address-lan"));
    expect(screen.queryByTestId("setup-listen-outcome")).toBeNull();
    fireEvent.click(screen.getByTestId("setup-address-local"));
    expect(screen.getByTestId("setup-listen-outcome")).toBeTruthy();
  });

  it("checks from here through the chosen address: how fast it answered, and the step turns checked", async () => {
    const { backend } = await renderWizard({
      checkListen: () => Promise.resolve({ url: "http://127.0.0.1:3857/api/v1/health", status: "ok", round_trip_ms: 7 }),
    });

    fireEvent.click(screen.getByTestId("setup-check"));

    const outcome = await screen.findByTestId("setup-listen-outcome");
    expect(outcome.getAttribute("data-outcome")).toBe("check-ok");
    expect(outcome.textContent).toBe("http://127.0.0.1:3857 answered in 7 ms (health: ok).");
    expect(backend.checkListen).toHaveBeenCalledExactlyOnceWith({ address: "127.0.0.1:3857" });
    expect(stepState("listener")).toBe("connected");
  });

  it("says why the check failed and marks the step failing", async () => {
    await renderWizard({
      checkListen: () =>
        Promise.reject(
          new EngineError("listen_unreachable", "nothing answered at http://192.168.1.20:3857/api/v1/health: connection refused"),
        ),
    });

    fireEvent.click(screen.getByTestId("setup-address-lan"));
    fireEvent.click(screen.getByTestId("setup-check"));

    const outcome = await screen.findByTestId("setup-listen-outcome");
    expect(outcome.getAttribute("role")).toBe("alert");
    expect(outcome.textContent).toContain("Nothing answered at that address");
    expect(outcome.textContent).toContain("connection refused");
    expect(stepState("listener")).toBe("failing");
    expect(openStep("listener").getByText(/This step is failing/)).toBeTruthy();
  });
});
