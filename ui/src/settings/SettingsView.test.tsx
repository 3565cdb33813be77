// The Settings tab against a fake Backend: loading, error and retry; locked settings; one Save
// that says what applies now and what after a restart; refusals shown on their field; the LAN
// warning; tokens revealed, copied and regenerated with what to update; desktop-only groups.
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { SettingsView } from "./SettingsView";
import type { SettingsUpdate } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { TestProviders } from "../test/TestProviders";
import { EngineError } from "../backend/errors";
import { createFakeBackend, type FakeBackendOptions } from "../test/fakeBackend";
import { settingsView } from "../test/settingsFixtures";

function renderSettings(options: FakeBackendOptions = {}) {
  const backend = createFakeBackend(options);
  render(
    <TestProviders backend={backend}>
      <SettingsView />
    </TestProviders>,
  );
  return backend;
}

/** The whole app on its Settings tab, where a saved theme reaches the page. */
function renderApp(options: FakeBackendOptions = {}) {
  const backend = createFakeBackend(options);
  render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
  fireEvent.click(screen.getByTestId("tab-settings"));
  return backend;
}

const input = (key: string) => screen.getByTestId(`setting-input-${key}`) as HTMLInputElement;
const formReady = () => screen.findByTestId("settings-group-desktop");

