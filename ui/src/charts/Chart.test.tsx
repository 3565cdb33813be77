// The Chart wrapper around uPlot: jsdom cannot draw, so uPlot is replaced by a recorder here and
// the canvas is made to answer; the tests check what the wrapper asks of uPlot (bars through the
// bars path builder, stacked sums, theme colours, resize, new data, destroy) and that without a
// canvas the table is shown open instead.
import { act, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Chart } from "./Chart";

type Made = {
  opts: { width: number; height: number; series: { label?: string; stroke?: string; paths?: unknown }[]; axes: unknown[] };
  data: (number | null)[][];
  setData: ReturnType<typeof vi.fn>;
  setSize: ReturnType<typeof vi.fn>;
  destroy: ReturnType<typeof vi.fn>;
  width: number;
};
const made: Made[] = [];
/** Errors the next charts throw while being made, as uPlot did in WebKitGTK 2.50. */
const failNext: string[] = [];
const barsBuilder = vi.fn((opts: unknown) => (opts === undefined ? "no-options" : "bars-path"));

vi.mock("uplot", () => {
  class FakeUPlot {
    static paths = { bars: (opts: unknown) => barsBuilder(opts) };
    width: number;
    setData = vi.fn();
    setSize = vi.fn();
    destroy = vi.fn();
    constructor(opts: Made["opts"], data: Made["data"]) {
      if (failNext.length > 0) throw new TypeError(failNext.pop());
      this.width = opts.width;
      made.push({ opts, data, setData: this.setData, setSize: this.setSize, destroy: this.destroy, width: opts.width });
    }
  }
  return { default: FakeUPlot };
});

let resizeCallback: ((entries: { contentRect: { width: number } }[]) => void) | null = null;
class FakeResizeObserver {
  constructor(callback: (entries: { contentRect: { width: number } }[]) => void) {
    resizeCallback = callback;
  }
  observe() {}
  disconnect() {
    resizeCallback = null;
  }
}

const format = (v: number) => `${v} plays`;

describe("Chart with a canvas", () => {
  beforeEach(() => {
    made.length = 0;
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue({} as CanvasRenderingContext2D);
    vi.stubGlobal("ResizeObserver", FakeResizeObserver);
    document.documentElement.style.setProperty("--chart-1", "#111111");
    document.documentElement.style.setProperty("--chart-2", "#222222");
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.documentElement.removeAttribute("style");
    delete document.documentElement.dataset.theme;
  });

  it("stacks bars through uPlot's bars path builder, top of the stack drawn first, in the theme's colours", async () => {
    render(
      <Chart
        kind="bars"
        rows={["Mon", "Tue"]}
        series={[
          { label: "Movies", values: [1, 2] },
          { label: "Episodes", values: [3, null] },
        ]}
        stacked
        format={format}
        label="Plays per day"
        testId="c"
      />,
    );
    await waitFor(() => expect(made).toHaveLength(1));
    const [chart] = made;
    expect(chart!.data).toEqual([[0, 1], [4, 2], [1, 2]]);
    expect(chart!.opts.series.slice(1).map((s) => [s.label, s.stroke, s.paths])).toEqual([
      ["Episodes", "#222222", "bars-path"],
      ["Movies", "#111111", "bars-path"],
    ]);
    expect(barsBuilder).toHaveBeenCalled();
    expect(screen.getByRole("img", { name: "Plays per day" })).toBeTruthy();
    const table = within(screen.getByTestId("c")).getAllByRole("row").map((r) => r.textContent);
    expect(table).toEqual([" MoviesEpisodes", "Mon1 plays3 plays", "Tue2 plays—"]);
  });

  it("feeds new values without a new chart, follows its box's width, remakes for a theme, and is destroyed on unmount", async () => {
    const props = { kind: "lines" as const, rows: ["12:00", "12:05"], times: [100, 105], format, label: "Stored per second", testId: "c" };
    const { rerender, unmount } = render(<Chart {...props} series={[{ label: "Stored", values: [1, 2] }]} />);
    await waitFor(() => expect(made).toHaveLength(1));
    expect(made[0]!.data).toEqual([[100, 105], [1, 2]]);

    rerender(<Chart {...props} times={[105, 110]} series={[{ label: "Stored", values: [2, 7] }]} />);
    await waitFor(() => expect(made[0]!.setData).toHaveBeenLastCalledWith([[105, 110], [2, 7]]));
    expect(made).toHaveLength(1);

    act(() => resizeCallback!([{ contentRect: { width: 640 } }]));
    expect(made[0]!.setSize).toHaveBeenCalledWith({ width: 640, height: 180 });

    document.documentElement.style.setProperty("--chart-1", "#abcdef");
    act(() => {
      document.documentElement.dataset.theme = "light";
    });
    await waitFor(() => expect(made).toHaveLength(2));
    expect(made[0]!.destroy).toHaveBeenCalledOnce();
    expect(made[1]!.opts.series[1]!.stroke).toBe("#abcdef");

    unmount();
    expect(made[1]!.destroy).toHaveBeenCalledOnce();
  });
});

describe("Chart that uPlot cannot make", () => {
  it("shows the table open in place of an empty box", async () => {
    made.length = 0;
    failNext.push("isArr is not a function");
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue({} as CanvasRenderingContext2D);
    render(<Chart kind="bars" rows={["Mon"]} series={[{ label: "Plays", values: [5] }]} format={format} label="By weekday" testId="c" />);
    const details = await waitFor(() => {
      const found = screen.getByTestId("c").querySelector("details")!;
      expect(found.open).toBe(true);
      return found;
    });
    expect(details.dataset.chartFailed).toBe("true");
    expect(details.textContent).toContain("By weekday");
    expect(screen.queryByRole("img")).toBeNull();
    expect(made).toHaveLength(0);
  });
});

describe("Chart without a canvas", () => {
  it("shows the table open and makes no uPlot chart", () => {
    made.length = 0;
    render(<Chart kind="bars" rows={["Mon"]} series={[{ label: "Plays", values: [5] }]} format={format} label="By weekday" testId="c" />);
    const details = screen.getByTestId("c").querySelector("details")!;
    expect(details.open).toBe(true);
    expect(details.textContent).toContain("By weekday");
    expect(screen.queryByRole("img")).toBeNull();
    expect(made).toHaveLength(0);
  });
});
