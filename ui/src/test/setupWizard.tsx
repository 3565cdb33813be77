// Renders the setup wizard against a fake Backend (short poll intervals) and finds its steps.
import { fireEvent, render, screen, within } from "@testing-library/react";
import { vi } from "vitest";
import type { SetupOverview } from "../backend/Backend";
import { SetupWizard } from "../setup/SetupWizard";
import type { StepId } from "../setup/steps";
import { createFakeBackend, type FakeBackendOptions } from "./fakeBackend";
import { setupOverview } from "./fixtures";
import { TestProviders } from "./TestProviders";

/** getSetup answering each overview in turn, then the last one again and again. */
export function overviewsInTurn(...overviews: SetupOverview[]): () => Promise<SetupOverview> {
  let next = 0;
  return () => Promise.resolve(overviews[Math.min(next++, overviews.length - 1)]!);
}

export async function renderWizard(options: FakeBackendOptions = {}) {
  const backend = createFakeBackend({ getSetup: () => Promise.resolve(setupOverview()), ...options });
  const onClose = vi.fn();
  render(
    <TestProviders backend={backend}>
      <SetupWizard onClose={onClose} eventPollMs={20} pinPollMs={10} />
    </TestProviders>,
  );
  await screen.findByTestId("setup-panel-listener");
  return { backend, onClose };
}

/** Opens a step from the step list; returns its panel to query within. */
export function openStep(step: StepId) {
  fireEvent.click(screen.getByTestId(`setup-step-${step}`));
  return within(screen.getByTestId(`setup-panel-${step}`));
}

/** The state the step list shows for a step (not-started, waiting, connected, failing, skipped). */
export function stepState(step: StepId): string | null {
  return screen.getByTestId(`setup-step-${step}`).getAttribute("data-state");
}

/** Types into an input the way React hears it. */
export function type(element: HTMLElement, value: string) {
  fireEvent.change(element, { target: { value } });
}
