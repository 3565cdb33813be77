// The paused-ingestion banner: shown wherever the engine reports the pause, with Resume; on the
// Health section, a Pause button when ingestion runs.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Health } from "../backend/Backend";
import { createFakeBackend } from "../test/fakeBackend";
import { healthyHealth } from "../test/fixtures";
import { TestProviders } from "../test/TestProviders";
import { IngestionNotice } from "./IngestionNotice";

const withIngestion = (status: "up" | "disabled"): Health => ({
  ...healthyHealth,
  parts: { ...healthyHealth.parts, ingestion: { status, detail: status === "up" ? "accepting webhooks" : "paused" } },
});

describe("IngestionNotice", () => {
  it("says ingestion is paused and resumes it", async () => {
    const resumeIngestion = vi.fn().mockResolvedValue({ paused: false, since: null });
    const backend = createFakeBackend({ operations: { resumeIngestion } });
    render(
      <TestProviders backend={backend}>
        <IngestionNotice health={withIngestion("disabled")} offerPause={false} />
      </TestProviders>,
    );
    const notice = screen.getByTestId("ingestion-notice");
    expect(notice.textContent).toContain("503 ingestion_paused");
    fireEvent.click(screen.getByTestId("ingestion-toggle"));
    await waitFor(() => expect(resumeIngestion).toHaveBeenCalled());
  });

  it("offers a pause only where asked, and nothing while ingestion runs elsewhere", async () => {
    const pauseIngestion = vi.fn().mockResolvedValue({ paused: true, since: "2025-11-30T19:40:00Z" });
    const backend = createFakeBackend({ operations: { pauseIngestion } });
    const { rerender } = render(
      <TestProviders backend={backend}>
        <IngestionNotice health={withIngestion("up")} offerPause={false} />
      </TestProviders>,
    );
    expect(screen.queryByTestId("ingestion-notice")).toBeNull();
    rerender(
      <TestProviders backend={backend}>
        <IngestionNotice health={withIngestion("up")} offerPause />
      </TestProviders>,
    );
    fireEvent.click(screen.getByTestId("ingestion-toggle"));
    await waitFor(() => expect(pauseIngestion).toHaveBeenCalled());
  });
});
