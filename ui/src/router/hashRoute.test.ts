import { describe, expect, it } from "vitest";
import { formatRoute, parseHash } from "./hashRoute";

describe("hash routes", () => {
  it("reads the section, the selected item and the parameters", () => {
    const route = parseHash("#/history/s-a%2Fb?user=dana&range=7d");
    expect(route.section).toBe("history");
    expect(route.item).toBe("s-a/b");
    expect(route.params.get("user")).toBe("dana");
    expect(route.params.get("range")).toBe("7d");
  });

  it("falls back to Live for an empty or unknown fragment", () => {
    expect(parseHash("").section).toBe("live");
    expect(parseHash("#/nowhere/x").section).toBe("live");
    expect(parseHash("#/nowhere/x").item).toBeNull();
  });

  it("round-trips through its own format", () => {
    const params = new URLSearchParams({ q: "harbor lights", sort: "title" });
    const hash = formatRoute({ section: "history", item: "s-1", params });
    expect(hash).toBe("#/history/s-1?q=harbor+lights&sort=title");
    const back = parseHash(hash);
    expect([back.section, back.item, back.params.get("q")]).toEqual(["history", "s-1", "harbor lights"]);
    expect(formatRoute({ section: "dlq" })).toBe("#/dlq");
  });
});