describe("Settings view", () => {
  it("says it is loading, then shows each setting's value, default and lock", async () => {
    let answer: (value: typeof settingsView) => void = () => {};
    renderSettings({ operations: { getSettings: () => new Promise((resolve) => (answer = resolve)) } });
    screen.getByTestId("settings-loading");
    answer(settingsView);
    await screen.findByTestId("settings-group-storage");
    expect(input("writer_flush_interval").value).toBe("5s");
    expect(input("writer_batch_size").disabled).toBe(true);
    expect(screen.getByTestId("setting-lock-writer_batch_size").textContent).toContain("CARTOGRAPHUS_WRITER_BATCH_SIZE");
    expect(screen.getByTestId("setting-nats_retention_days").textContent).toContain("Applies at once.");
    expect(screen.getByTestId("setting-writer_flush_interval").textContent).toContain("Applies after a restart.");
    // External-only NATS fields wait until "external" is chosen.
    expect(screen.queryByTestId("setting-nats_url")).toBeNull();
    fireEvent.change(input("nats_mode"), { target: { value: "external" } });
    screen.getByTestId("setting-nats_url");
  });

  it("explains a failure to load and tries again", async () => {
    const getSettings = vi
      .fn()
      .mockRejectedValueOnce(new Error("Cannot reach the engine"))
      .mockResolvedValueOnce(settingsView);
    renderSettings({ operations: { getSettings } });
    const error = await screen.findByTestId("settings-error");
    expect(error.textContent).toContain("Cannot reach the engine");
    fireEvent.click(within(error).getByRole("button", { name: "Try again" }));
    await screen.findByTestId("settings-group-listener");
  });

  it("saves every change at once and says what applies now and what after a restart", async () => {
    const update: SettingsUpdate = {
      changed: [
        { key: "theme", applies: "now" },
        { key: "writer_flush_interval", applies: "restart" },
      ],
      restart_required: true,
      settings: settingsView.settings.map((s) =>
        s.key === "theme"
          ? { ...s, value: "light" }
          : s.key === "writer_flush_interval"
            ? { ...s, value: 250, restart_pending: true }
            : s,
      ),
    };
    const updateSettings = vi.fn().mockResolvedValue(update);
    renderApp({ operations: { updateSettings } });
    await screen.findByTestId("settings-group-appearance");
    expect((screen.getByTestId("settings-save") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(input("theme"), { target: { value: "light" } });
    fireEvent.change(input("writer_flush_interval"), { target: { value: "250ms" } });
    fireEvent.click(screen.getByTestId("settings-save"));
    const notice = await screen.findByTestId("settings-notice");
    expect(updateSettings).toHaveBeenCalledWith({ theme: "light", writer_flush_interval: "250ms" });
    expect(notice.getAttribute("data-outcome")).toBe("saved");
    expect(notice.textContent).toContain("In force now: Theme.");
    expect(notice.textContent).toContain("After a restart: Flush interval.");
    screen.getByTestId("settings-restart");
    screen.getByTestId("setting-pending-writer_flush_interval");
    // The theme is applied to the page at once.
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("light"));
  });

  it("shows the engine's refusal on the field it names, and keeps the draft", async () => {
    const updateSettings = vi
      .fn()
      .mockRejectedValue(new EngineError("invalid_setting", "nats_retention_days: expected a whole number from 1 to 3650"));
    renderSettings({ operations: { updateSettings } });
    await screen.findByTestId("settings-group-storage");
    fireEvent.change(input("nats_retention_days"), { target: { value: "0" } });
    fireEvent.click(screen.getByTestId("settings-save"));
    const notice = await screen.findByTestId("settings-notice");
    expect(notice.getAttribute("data-outcome")).toBe("failed");
    expect(notice.textContent).toContain("nothing changed");
    expect(notice.textContent).toContain("(code: invalid_setting)");
    expect(input("nats_retention_days").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("setting-nats_retention_days").textContent).toContain("expected a whole number");
    expect(input("nats_retention_days").value).toBe("0");
  });

  it("warns when the listener would be reachable from the network", async () => {
    renderSettings();
    await screen.findByTestId("settings-group-listener");
    expect(screen.queryByTestId("listen-warning")).toBeNull();
    fireEvent.change(input("listen"), { target: { value: "0.0.0.0:3857" } });
    screen.getByTestId("listen-warning");
  });

  it("reveals and regenerates a webhook token, then says what to update", async () => {
    const revealSetting = vi.fn().mockResolvedValue({ key: "webhook_token_tautulli", value: "old-token" });
    const regenerateToken = vi.fn().mockResolvedValue({
      key: "webhook_token_tautulli",
      value: "new-token",
      update: [
        {
          service: "Tautulli",
          place: "Settings → Notification Agents → Webhook → Webhook URL",
          url: "http://127.0.0.1:3857/webhooks/tautulli?token=new-token",
          automatic: false,
          failure: null,
        },
      ],
    });
    renderSettings({ operations: { revealSetting, regenerateToken } });
    const row = await screen.findByTestId("token-webhook_token_tautulli");
    expect(within(row).getByTestId("token-value-webhook_token_tautulli").textContent).toBe("••••••••");
    fireEvent.click(within(row).getByTestId("token-reveal-webhook_token_tautulli"));
    await waitFor(() => expect(within(row).getByTestId("token-value-webhook_token_tautulli").textContent).toBe("old-token"));
    fireEvent.click(within(row).getByTestId("token-regenerate-webhook_token_tautulli"));
    expect(within(row).getByRole("alertdialog").textContent).toContain("Tautulli will be refused");
    expect(regenerateToken).not.toHaveBeenCalled();
    fireEvent.click(within(row).getByTestId("token-confirm-webhook_token_tautulli"));
    const update = await within(row).findByTestId("token-update-webhook_token_tautulli");
    expect(update.textContent).toContain("Update Tautulli now");
    expect(update.textContent).toContain("/webhooks/tautulli?token=new-token");
    expect(within(row).getByTestId("token-value-webhook_token_tautulli").textContent).toBe("new-token");
  });

  it("says a connected service was given the new token, or why it could not be", async () => {
    const answer = (automatic: boolean, failure: string | null) => ({
      key: "webhook_token_tautulli",
      value: "new-token",
      update: [
        {
          service: "Tautulli",
          place: "Settings → Notification Agents",
          url: "http://127.0.0.1:3857/webhooks/tautulli?token=new-token",
          automatic,
          failure,
        },
      ],
    });
    const regenerateToken = vi
      .fn()
      .mockResolvedValueOnce(answer(true, null))
      .mockResolvedValueOnce(answer(false, "cannot reach Tautulli: timed out"));
    renderSettings({ operations: { regenerateToken } });
    const row = await screen.findByTestId("token-webhook_token_tautulli");
    fireEvent.click(within(row).getByTestId("token-regenerate-webhook_token_tautulli"));
    fireEvent.click(within(row).getByTestId("token-confirm-webhook_token_tautulli"));
    const updated = await within(row).findByTestId("token-update-webhook_token_tautulli");
    expect(updated.textContent).toContain("Tautulli is connected and now sends the new token");
    expect(updated.textContent).not.toContain("?token=");

    fireEvent.click(within(row).getByTestId("token-regenerate-webhook_token_tautulli"));
    fireEvent.click(within(row).getByTestId("token-confirm-webhook_token_tautulli"));
    await waitFor(() =>
      expect(within(row).getByTestId("token-update-webhook_token_tautulli").textContent).toContain(
        "could not update Tautulli itself: cannot reach Tautulli: timed out",
      ),
    );
    expect(within(row).getByTestId("token-update-webhook_token_tautulli").textContent).toContain("?token=new-token");
  });

  it("moves the listener at once when its address is saved, after the other changes", async () => {
    const calls: string[] = [];
    const updateSettings = vi.fn(async (): Promise<SettingsUpdate> => {
      calls.push("settings");
      return { changed: [{ key: "nats_retention_days", applies: "now" }], restart_required: false, settings: settingsView.settings };
    });
    const setListen = vi.fn(async () => {
      calls.push("listen");
      return { previous: "127.0.0.1:3857", listen: "127.0.0.1:4000", url: "http://127.0.0.1:4000/", changed: true };
    });
    renderSettings({ setListen, operations: { updateSettings } });
    await formReady();
    expect(screen.getByTestId("setting-listen").textContent).toContain("Applies at once");
    fireEvent.change(input("listen"), { target: { value: "127.0.0.1:4000" } });
    fireEvent.change(input("nats_retention_days"), { target: { value: "3" } });
    fireEvent.click(screen.getByTestId("settings-save"));
    const notice = await screen.findByTestId("settings-notice");
    expect(calls).toEqual(["settings", "listen"]);
    expect(updateSettings).toHaveBeenCalledWith({ nats_retention_days: 3 });
    expect(setListen).toHaveBeenCalledWith({ address: "127.0.0.1:4000" });
    expect(notice.textContent).toContain("In force now:");
    expect(notice.textContent).toContain("Listener address");
    await waitFor(() => expect(input("listen").value).toBe("127.0.0.1:4000"));
  });

  it("says when the listener could not move, and links a browser page to the new address when it did", async () => {
    const refused = vi.fn().mockRejectedValue(new EngineError("listen_unavailable", "port 4000 is taken by another program"));
    renderSettings({ setListen: refused });
    await formReady();
    fireEvent.change(input("listen"), { target: { value: "127.0.0.1:4000" } });
    fireEvent.click(screen.getByTestId("settings-save"));
    const failed = await screen.findByTestId("settings-notice");
    expect(failed.dataset.outcome).toBe("failed");
    expect(failed.textContent).toContain("did not move and still answers on 127.0.0.1:3857");
    expect(failed.textContent).toContain("port 4000 is taken");
  });

  it("links a browser page to the app's new address when the old one no longer answers", async () => {
    const setListen = vi.fn().mockResolvedValue({
      previous: "127.0.0.1:3857",
      listen: "192.168.1.20:3857",
      url: "http://192.168.1.20:3857/",
      changed: true,
    });
    renderSettings({ kind: "http", setListen, continueAt: () => "http://192.168.1.20:3857/#token=t0k" });
    await screen.findByTestId("settings-group-listener");
    fireEvent.change(input("listen"), { target: { value: "192.168.1.20:3857" } });
    fireEvent.click(screen.getByTestId("settings-save"));
    const link = await screen.findByTestId("settings-continue-link");
    expect(link.getAttribute("href")).toBe("http://192.168.1.20:3857/#token=t0k");
    expect(link.textContent).toBe("http://192.168.1.20:3857/");
    expect(screen.getByTestId("settings-notice").textContent).toContain("no longer answers");
  });

  it("shows a change saved elsewhere (the tray), unless the form holds unsaved edits", async () => {
    const backend = renderSettings();
    await formReady();
    const fromTray = {
      ...settingsView,
      settings: settingsView.settings.map((s) => (s.key === "keep_in_tray" ? { ...s, value: true } : s)),
    };
    act(() => backend.pushSettings(fromTray));
    await waitFor(() => expect(input("keep_in_tray").checked).toBe(true));
    fireEvent.change(input("nats_retention_days"), { target: { value: "3" } });
    act(() => backend.pushSettings(settingsView));
    expect(input("keep_in_tray").checked).toBe(true);
    expect(input("nats_retention_days").value).toBe("3");
  });

  it("hides the desktop's own settings in a browser", async () => {
    renderSettings({ kind: "http" });
    await screen.findByTestId("settings-group-appearance");
    expect(screen.queryByTestId("settings-group-desktop")).toBeNull();
    expect(screen.queryByTestId("settings-group-notifications")).toBeNull();
  });

  it("shows the desktop's own settings in the app", async () => {
    renderSettings({ kind: "tauri" });
    await screen.findByTestId("settings-group-desktop");
    screen.getByTestId("setting-input-start_at_login");
  });
});
