// The browser host's dead-letter and job calls: paths, queries, methods and bodies as docs/architecture.md#json-api
// has them, and the engine's {"error":{code, message}} turned into an EngineError.
import { describe, expect, it, vi } from "vitest";
import { EngineError } from "./errors";
import { createHttpBackend } from "./httpBackend";
import { FakeWebSocket } from "../test/FakeWebSocket";
import { dlqEntry, jobStatus } from "../test/fixtures";

const ORIGIN = "http://127.0.0.1:3857";

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function backendAnswering(answer: () => Response) {
  const fetchMock = vi.fn<typeof fetch>(async () => answer());
  const backend = createHttpBackend({ origin: ORIGIN, token: "secret-token", fetch: fetchMock, WebSocket: FakeWebSocket });
  const call = (index = 0) => {
    const [url, init] = fetchMock.mock.calls[index] ?? [];
    return {
      url: String(url),
      method: init?.method ?? "GET",
      body: typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : init?.body,
      headers: new Headers(init?.headers),
    };
  };
  return { backend, fetchMock, call };
}

describe("httpBackend dead letters", () => {
  it("lists with the filter and page in the query, leaving out what is unset", async () => {
    const page = { items: [dlqEntry()], next_cursor: "c2" };
    const { backend, call } = backendAnswering(() => jsonResponse(page));

    await expect(backend.listDlq({ source: "tautulli", kind: "rejected", q: "session key" }, { limit: 50 })).resolves.toEqual(page);
    expect(call().url).toBe(`${ORIGIN}/api/v1/dlq?source=tautulli&kind=rejected&q=session+key&limit=50`);
    expect(call().headers.get("Authorization")).toBe("Bearer secret-token");

    await backend.listDlq({ source: null, q: "" }, { cursor: "c2", limit: 50 });
    expect(call(1).url).toBe(`${ORIGIN}/api/v1/dlq?cursor=c2&limit=50`);
  });

  it("gets, retries (with or without an edited payload), deletes, and retries in bulk", async () => {
    const answers = [
      jsonResponse(dlqEntry()),
      jsonResponse({ id: "dlq-1", event_id: null, result: "ignored" }),
      jsonResponse({ id: "dlq 2", event_id: "ev-9", result: "stored" }),
      new Response(null, { status: 204 }),
      jsonResponse(jobStatus(), 202),
      jsonResponse(jobStatus({ id: "job-2" }), 202),
    ];
    const { backend, call } = backendAnswering(() => answers.shift()!);

    await expect(backend.getDlqEntry("dlq-1")).resolves.toEqual(dlqEntry());
    expect(call(0)).toMatchObject({ url: `${ORIGIN}/api/v1/dlq/dlq-1`, method: "GET" });

    await expect(backend.retryDlq("dlq-1", null)).resolves.toMatchObject({ result: "ignored" });
    expect(call(1)).toMatchObject({ url: `${ORIGIN}/api/v1/dlq/dlq-1/retry`, method: "POST", body: undefined });

    await expect(backend.retryDlq("dlq 2", '{"event":"play"}')).resolves.toMatchObject({ result: "stored" });
    expect(call(2)).toMatchObject({
      url: `${ORIGIN}/api/v1/dlq/dlq%202/retry`,
      method: "POST",
      body: { payload: '{"event":"play"}' },
    });
    expect(call(2).headers.get("Content-Type")).toBe("application/json");

    await expect(backend.deleteDlq("dlq-1")).resolves.toBeUndefined();
    expect(call(3)).toMatchObject({ url: `${ORIGIN}/api/v1/dlq/dlq-1`, method: "DELETE" });

    await expect(backend.retryDlqMany({ ids: ["a", "b"] })).resolves.toEqual(jobStatus());
    expect(call(4)).toMatchObject({ url: `${ORIGIN}/api/v1/dlq/retry`, method: "POST", body: { ids: ["a", "b"] } });
    await backend.retryDlqMany({ filter: { kind: "exhausted" } });
    expect(call(5).body).toEqual({ filter: { kind: "exhausted" } });
  });

  it("lists the groups and purges with the filter in the query", async () => {
    const group = {
      source: "tautulli",
      kind: "rejected",
      code: "invalid_json",
      count: 1204,
      first_failed_at: "2026-11-30T10:00:00Z",
      last_failed_at: "2026-11-30T11:00:00Z",
      sample_id: "dlq-1",
      sample_error: "the body is not valid JSON",
    };
    const answers = [jsonResponse([group]), jsonResponse({ deleted: 1204 })];
    const { backend, call } = backendAnswering(() => answers.shift()!);

    await expect(backend.listDlqGroups({ kind: "rejected" })).resolves.toEqual([group]);
    expect(call(0)).toMatchObject({ url: `${ORIGIN}/api/v1/dlq/groups?kind=rejected`, method: "GET" });
    await expect(backend.purgeDlq({ source: "tautulli", kind: "rejected", code: "invalid_json" })).resolves.toEqual({
      deleted: 1204,
    });
    expect(call(1)).toMatchObject({
      url: `${ORIGIN}/api/v1/dlq?source=tautulli&kind=rejected&code=invalid_json`,
      method: "DELETE",
    });
  });

  it("reads a job's progress", async () => {
    const { backend, call } = backendAnswering(() => jsonResponse(jobStatus({ done: 1 })));

    await expect(backend.getJob("job-1")).resolves.toMatchObject({ done: 1 });
    expect(call().url).toBe(`${ORIGIN}/api/v1/jobs/job-1`);
  });

  it("starts the Tautulli import and cancels a job", async () => {
    const { backend, call } = backendAnswering(() => jsonResponse({ job_id: "job-9", resumed_from: 2000 }, 202));

    await expect(backend.importTautulli({ since: "2025-01-31" })).resolves.toEqual({
      job_id: "job-9",
      resumed_from: 2000,
    });
    expect(call()).toMatchObject({
      url: `${ORIGIN}/api/v1/import/tautulli`,
      method: "POST",
      body: { since: "2025-01-31" },
    });
    await backend.cancelJob("job 9");
    expect(call(1)).toMatchObject({ url: `${ORIGIN}/api/v1/jobs/job%209`, method: "DELETE" });
  });

  it("rejects with the engine's code and message", async () => {
    const { backend } = backendAnswering(() =>
      jsonResponse({ error: { code: "invalid_json", message: "the body is not valid JSON: EOF" } }, 422),
    );

    const failure = await backend.retryDlq("dlq-1", null).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EngineError);
    expect(failure).toMatchObject({ code: "invalid_json", message: "the body is not valid JSON: EOF" });
  });

  it("explains other failures: no body, a refused token, no token at all", async () => {
    const broken = backendAnswering(() => new Response("oops", { status: 502, statusText: "Bad Gateway" }));
    await expect(broken.backend.deleteDlq("x")).rejects.toThrow(`The engine at ${ORIGIN} answered /api/v1/dlq/x with HTTP 502 Bad Gateway.`);

    const refused = backendAnswering(() => new Response("", { status: 401 }));
    await expect(refused.backend.listDlq({}, {})).rejects.toThrow("The engine refused the API token");

    const fetchMock = vi.fn<typeof fetch>();
    const tokenless = createHttpBackend({ origin: ORIGIN, token: null, fetch: fetchMock, WebSocket: FakeWebSocket });
    await expect(tokenless.listDlq({}, {})).rejects.toThrow("Dead letters need the API token");
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("refuses a list answer without items", async () => {
    const { backend } = backendAnswering(() => jsonResponse({ entries: [] }));

    await expect(backend.listDlq({}, {})).rejects.toThrow("this UI does not understand");
  });
});
