// The Stats guard: the engine's full figures pass, direct mode's nulls pass, and bodies missing
// what the views read (or with the wrong types) are refused.
import { describe, expect, it } from "vitest";
import { isStats } from "./statsGuard";
import { directStats, jetstreamStats } from "../test/fixtures";

describe("isStats", () => {
  it("accepts JetStream and direct-mode figures", () => {
    expect(isStats(jetstreamStats)).toBe(true);
    expect(isStats(directStats)).toBe(true);
  });

  it("refuses bodies without the newer figures or with the wrong shapes", () => {
    const { dlq_by_kind: _kinds, ...withoutKinds } = jetstreamStats;
    expect(isStats(withoutKinds)).toBe(false);
    expect(isStats({ ...jetstreamStats, ingest_rate: { plex: 3 } })).toBe(false);
    expect(isStats({ ...jetstreamStats, latency: { webhook_ack: null } })).toBe(false);
    expect(isStats({ ...jetstreamStats, consumers: null })).toBe(false);
    expect(isStats({ ...jetstreamStats, writer: null })).toBe(false);
    expect(isStats({ ...jetstreamStats, duplicates_dropped: "17" })).toBe(false);
    expect(isStats(null)).toBe(false);
  });
});
