// The first-run rule in the app: the wizard opens by itself until it was closed once or any
// source has sent an event; "Connect a source" opens it any time; closing it returns focus.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { App } from "../App";
import type { SetupOverview } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { createFakeBackend, type FakeBackendOptions } from "../test/fakeBackend";
import { healthyHealth, setupOverview, sourceNotSetUp } from "../test/fixtures";
import { SETUP_DISMISSED_KEY } from "./setupDismissal";

function renderApp(options: FakeBackendOptions) {
  const backend = createFakeBackend({ getHealth: () => Promise.resolve(healthyHealth), ...options });
  render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
  return backend;
}

/** Lets the app's first setup check answer and be acted on. */
async function afterSetupCheck(backend: ReturnType<typeof renderApp>) {
  await waitFor(() => expect(backend.getSetup).toHaveBeenCalled());
  await screen.findByTestId("overall-status");
}

const heardFrom: SetupOverview = setupOverview({
  sources: { jellyfin: { ...sourceNotSetUp, last_event_at: "2026-11-27T13:43:30Z" } },
});

describe("first run", () => {
  beforeEach(() => {
    localStorage.clear();
  });

  it("opens the wizard by itself when no source has sent anything, in place of the sections", async () => {
    renderApp({ getSetup: () => Promise.resolve(setupOverview()) });

    expect(await screen.findByTestId("setup-wizard")).toBeTruthy();
    expect(screen.queryByTestId("tab-live")).toBeNull();
    expect(screen.queryByTestId("connect-source")).toBeNull();
  });

  it("stays closed once a source has sent an event", async () => {
    const backend = renderApp({ getSetup: () => Promise.resolve(heardFrom) });
    await afterSetupCheck(backend);

    expect(screen.queryByTestId("setup-wizard")).toBeNull();
    expect(screen.getByTestId("tab-live")).toBeTruthy();
  });

  it("stays closed once dismissed, without even asking", async () => {
    localStorage.setItem(SETUP_DISMISSED_KEY, "true");
    const backend = renderApp({ getSetup: () => Promise.resolve(setupOverview()) });
    await screen.findByTestId("overall-status");

    expect(backend.getSetup).not.toHaveBeenCalled();
    expect(screen.queryByTestId("setup-wizard")).toBeNull();
  });

  it("stays closed in a browser without the API token", async () => {
    const backend = renderApp({ kind: "http", authorized: false, getSetup: () => Promise.resolve(setupOverview()) });
    await screen.findByTestId("overall-status");

    expect(backend.getSetup).not.toHaveBeenCalled();
    expect(screen.queryByTestId("setup-wizard")).toBeNull();
  });

  it("remembers 'Set up later', shows the dashboard and puts focus on 'Connect a source'", async () => {
    renderApp({ getSetup: () => Promise.resolve(setupOverview()) });
    fireEvent.click(await screen.findByTestId("setup-close"));

    expect(localStorage.getItem(SETUP_DISMISSED_KEY)).toBe("true");
    expect(screen.queryByTestId("setup-wizard")).toBeNull();
    expect(screen.getByTestId("tab-live")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId("connect-source"));
  });

  it("opens from 'Connect a source' whenever asked", async () => {
    const backend = renderApp({ getSetup: () => Promise.resolve(heardFrom) });
    await afterSetupCheck(backend);

    fireEvent.click(screen.getByTestId("connect-source"));

    expect(await screen.findByTestId("setup-panel-listener")).toBeTruthy();
    expect(screen.queryByTestId("tab-live")).toBeNull();
  });
});
