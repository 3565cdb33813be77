// Dashboard behaviour against a fake Backend: what a person sees for a given health,
// live updates, and readable failures.
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import type { Health } from "./backend/Backend";
import { BackendProvider } from "./backend/BackendContext";
import { createFakeBackend, type FakeBackend } from "./test/fakeBackend";
import { engineInfo, healthyHealth, mixedHealth } from "./test/fixtures";

function renderApp(backend: FakeBackend) {
  return render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
}

function partKeysInOrder(): string[] {
  return screen.getAllByTestId(/^part-/).map((card) => card.getAttribute("data-testid") ?? "");
}

/** A promise the test settles by hand, to control when the "engine" answers. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  return { promise, resolve, reject };
}

describe("App", () => {
  it("shows the overall badge, the mode and a card per part in pipeline order", async () => {
    renderApp(createFakeBackend({ getHealth: () => Promise.resolve(mixedHealth) }));

    await screen.findByTestId("health-loaded");

    const badge = screen.getByTestId("overall-status");
    expect(badge.textContent).toBe("degraded");
    expect(badge.getAttribute("data-status")).toBe("degraded");
    expect(screen.getByTestId("mode").textContent).toBe("JetStream");

    expect(partKeysInOrder()).toEqual([
      "part-listener",
      "part-nats",
      "part-duckdb",
      "part-archive_sink",
      "part-zeta_probe",
    ]);

    const duckdb = screen.getByTestId("part-duckdb");
    expect(duckdb.getAttribute("data-status")).toBe("down");
    expect(duckdb.textContent).toContain("DuckDB");
    expect(duckdb.textContent).toContain("database is locked");
    expect(screen.getByTestId("part-nats").textContent).toContain("NATS JetStream");
    expect(screen.getByTestId("part-archive_sink").getAttribute("data-status")).toBe("disabled");
    expect(screen.getByTestId("part-archive_sink").textContent).toContain("Archive Sink");
  });

  it("labels direct mode as having no replay", async () => {
    const direct: Health = { ...healthyHealth, mode: "direct" };
    renderApp(createFakeBackend({ getHealth: () => Promise.resolve(direct) }));

    expect((await screen.findByTestId("mode")).textContent).toBe("Direct mode — replay unavailable");
  });

  it("re-renders when the backend pushes a new health", async () => {
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(mixedHealth) });
    renderApp(backend);
    await screen.findByTestId("health-loaded");
    expect(screen.getByTestId("overall-status").textContent).toBe("degraded");

    act(() => backend.pushHealth(healthyHealth));

    expect(screen.getByTestId("overall-status").textContent).toBe("ok");
    expect(screen.getByTestId("part-duckdb").getAttribute("data-status")).toBe("up");
    expect(partKeysInOrder()).toEqual(["part-listener", "part-nats", "part-duckdb"]);
    expect(backend.getHealth).toHaveBeenCalledTimes(1);
  });

  it("does not let a slow first answer overwrite a newer live update", async () => {
    const firstAnswer = deferred<Health>();
    const backend = createFakeBackend({ getHealth: () => firstAnswer.promise });
    renderApp(backend);

    act(() => backend.pushHealth(healthyHealth));
    await act(async () => firstAnswer.resolve(mixedHealth));

    expect(screen.getByTestId("overall-status").textContent).toBe("ok");
  });

  it("explains a failed health call instead of showing a blank page, and can retry", async () => {
    let failNextCall = true;
    const backend = createFakeBackend({
      getHealth: () =>
        failNextCall
          ? Promise.reject(new Error("Cannot reach the engine at http://127.0.0.1:3857: Failed to fetch"))
          : Promise.resolve(healthyHealth),
    });
    renderApp(backend);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Cannot reach the engine at http://127.0.0.1:3857: Failed to fetch");
    expect(screen.queryByTestId("health-loaded")).toBeNull();
    expect(screen.queryByTestId("overall-status")).toBeNull();

    failNextCall = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));

    await screen.findByTestId("health-loaded");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByTestId("overall-status").textContent).toBe("ok");
  });

  it("keeps the last health on screen but flags a failed live update until the next one", async () => {
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(healthyHealth) });
    renderApp(backend);
    await screen.findByTestId("health-loaded");

    act(() => backend.pushError(new Error("Cannot reach the engine at http://127.0.0.1:3857: connection refused")));

    expect(screen.getByTestId("health-error").textContent).toContain("connection refused");
    expect(screen.getByTestId("part-listener")).toBeTruthy();

    act(() => backend.pushHealth(mixedHealth));
    expect(screen.queryByTestId("health-error")).toBeNull();
  });

  it("shows engine details and the backend kind in the footer", async () => {
    renderApp(createFakeBackend({ kind: "tauri", getHealth: () => Promise.resolve(healthyHealth) }));

    expect((await screen.findByTestId("engine-version")).textContent).toBe(engineInfo.version);
    expect(screen.getByTestId("engine-data-dir").textContent).toBe(engineInfo.data_dir);
    expect(screen.getByTestId("engine-listen").textContent).toBe(engineInfo.listen);
    expect(screen.getByTestId("backend-kind").textContent).toBe("tauri");
    expect(screen.queryByTestId("connection-notice")).toBeNull();
  });

  it("in a browser without the token, asks for the server's link and skips engine details", async () => {
    const backend = createFakeBackend({
      kind: "http",
      authorized: false,
      getHealth: () => Promise.resolve(healthyHealth),
    });
    renderApp(backend);

    await screen.findByTestId("health-loaded");
    expect(screen.getByTestId("connection-notice").textContent).toBe(
      "Open the link printed by cartographus-server to connect live updates.",
    );
    expect(screen.getByTestId("backend-kind").textContent).toBe("http");
    expect(backend.getEngineInfo).not.toHaveBeenCalled();
    expect(screen.queryByTestId("engine-version")).toBeNull();
  });

  it("stops listening for health when unmounted", async () => {
    const backend = createFakeBackend({ getHealth: () => Promise.resolve(healthyHealth) });
    const { unmount } = renderApp(backend);
    await waitFor(() => expect(backend.subscriberCount()).toBe(1));

    unmount();

    expect(backend.subscriberCount()).toBe(0);
  });
});
