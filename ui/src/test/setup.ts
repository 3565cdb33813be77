// Vitest setup: unmount what each test rendered, so tests never see each other's DOM.
// (Times render in UTC in tests: vite.config.ts sets TZ for the test environment.)
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
  // The route lives in the URL fragment; each test starts at the default section.
  window.history.replaceState(null, "", "/");
});
