// The API token hand-over from the server's printed link to localStorage.
import { beforeEach, describe, expect, it } from "vitest";
import { API_TOKEN_STORAGE_KEY, takeApiToken } from "./apiToken";

describe("takeApiToken", () => {
  beforeEach(() => {
    window.localStorage.clear();
    window.history.replaceState(null, "", "/");
  });

  it("takes the token from the fragment, stores it and removes the fragment", () => {
    window.history.replaceState(null, "", "/dashboard?view=health#token=XYZ123");

    const token = takeApiToken(window.location, window.history, window.localStorage);

    expect(token).toBe("XYZ123");
    expect(window.localStorage.getItem(API_TOKEN_STORAGE_KEY)).toBe("XYZ123");
    expect(window.location.hash).toBe("");
    expect(window.location.href).toBe("http://localhost:3000/dashboard?view=health");
  });

  it("prefers a new token in the fragment over the stored one", () => {
    window.localStorage.setItem(API_TOKEN_STORAGE_KEY, "old");
    window.history.replaceState(null, "", "/#token=new");

    expect(takeApiToken(window.location, window.history, window.localStorage)).toBe("new");
    expect(window.localStorage.getItem(API_TOKEN_STORAGE_KEY)).toBe("new");
  });

  it("falls back to the stored token when the address has none", () => {
    window.localStorage.setItem(API_TOKEN_STORAGE_KEY, "remembered");

    expect(takeApiToken(window.location, window.history, window.localStorage)).toBe("remembered");
  });

  it("returns null when the browser never got a token, leaving other fragments alone", () => {
    window.history.replaceState(null, "", "/#section=health");

    expect(takeApiToken(window.location, window.history, window.localStorage)).toBeNull();
    expect(window.location.hash).toBe("#section=health");
  });

  it("still returns the token when storage is unavailable", () => {
    window.history.replaceState(null, "", "/#token=abc");

    expect(takeApiToken(window.location, window.history, null)).toBe("abc");
    expect(window.location.hash).toBe("");
  });
});
