// The history's samples as chart series: one row per sample (its time), ingest per source per
// second, stored per second, and the backlogs (spool, writer pending, writer ack pending).
import type { StatsHistoryView } from "../backend/Backend";
import type { ChartSeries } from "../charts/Chart";
import { formatTimeOfDay } from "../format/time";

export type HistoryRows = { rows: string[]; times: number[] };

const SOURCE_NAMES: Record<string, string> = { tautulli: "Tautulli", plex: "Plex", jellyfin: "Jellyfin", emby: "Emby" };

export function sourceName(key: string): string {
  return SOURCE_NAMES[key] ?? key;
}

export function historyRows(history: StatsHistoryView): HistoryRows {
  return {
    rows: history.samples.map((s) => formatTimeOfDay(s.at)),
    times: history.samples.map((s) => Date.parse(s.at) / 1000),
  };
}

/** Every source any sample names, in a stable order, each a series (null where a sample had none). */
export function ingestSeries(history: StatsHistoryView): ChartSeries[] {
  const sources = [...new Set(history.samples.flatMap((s) => Object.keys(s.ingest_per_s)))].sort();
  return sources.map((source) => ({
    label: sourceName(source),
    values: history.samples.map((s) => s.ingest_per_s[source] ?? null),
  }));
}

export function storedSeries(history: StatsHistoryView): ChartSeries[] {
  return [{ label: "Stored", values: history.samples.map((s) => s.stored_per_s) }];
}

export function backlogSeries(history: StatsHistoryView, direct: boolean): ChartSeries[] {
  const spool = { label: "Spool", values: history.samples.map((s) => s.spool_pending) };
  if (direct) return [spool];
  return [
    spool,
    { label: "Writer pending", values: history.samples.map((s) => s.writer_pending) },
    { label: "Writer ack pending", values: history.samples.map((s) => s.writer_ack_pending) },
  ];
}
