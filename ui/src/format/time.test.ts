// Playback positions and moments as shown (tests run with TZ=UTC, see vite.config.ts).
import { describe, expect, it } from "vitest";
import { formatDateTime, formatPlayback, formatTimeOfDay } from "./time";

describe("formatPlayback", () => {
  it("shows minutes and seconds, and hours when there are any", () => {
    expect(formatPlayback(0)).toBe("0:00");
    expect(formatPlayback(5_999)).toBe("0:05");
    expect(formatPlayback(754_000)).toBe("12:34");
    expect(formatPlayback(3_723_000)).toBe("1:02:03");
  });

  it("treats nonsense as zero", () => {
    expect(formatPlayback(-5_000)).toBe("0:00");
    expect(formatPlayback(Number.NaN)).toBe("0:00");
  });
});

describe("formatTimeOfDay and formatDateTime", () => {
  it("shows a moment on a 24-hour clock", () => {
    expect(formatTimeOfDay("2026-11-27T21:03:12.456Z")).toBe("21:03:12");
    expect(formatDateTime("2026-11-27T21:03:12Z")).toBe("Nov 27, 21:03:12");
  });

  it("shows what is not a time as it came", () => {
    expect(formatTimeOfDay("soon")).toBe("soon");
    expect(formatDateTime("")).toBe("");
  });
});
