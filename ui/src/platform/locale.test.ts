import { describe, expect, it } from "vitest";
import { repairNavigatorLanguage } from "./locale";

/** A navigator whose language getters live on its prototype, as in a browser. */
function navigatorReporting(language: string, languages: string[]): Navigator {
  const proto = {
    get language() {
      return language;
    },
    get languages() {
      return languages;
    },
  };
  return Object.create(proto) as Navigator;
}

describe("repairNavigatorLanguage", () => {
  it("turns WebKitGTK's 'C' (from LANG=C.UTF-8) into en-US, which Intl accepts", () => {
    const nav = navigatorReporting("C", ["C"]);
    expect(repairNavigatorLanguage(nav)).toBe("en-US");
    expect(nav.language).toBe("en-US");
    expect(nav.languages).toEqual(["en-US"]);
    expect(() => new Intl.NumberFormat(nav.language)).not.toThrow();
  });

  it("keeps the valid languages of a list and drops the invalid ones", () => {
    const nav = navigatorReporting("C", ["C", "de-DE", "fr"]);
    expect(repairNavigatorLanguage(nav)).toBe("de-DE");
    expect(nav.languages).toEqual(["de-DE", "fr"]);
  });

  it("leaves a valid navigator untouched", () => {
    const nav = navigatorReporting("pt-BR", ["pt-BR", "en"]);
    expect(repairNavigatorLanguage(nav)).toBe("pt-BR");
    expect(Object.getOwnPropertyNames(nav)).toEqual([]);
  });

  it("treats an empty language as invalid", () => {
    const nav = navigatorReporting("", []);
    expect(repairNavigatorLanguage(nav)).toBe("en-US");
  });
});
