import type uPlot from "uplot";
import { describe, expect, it } from "vitest";
import { timeRange, timeScale } from "./chartOptions";

describe("timeRange", () => {
  const u = {} as uPlot;

  it("spans the samples when there are several", () => {
    expect(timeRange(u, 1_000, 1_900)).toEqual([1_000, 1_900]);
  });

  it("gives a lone sample a minute either side instead of years of axis", () => {
    expect(timeRange(u, 1_000, 1_000)).toEqual([940, 1_060]);
  });
});

describe("timeScale", () => {
  it("fixes a minute either side of a lone sample, which uPlot would leave unset", () => {
    expect(timeScale([1_000])).toEqual({ time: true, auto: false, range: [940, 1_060] });
  });

  it("follows the samples once there are several", () => {
    expect(timeScale([1_000, 1_005])).toEqual({ time: true, range: timeRange });
  });
});
