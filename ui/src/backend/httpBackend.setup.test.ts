// The browser host's setup calls: the contract's paths, methods and bodies, the engine's coded
// refusals as EngineErrors, and calls that wait on Tautulli or plex.tv outliving the usual timeout.
import { describe, expect, it, vi } from "vitest";
import { EngineError } from "./errors";
import { createHttpBackend } from "./httpBackend";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { setupOverview } from "../test/fixtures";

const ORIGIN = "http://127.0.0.1:3857";

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function backendAnswering(answer: () => Response | Promise<Response>, token: string | null = "secret-token") {
  const fetchMock = vi.fn<typeof fetch>(async () => answer());
  const openWindow = vi.fn();
  const backend = createHttpBackend({ origin: ORIGIN, token, fetch: fetchMock, WebSocket: FakeWebSocket, openWindow });
  const call = (index = 0) => {
    const [url, init] = fetchMock.mock.calls[index] ?? [];
    return {
      url: String(url),
      method: init?.method ?? "GET",
      body: typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : init?.body,
      headers: new Headers(init?.headers),
    };
  };
  return { backend, fetchMock, call, openWindow };
}

describe("httpBackend setup", () => {
  it("calls every setup route with the token, the method and the body of the contract", async () => {
    const answers = [
      jsonResponse(setupOverview()),
      jsonResponse({ notifier_id: 7, created: false, tautulli_version: "v2.17.0", hook: "http://192.168.1.20:3857/webhooks/tautulli" }),
      jsonResponse({ received: true, round_trip_ms: 43 }),
      new Response(null, { status: 204 }),
      jsonResponse({ registered: true, already: true, webhooks: 3 }),
      new Response(null, { status: 204 }),
      jsonResponse({ id: "512", code: "WXYZ", auth_url: "https://app.plex.tv/auth#?code=WXYZ" }),
      jsonResponse({ authorized: false }),
    ];
    const { backend, call } = backendAnswering(() => answers.shift()!);
    const request = { url: "http://192.168.1.10:8181", api_key: "k3y", callback_base: "http://192.168.1.20:3857" };

    await expect(backend.getSetup()).resolves.toEqual(setupOverview());
    expect(call(0)).toMatchObject({ url: `${ORIGIN}/api/v1/setup`, method: "GET" });
    expect(call(0).headers.get("Authorization")).toBe("Bearer secret-token");

    await expect(backend.connectTautulli(request)).resolves.toMatchObject({ notifier_id: 7, created: false });
    expect(call(1)).toMatchObject({ url: `${ORIGIN}/api/v1/setup/tautulli`, method: "POST", body: request });

    await expect(backend.testTautulli()).resolves.toEqual({ received: true, round_trip_ms: 43 });
    expect(call(2)).toMatchObject({ url: `${ORIGIN}/api/v1/setup/tautulli/test`, method: "POST", body: undefined });

    await expect(backend.disconnectTautulli()).resolves.toBeUndefined();
    expect(call(3)).toMatchObject({ url: `${ORIGIN}/api/v1/setup/tautulli`, method: "DELETE" });

    await expect(backend.connectPlex({ token: "plex-token" })).resolves.toEqual({ registered: true, already: true, webhooks: 3 });
    expect(call(4)).toMatchObject({ url: `${ORIGIN}/api/v1/setup/plex`, method: "POST", body: { token: "plex-token" } });

    await expect(backend.disconnectPlex()).resolves.toBeUndefined();
    expect(call(5)).toMatchObject({ url: `${ORIGIN}/api/v1/setup/plex`, method: "DELETE" });

    await expect(backend.startPlexPin()).resolves.toMatchObject({ id: "512", code: "WXYZ" });
    expect(call(6)).toMatchObject({ url: `${ORIGIN}/api/v1/setup/plex/pin`, method: "POST" });

    await expect(backend.checkPlexPin("512")).resolves.toEqual({ authorized: false });
    expect(call(7)).toMatchObject({ url: `${ORIGIN}/api/v1/setup/plex/pin/512`, method: "GET" });
  });

  it.each([
    [422, "tautulli_unauthorized", "Tautulli refused the API key."],
    [502, "tautulli_unreachable", "Tautulli at http://192.168.1.10:8181 did not answer: connection refused"],
    [400, "invalid_url", "not a URL: 192.168.1.10"],
  ])("turns a %i %s into an EngineError with the engine's code and message", async (status, code, message) => {
    const { backend } = backendAnswering(() => jsonResponse({ error: { code, message } }, status));

    const failure = await backend
      .connectTautulli({ url: "http://192.168.1.10:8181", api_key: "wrong", callback_base: null })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(EngineError);
    expect(failure).toMatchObject({ code, message });
  });

  it("keeps the hint of a test that never arrived, and the expired PIN's code", async () => {
    const hint = "Tautulli was told to call http://127.0.0.1:3857/webhooks/tautulli; nothing arrived within 10 s.";
    const answers = [
      jsonResponse({ error: { code: "test_not_received", message: hint } }, 504),
      jsonResponse({ error: { code: "pin_expired", message: "The plex.tv code expired." } }, 410),
    ];
    const { backend } = backendAnswering(() => answers.shift()!);

    await expect(backend.testTautulli()).rejects.toMatchObject({ code: "test_not_received", message: hint });
    await expect(backend.checkPlexPin("512")).rejects.toMatchObject({ code: "pin_expired" });
  });

  it("refuses an overview it cannot read instead of handing it to the wizard", async () => {
    const { sources: _sources, ...withoutSources } = setupOverview();
    const { backend } = backendAnswering(() => jsonResponse(withoutSources));

    await expect(backend.getSetup()).rejects.toThrow("sent an answer to /api/v1/setup this UI does not understand");
  });

  it("waits longer for calls that wait on Tautulli than for the engine's own answers", async () => {
    // Every answer takes 60 ms; the usual timeout is 20 ms.
    const fetchMock = vi.fn<typeof fetch>(
      (_input, init) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve(jsonResponse({ received: true, round_trip_ms: 55 })), 60);
          init?.signal?.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(init.signal?.reason);
          });
        }),
    );
    const backend = createHttpBackend({
      origin: ORIGIN,
      token: "secret-token",
      fetch: fetchMock,
      WebSocket: FakeWebSocket,
      requestTimeoutMs: 20,
    });

    await expect(backend.testTautulli()).resolves.toEqual({ received: true, round_trip_ms: 55 });
    await expect(backend.getSetup()).rejects.toThrow(`Cannot reach the engine at ${ORIGIN}`);
  });

  it("without the token, says the setup needs the server's link", async () => {
    const { backend, fetchMock } = backendAnswering(() => jsonResponse(setupOverview()), null);

    await expect(backend.getSetup()).rejects.toThrow(
      "Setup steps need the API token: open the link printed by cartographus-server.",
    );
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("opens external pages in a new tab", async () => {
    const { backend, openWindow } = backendAnswering(() => jsonResponse({}));

    await backend.openExternal("https://app.plex.tv/auth#?code=WXYZ");

    expect(openWindow).toHaveBeenCalledExactlyOnceWith("https://app.plex.tv/auth#?code=WXYZ");
  });
});

