// The browser page after the listener moved: whether its own address still answers, and the
// page to open otherwise (the new address, the token in the fragment).
import { describe, expect, it } from "vitest";
import { pageAfterMove, stillServes, withoutFragment } from "./listenMove";

describe("listenMove", () => {
  it("knows when the new listener still serves the page's address", () => {
    expect(stillServes("http://127.0.0.1:3857", "0.0.0.0:3857")).toBe(true);
    expect(stillServes("http://192.168.1.20:3857", "192.168.1.20:3857")).toBe(true);
    expect(stillServes("http://localhost:3857", "127.0.0.1:3857")).toBe(true);
    expect(stillServes("http://[::1]:3857", "[::]:3857")).toBe(true);
    expect(stillServes("http://127.0.0.1:3857", "192.168.1.20:3857")).toBe(false);
    expect(stillServes("http://127.0.0.1:3857", "0.0.0.0:3858")).toBe(false);
    expect(stillServes("http://nas.local", "0.0.0.0:80")).toBe(true);
  });

  it("opens the new address with the token, under the page's own name on all interfaces", () => {
    expect(pageAfterMove("http://127.0.0.1:3857", "tok en", "192.168.1.20:3857")).toBe("http://192.168.1.20:3857/#token=tok%20en");
    expect(pageAfterMove("http://nas.local:3857", "t", "0.0.0.0:4000")).toBe("http://nas.local:4000/#token=t");
    expect(pageAfterMove("http://127.0.0.1:3857", null, "127.0.0.2:3857")).toBe("http://127.0.0.2:3857/");
    expect(pageAfterMove("http://127.0.0.1:3857", "t", "0.0.0.0:3857")).toBeNull();
  });

  it("shows an address without its fragment", () => {
    expect(withoutFragment("http://192.168.1.20:3857/#token=secret")).toBe("http://192.168.1.20:3857/");
    expect(withoutFragment("http://192.168.1.20:3857/")).toBe("http://192.168.1.20:3857/");
  });
});
