// jsdom lays nothing out (every element is 0 × 0): a virtualised list would show no rows. Tests
// of such lists give every element a viewport-like size for the file's duration.
import { afterAll, beforeAll } from "vitest";

export function giveElementsASize(sizes: { clientHeight: number; clientWidth: number } = { clientHeight: 600, clientWidth: 1200 }) {
  const saved = Object.fromEntries(Object.keys(sizes).map((key) => [key, Object.getOwnPropertyDescriptor(HTMLElement.prototype, key)]));
  beforeAll(() => {
    for (const [key, value] of Object.entries(sizes)) {
      Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => value });
    }
  });
  afterAll(() => {
    for (const [key, descriptor] of Object.entries(saved)) {
      if (descriptor) Object.defineProperty(HTMLElement.prototype, key, descriptor);
    }
  });
}
