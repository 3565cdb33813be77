// Vitest setup: unmount what each test rendered, so tests never see each other's DOM.
// (Times render in UTC in tests: vite.config.ts sets TZ for the test environment.)
import { notifyManager } from "@tanstack/react-query";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// The query cache tells components about changes on the next tick by default; in tests it tells
// them at once, so a push inside act() is on screen when act() returns, as with React state.
notifyManager.setScheduler((notify) => notify());

// jsdom has no canvas (it would only log "not implemented"): getContext answers null, as a
// browser without canvas would, and the Chart wrapper then shows its table instead of uPlot.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;

afterEach(() => {
  cleanup();
  // The route lives in the URL fragment; each test starts at the default section.
  window.history.replaceState(null, "", "/");
});
