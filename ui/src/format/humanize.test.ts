// Formatting of counts, uptimes and sizes as they appear on the Health view.
import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatUptime } from "./humanize";

describe("formatCount", () => {
  it("groups thousands with commas", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1_000)).toBe("1,000");
    expect(formatCount(1_234_567)).toBe("1,234,567");
  });
});

describe("formatUptime", () => {
  it("shows seconds under a minute", () => {
    expect(formatUptime(0)).toBe("0s");
    expect(formatUptime(42)).toBe("42s");
    expect(formatUptime(59.9)).toBe("59s");
  });

  it("shows minutes and seconds under an hour", () => {
    expect(formatUptime(60)).toBe("1m");
    expect(formatUptime(312)).toBe("5m 12s");
    expect(formatUptime(3_599)).toBe("59m 59s");
  });

  it("shows hours and minutes under a day, days and hours beyond", () => {
    expect(formatUptime(3_600)).toBe("1h");
    expect(formatUptime(3 * 3_600 + 5 * 60 + 59)).toBe("3h 5m");
    expect(formatUptime(86_400)).toBe("1d");
    expect(formatUptime(2 * 86_400 + 4 * 3_600 + 120)).toBe("2d 4h");
  });

  it("treats nonsense as zero", () => {
    expect(formatUptime(-5)).toBe("0s");
    expect(formatUptime(Number.NaN)).toBe("0s");
  });
});

describe("formatBytes", () => {
  it("keeps small sizes in bytes", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1_023)).toBe("1023 B");
  });

  it("uses one decimal below 10 and whole numbers above, 1024-based", () => {
    expect(formatBytes(1_024)).toBe("1.0 KB");
    expect(formatBytes(1_536)).toBe("1.5 KB");
    expect(formatBytes(38 * 1024 * 1024)).toBe("38 MB");
    expect(formatBytes(38.4 * 1024 * 1024)).toBe("38 MB");
    expect(formatBytes(2.1 * 1024 ** 3)).toBe("2.1 GB");
    expect(formatBytes(3 * 1024 ** 4)).toBe("3.0 TB");
    expect(formatBytes(5_000 * 1024 ** 4)).toBe("5000 TB");
  });

  it("moves to the next unit when rounding would reach 1024", () => {
    expect(formatBytes(1_023.7 * 1024)).toBe("1.0 MB");
    expect(formatBytes(9.97 * 1024)).toBe("10 KB");
  });

  it("treats nonsense as zero", () => {
    expect(formatBytes(-1)).toBe("0 B");
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe("0 B");
  });
});
