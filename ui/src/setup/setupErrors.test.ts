// Every setup error code gets its own sentence saying what to do, with the engine's words kept;
// anything else shows as the engine (or the transport) put it.
import { describe, expect, it } from "vitest";
import { EngineError } from "../backend/errors";
import { setupFailure } from "./setupErrors";

const CODES = [
  "invalid_url",
  "tautulli_unauthorized",
  "tautulli_unreachable",
  "tautulli_error",
  "test_not_received",
  "not_connected",
  "plex_unauthorized",
  "plextv_unreachable",
  "pin_expired",
];

describe("setupFailure", () => {
  it("says something different for each contract code, keeping the engine's message as the detail", () => {
    const texts = CODES.map((code) => {
      const message = setupFailure(new EngineError(code, `engine says ${code}`));
      expect(message).toMatchObject({ tone: "error", code, outcome: code, detail: `engine says ${code}` });
      return message.text;
    });
    expect(new Set(texts).size).toBe(CODES.length);
  });

  it("names the likely cause of a test that never arrived", () => {
    expect(setupFailure(new EngineError("test_not_received", "hint")).text).toContain(
      "the address Tautulli was given is not reachable from the machine Tautulli runs on",
    );
  });

  it("shows an unknown code or a transport failure as it was said", () => {
    expect(setupFailure(new EngineError("engine_starting", "The engine is still starting."))).toEqual({
      tone: "error",
      text: "The engine is still starting.",
      code: "engine_starting",
      outcome: "engine_starting",
    });
    expect(setupFailure(new Error("Cannot reach the engine at http://127.0.0.1:3857: Failed to fetch"))).toMatchObject({
      text: "Cannot reach the engine at http://127.0.0.1:3857: Failed to fetch",
      code: null,
      outcome: "failed",
    });
  });
});
