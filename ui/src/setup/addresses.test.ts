// Where sources are told to call: this computer or a LAN address, with the listener's port, and
// the webhook URLs moved onto that address (the token kept, or left out for showing).
import { describe, expect, it } from "vitest";
import {
  addressChoices,
  lanBase,
  listenCovers,
  listensOnLoopback,
  localBase,
  rebase,
  validPort,
  withoutToken,
  withScheme,
} from "./addresses";

describe("addresses", () => {
  it("offers this computer first, then each LAN address with the listener's port", () => {
    expect(addressChoices({ listen: "127.0.0.1:3857", lan_addresses: ["192.168.1.20", "10.0.0.5"] })).toEqual([
      { id: "local", address: "127.0.0.1:3857", base: "http://127.0.0.1:3857", lan: false },
      { id: "192.168.1.20", address: "192.168.1.20:3857", base: "http://192.168.1.20:3857", lan: true },
      { id: "10.0.0.5", address: "10.0.0.5:3857", base: "http://10.0.0.5:3857", lan: true },
    ]);
  });

  it("puts every choice on the port given, and this computer on loopback wherever the app listens", () => {
    const choices = addressChoices({ listen: "192.168.1.20:3857", lan_addresses: ["192.168.1.20", "fd00::20"] }, "4000");
    expect(choices.map((choice) => choice.address)).toEqual(["127.0.0.1:4000", "192.168.1.20:4000", "[fd00::20]:4000"]);
    expect(addressChoices({ listen: "[::1]:3857", lan_addresses: [] })[0]!.base).toBe("http://[::1]:3857");
  });

  it("knows which addresses a listener answers, and which ports are ports", () => {
    expect(listenCovers("0.0.0.0:3857", "192.168.1.20:3857")).toBe(true);
    expect(listenCovers("127.0.0.1:3857", "127.0.0.1:3857")).toBe(true);
    expect(listenCovers("127.0.0.1:3857", "192.168.1.20:3857")).toBe(false);
    expect(listenCovers("0.0.0.0:3857", "192.168.1.20:4000")).toBe(false);
    expect(validPort(" 3858 ")).toBe("3858");
    for (const bad of ["0", "65536", "38a", "", "-1"]) expect(validPort(bad)).toBeNull();
  });

  it("reaches an all-interfaces listener on 127.0.0.1 from this computer", () => {
    expect(localBase("0.0.0.0:3857")).toBe("http://127.0.0.1:3857");
    expect(localBase("[::]:9000")).toBe("http://127.0.0.1:9000");
    expect(localBase("192.168.1.20:3857")).toBe("http://192.168.1.20:3857");
  });

  it("takes LAN addresses as they come: bare, with a port, IPv6, or already a URL", () => {
    expect(lanBase("192.168.1.20:4000", "127.0.0.1:3857")).toBe("http://192.168.1.20:4000");
    expect(lanBase("fd00::20", "127.0.0.1:3857")).toBe("http://[fd00::20]:3857");
    expect(lanBase("[fd00::20]:4000", "127.0.0.1:3857")).toBe("http://[fd00::20]:4000");
    expect(lanBase("http://nas.local:3857/", "127.0.0.1:3857")).toBe("http://nas.local:3857");
  });

  it("knows when only this computer can reach the listener", () => {
    expect(listensOnLoopback("127.0.0.1:3857")).toBe(true);
    expect(listensOnLoopback("[::1]:3857")).toBe(true);
    expect(listensOnLoopback("0.0.0.0:3857")).toBe(false);
    expect(listensOnLoopback("192.168.1.20:3857")).toBe(false);
  });

  it("moves a webhook URL onto the chosen address, keeping path and token, or shows it without the token", () => {
    const url = "http://127.0.0.1:3857/webhooks/jellyfin?token=wh-secret";
    expect(rebase(url, "http://192.168.1.20:3857")).toBe("http://192.168.1.20:3857/webhooks/jellyfin?token=wh-secret");
    expect(withoutToken(url)).toBe("http://127.0.0.1:3857/webhooks/jellyfin");
    expect(rebase("not a url", "http://192.168.1.20:3857")).toBe("not a url");
  });

  it("adds http:// to an address typed without a scheme", () => {
    expect(withScheme(" 192.168.1.10:8181 ")).toBe("http://192.168.1.10:8181");
    expect(withScheme("https://tautulli.example")).toBe("https://tautulli.example");
    expect(withScheme("  ")).toBe("");
  });
});
