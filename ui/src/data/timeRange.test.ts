// Ranges and the zone offsets the engine is told: presets count back from now, custom dates are
// local days, and a daylight-saving change inside the range is found to the minute.
import { afterEach, describe, expect, it } from "vitest";
import { resolveRange, zoneOffsets } from "./timeRange";

// Node reads TZ afresh when it changes, so one test can stand in another zone (no @types/node here).
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
const originalZone = env.TZ;
afterEach(() => {
  env.TZ = originalZone;
});

describe("time ranges", () => {
  it("counts presets back from now and leaves all time open", () => {
    const now = new Date("2026-11-30T12:00:00Z");
    expect(resolveRange("7d", null, null, now)).toEqual({ since: "2026-11-23T12:00:00.000Z", until: null });
    expect(resolveRange("all", null, null, now)).toEqual({ since: null, until: null });
  });

  it("takes custom dates as whole local days, the last included", () => {
    env.TZ = "Europe/Berlin";
    const range = resolveRange("custom", "2026-11-01", "2026-11-30", new Date());
    expect(range).toEqual({ since: "2026-10-31T23:00:00.000Z", until: "2026-11-30T23:00:00.000Z" });
  });

  it("states one offset where the zone does not change, and each change where it does", () => {
    expect(zoneOffsets("2026-11-01T00:00:00Z", "2026-11-30T00:00:00Z", new Date())).toBe("0");
    env.TZ = "Europe/Berlin";
    expect(zoneOffsets("2026-03-01T00:00:00Z", "2026-11-30T00:00:00Z", new Date())).toBe(
      "60,120@2026-03-29T01:00:00.000Z,60@2026-10-25T01:00:00.000Z",
    );
    env.TZ = "America/New_York";
    expect(zoneOffsets("2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z", new Date())).toBe("-300");
  });
});
