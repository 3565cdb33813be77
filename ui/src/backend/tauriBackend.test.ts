// The desktop host's backend against fake generated bindings: calls, events and unsubscribing.
import { describe, expect, it, vi } from "vitest";
import type { Health } from "./Backend";
import { createTauriBackend, type TauriBindings } from "./tauriBackend";
import { engineInfo, healthyHealth, mixedHealth } from "../test/fixtures";

function fakeBindings(overrides: Partial<TauriBindings["commands"]> = {}) {
  let emit: ((event: { payload: Health }) => void) | null = null;
  const unlisten = vi.fn();
  let finishRegistering: (stopListening: () => void) => void = () => {};
  const registered = new Promise<() => void>((resolve) => {
    finishRegistering = resolve;
  });
  const bindings: TauriBindings = {
    commands: {
      getHealth: () => Promise.resolve(healthyHealth),
      getEngineInfo: () => Promise.resolve(engineInfo),
      ...overrides,
    },
    events: {
      healthChanged: {
        listen: (callback) => {
          emit = callback;
          return registered;
        },
      },
    },
  };
  return {
    bindings,
    unlisten,
    finishRegistering: () => finishRegistering(unlisten),
    emit: (payload: Health) => emit?.({ payload }),
  };
}

describe("tauriBackend", () => {
  it("answers through the generated commands", async () => {
    const backend = createTauriBackend(fakeBindings().bindings);

    expect(backend.kind).toBe("tauri");
    expect(backend.authorized).toBe(true);
    await expect(backend.getHealth()).resolves.toEqual(healthyHealth);
    await expect(backend.getEngineInfo()).resolves.toEqual(engineInfo);
  });

  it("turns a rejected command (Tauri rejects with strings) into a readable error", async () => {
    const fake = fakeBindings({ getHealth: () => Promise.reject("engine not started") });
    const backend = createTauriBackend(fake.bindings);

    await expect(backend.getHealth()).rejects.toThrow(
      "Cannot reach the engine at the app core (Tauri IPC): engine not started",
    );
  });

  it("delivers health-changed payloads until unsubscribed", async () => {
    const fake = fakeBindings();
    const backend = createTauriBackend(fake.bindings);
    const listener = vi.fn();

    const unsubscribe = backend.onHealth(listener);
    fake.finishRegistering();
    await Promise.resolve();
    fake.emit(mixedHealth);
    expect(listener).toHaveBeenCalledExactlyOnceWith(mixedHealth);

    unsubscribe();
    expect(fake.unlisten).toHaveBeenCalledOnce();
    fake.emit(healthyHealth);
    expect(listener).toHaveBeenCalledOnce();
  });

  it("releases the Tauri listener even when unsubscribed before registration finished", async () => {
    const fake = fakeBindings();
    const backend = createTauriBackend(fake.bindings);
    const listener = vi.fn();

    const unsubscribe = backend.onHealth(listener);
    unsubscribe();
    fake.finishRegistering();

    await vi.waitFor(() => expect(fake.unlisten).toHaveBeenCalledOnce());
    fake.emit(mixedHealth);
    expect(listener).not.toHaveBeenCalled();
  });
});
