// The paused-ingestion banner: shown wherever the engine reports the pause, with Resume; on the
// Health section, a Pause button when ingestion runs.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Health } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { createFakeBackend } from "../test/fakeBackend";
import { healthyHealth } from "../test/fixtures";
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
      <BackendProvider backend={backend}>
        <IngestionNotice health={withIngestion("disabled")} offerPause={false} />
      </BackendProvider>,
    );
    const notice = screen.getByTestId("ingestion-notice");
    expect(notice.textContent).toContain("503 ingestion_paused");
    fireEvent.click(screen.getByTestId("ingestion-toggle"));
    await waitFor(() => expect(resumeIngestion).toHaveBeenCalled());
  });

  it("offers a pause only where asked, and nothing while ingestion runs elsewhere", () => {
    const pauseIngestion = vi.fn().mockResolvedValue({ paused: true, since: "2025-11-30T19:40:00Z" });
    const backend = createFakeBackend({ operations: { pauseIngestion } });
    const { rerender } = render(
      <BackendProvider backend={backend}>
        <IngestionNotice health={withIngestion("up")} offerPause={false} />
      </BackendProvider>,
    );
    expect(screen.queryByTestId("ingestion-notice")).toBeNull();
    rerender(
      <BackendProvider backend={backend}>
        <IngestionNotice health={withIngestion("up")} offerPause />
      </BackendProvider>,
    );
    fireEvent.click(screen.getByTestId("ingestion-toggle"));
    expect(pauseIngestion).toHaveBeenCalled();
  });
});
