// Chart data from the analytics rows: the metric a person chose (plays or time played), rows
// with a series folded into one column per day, missing days and hours filled with zeros so the
// axis is continuous, and labels a person reads.
import type { PlaysRow } from "../backend/Backend";

export type Metric = "plays" | "duration";
/** How a chart's values read: a metric, or streams at once (concurrency). */
export type Unit = Metric | "streams";

export type Grid = {
  categories: string[];
  series: string[];
  /** values[category index][series index] */
  values: number[][];
};

export function metricValue(row: Pick<PlaysRow, "plays" | "duration_s">, metric: Metric): number {
  return metric === "plays" ? row.plays : row.duration_s;
}

/** "3 plays" / "2 h 05 min". */
export function formatMetric(value: number, metric: Unit): string {
  if (metric === "streams") return `${value.toLocaleString("en-US")} ${value === 1 ? "stream" : "streams"}`;
  if (metric === "plays") return `${value.toLocaleString("en-US")} ${value === 1 ? "play" : "plays"}`;
  const hours = Math.floor(value / 3600);
  const minutes = Math.round((value % 3600) / 60);
  return hours > 0 ? `${hours} h ${String(minutes).padStart(2, "0")} min` : `${minutes} min`;
}

/** Every local day `YYYY-MM-DD` from `first` to `last`, inclusive. */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  const [y, m, d] = first.split("-").map(Number);
  const day = new Date(y!, m! - 1, d!);
  for (let guard = 0; guard < 4000; guard += 1) {
    const text = localDay(day);
    days.push(text);
    if (text >= last) break;
    day.setDate(day.getDate() + 1);
  }
  return days;
}

export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The rows as a grid over `categories` (rows of other keys are kept, in their order, after them). */
export function toGrid(rows: PlaysRow[], metric: Metric, categories: string[] = []): Grid {
  const allCategories = [...categories];
  const series: string[] = [];
  for (const row of rows) {
    if (!allCategories.includes(row.key)) allCategories.push(row.key);
    const name = row.series ?? "";
    if (!series.includes(name)) series.push(name);
  }
  if (series.length === 0) series.push("");
  series.sort();
  const values = allCategories.map(() => series.map(() => 0));
  for (const row of rows) {
    const c = allCategories.indexOf(row.key);
    const s = series.indexOf(row.series ?? "");
    values[c]![s]! += metricValue(row, metric);
  }
  return { categories: allCategories, series, values };
}

export const HOURS = Array.from({ length: 24 }, (_, h) => String(h));
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** Labels of series values as the engine names them. */
export function seriesLabel(name: string): string {
  const labels: Record<string, string> = {
    movie: "Movies",
    episode: "Episodes",
    track: "Music",
    other: "Other",
    "direct play": "Direct play",
    "direct stream": "Direct stream",
    transcode: "Transcode",
    unknown: "Unknown",
    "": "Plays",
  };
  return labels[name] ?? name;
}