describe("httpBackend listener", () => {
  it("moves the listener with PUT and checks it with POST, the token in the header", async () => {
    const moved = { previous: "127.0.0.1:3857", listen: "192.168.1.20:3857", url: "http://192.168.1.20:3857/", changed: true };
    const answers = [jsonResponse(moved), jsonResponse({ url: "http://192.168.1.20:3857/api/v1/health", status: "ok", round_trip_ms: 4 })];
    const { backend, call } = backendAnswering(() => answers.shift()!);

    await expect(backend.setListen({ address: "192.168.1.20:3857" })).resolves.toEqual(moved);
    expect(call(0)).toMatchObject({ url: `${ORIGIN}/api/v1/setup/listen`, method: "PUT", body: { address: "192.168.1.20:3857" } });
    expect(call(0).headers.get("Authorization")).toBe("Bearer secret-token");
    await expect(backend.checkListen({ address: "192.168.1.20:3857" })).resolves.toMatchObject({ status: "ok", round_trip_ms: 4 });
    expect(call(1)).toMatchObject({ url: `${ORIGIN}/api/v1/setup/listen/check`, method: "POST", body: { address: "192.168.1.20:3857" } });
  });

  it("refusals keep their code", async () => {
    const { backend } = backendAnswering(() =>
      jsonResponse({ error: { code: "locked", message: "the listen address is fixed by --listen" } }, 409),
    );
    const failure = await backend.setListen({ address: "0.0.0.0:3857" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EngineError);
    expect(failure).toMatchObject({ code: "locked" });
  });

  it("continues at the new address with the token when the page's own address stopped answering", () => {
    const { backend } = backendAnswering(() => jsonResponse({}));
    const changed = (listen: string) => ({ previous: "127.0.0.1:3857", listen, url: "", changed: true });
    expect(backend.continueAt(changed("192.168.1.20:3857"))).toBe("http://192.168.1.20:3857/#token=secret-token");
    expect(backend.continueAt(changed("0.0.0.0:3857"))).toBeNull();
    expect(backend.continueAt(changed("0.0.0.0:4000"))).toBe("http://127.0.0.1:4000/#token=secret-token");
  });
});
