// Part ordering and naming rules.
import { describe, expect, it } from "vitest";
import { orderedParts, partDisplayName } from "./parts";

describe("orderedParts", () => {
  it("puts listener, nats, duckdb first, then other keys alphabetically", () => {
    const up = { status: "up", detail: "" } as const;
    const keys = orderedParts({ zulu: up, duckdb: up, alpha: up, listener: up, nats: up }).map(
      (part) => part.key,
    );
    expect(keys).toEqual(["listener", "nats", "duckdb", "alpha", "zulu"]);
  });

  it("copes with only some of the core parts", () => {
    const up = { status: "up", detail: "" } as const;
    expect(orderedParts({ duckdb: up, extra: up }).map((part) => part.key)).toEqual(["duckdb", "extra"]);
  });
});

describe("partDisplayName", () => {
  it("uses product names for known parts", () => {
    expect(partDisplayName("listener")).toBe("Listener");
    expect(partDisplayName("nats")).toBe("NATS JetStream");
    expect(partDisplayName("duckdb")).toBe("DuckDB");
  });

  it("title-cases unknown keys", () => {
    expect(partDisplayName("tautulli_poller")).toBe("Tautulli Poller");
    expect(partDisplayName("geo-ip")).toBe("Geo Ip");
    expect(partDisplayName("webhooks")).toBe("Webhooks");
  });
});
