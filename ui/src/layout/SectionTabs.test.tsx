// Section tabs as ARIA tabs: one selected and focusable, arrows / Home / End move, a count on
// Dead letters only when some wait.
import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { SectionTabs, type SectionId } from "./SectionTabs";

function Tabs({ dlqCount = null }: { dlqCount?: number | null }) {
  const [active, setActive] = useState<SectionId>("live");
  return <SectionTabs active={active} onSelect={setActive} dlqCount={dlqCount} />;
}

describe("SectionTabs", () => {
  it("moves with the arrow keys, Home and End, wrapping around, and focuses the tab chosen", () => {
    render(<Tabs />);
    const live = screen.getByRole("tab", { name: "Live" });
    expect(live.getAttribute("aria-selected")).toBe("true");
    expect(live.tabIndex).toBe(0);
    expect(screen.getByRole("tab", { name: "History" }).tabIndex).toBe(-1);

    fireEvent.keyDown(live, { key: "ArrowRight" });
    expect(screen.getByRole("tab", { name: "History" }).getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(screen.getByRole("tab", { name: "History" }));

    fireEvent.keyDown(document.activeElement!, { key: "End" });
    expect(screen.getByTestId("tab-settings").getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowRight" });
    expect(live.getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(live, { key: "ArrowLeft" });
    expect(screen.getByTestId("tab-settings").getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(document.activeElement!, { key: "Home" });
    expect(live.getAttribute("aria-selected")).toBe("true");
  });

  it("shows how many dead letters wait, and nothing when none do", () => {
    const { rerender } = render(<SectionTabs active="live" onSelect={() => {}} dlqCount={1234} />);
    expect(screen.getByTestId("tab-dlq-count").textContent).toBe("1,234");
    expect(screen.getByRole("tab", { name: "Dead letters, 1,234 waiting" })).toBeTruthy();

    rerender(<SectionTabs active="live" onSelect={() => {}} dlqCount={0} />);
    expect(screen.queryByTestId("tab-dlq-count")).toBeNull();
  });
});
