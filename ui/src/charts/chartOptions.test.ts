import type uPlot from "uplot";
import { describe, expect, it } from "vitest";
import { timeRange } from "./chartOptions";

describe("timeRange", () => {
  const u = {} as uPlot;

  it("spans the samples when there are several", () => {
    expect(timeRange(u, 1_000, 1_900)).toEqual([1_000, 1_900]);
  });

  it("gives a lone sample a minute either side instead of years of axis", () => {
    expect(timeRange(u, 1_000, 1_000)).toEqual([940, 1_060]);
  });
});
