// Analytics over a chosen range (Tautulli's core set): plays per day by media type, by weekday
// and by hour, top users, titles and platforms, stream type per day and concurrent streams per
// day, counted as plays or as time played. Range, source and metric live in the URL.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Concurrent, Plays, PlaysBy, PlaysQuery, PlaysSeries, Source } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { RANGE_PRESETS, isRangeId, resolveRange, zoneOffsets, type RangeId } from "../data/timeRange";
import { SOURCES } from "../history/historyFilter";
import type { Route } from "../router/hashRoute";
import { useNavigate } from "../router/useRoute";
import { BarChart } from "./BarChart";
import { ChartCard } from "./ChartCard";
import { TopList } from "./TopList";
import { daysBetween, HOURS, localDay, metricValue, toGrid, WEEKDAYS, type Metric } from "./chartData";
import "./analytics.css";
import { queryKeys } from "../data/queryKeys";

type Settings = { range: RangeId; from: string | null; to: string | null; source: Source | null; metric: Metric };

function readSettings(params: URLSearchParams): Settings {
  const range = params.get("range");
  const source = SOURCES.find((s) => s.id === params.get("source"))?.id ?? null;
  return {
    range: isRangeId(range) ? range : "30d",
    from: params.get("from"),
    to: params.get("to"),
    source,
    metric: params.get("metric") === "duration" ? "duration" : "plays",
  };
}

function writeSettings(settings: Settings): URLSearchParams {
  const params = new URLSearchParams();
  if (settings.range !== "30d") params.set("range", settings.range);
  if (settings.range === "custom") {
    if (settings.from) params.set("from", settings.from);
    if (settings.to) params.set("to", settings.to);
  }
  if (settings.source) params.set("source", settings.source);
  if (settings.metric !== "plays") params.set("metric", settings.metric);
  return params;
}

const SHORT_DAY = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric" });
const dayTick = (day: string) => {
  const [y, m, d] = day.split("-").map(Number);
  return SHORT_DAY.format(new Date(y!, m! - 1, d!));
};

export function AnalyticsView({ route }: { route: Route }) {
  const backend = useBackend();
  const navigate = useNavigate();
  const query = route.params.toString();
  const settings = useMemo(() => readSettings(new URLSearchParams(query)), [query]);
  const { range, source, metric } = settings;
  const base = useMemo(() => {
    const now = new Date();
    const { since, until } = resolveRange(settings.range, settings.from, settings.to, now);
    return { since, until, source, tz: zoneOffsets(since, until, now), now };
  }, [settings.range, settings.from, settings.to, source]);
  const order = metric === "plays" ? "plays" : "duration";

  const plays = (by: PlaysBy, series: PlaysSeries | null = null, extra: Partial<PlaysQuery> = {}) => {
    const request: PlaysQuery = { by, series, since: base.since, until: base.until, source: base.source, tz: base.tz, ...extra };
    return { queryKey: queryKeys.plays(request), queryFn: () => backend.getAnalyticsPlays(request) };
  };
  const perDayByType = useQuery(plays("day", "media_type"));
  const byWeekday = useQuery(plays("weekday"));
  const byHour = useQuery(plays("hour"));
  const topUsers = useQuery(plays("user", null, { order }));
  const topTitles = useQuery(plays("title", null, { order }));
  const topPlatforms = useQuery(plays("platform", null, { order }));
  const streamPerDay = useQuery(plays("day", "transcode"));
  const concurrentRange = { since: base.since, until: base.until, source: base.source, tz: base.tz };
  const concurrent = useQuery({
    queryKey: queryKeys.concurrent(concurrentRange),
    queryFn: () => backend.getAnalyticsConcurrent(concurrentRange),
  });

  /** Every day of the range (from the first play when the range is open-ended). */
  const days = (data: { rows: { key: string }[] }) => {
    const first = base.since ? localDay(new Date(base.since)) : (data.rows[0]?.key ?? localDay(base.now));
    const last = base.until ? localDay(new Date(new Date(base.until).getTime() - 1)) : localDay(base.now);
    return first <= last ? daysBetween(first, last) : [];
  };
  const noRows = (data: Plays | Concurrent) => data.rows.length === 0;
  const change = (next: Partial<Settings>) => navigate({ section: "analytics", params: writeSettings({ ...settings, ...next }) });

  return (
    <section className="analytics" aria-labelledby="analytics-title">
      <header className="analytics__header">
        <h1 id="analytics-title">Analytics</h1>
        <form className="history-filters" aria-label="Analytics range" onSubmit={(event) => event.preventDefault()}>
          <label className="history-filters__field">
            <span>Time</span>
            <select
              value={range}
              data-testid="analytics-range"
              onChange={(event) => {
                const value = event.target.value;
                if (isRangeId(value)) change({ range: value });
              }}
            >
              {RANGE_PRESETS.map((preset) => (
                <option key={preset.id} value={preset.id}>
                  {preset.label}
                </option>
              ))}
            </select>
          </label>
          {range === "custom" && (
            <>
              <label className="history-filters__field">
                <span>From</span>
                <input type="date" value={settings.from ?? ""} onChange={(e) => change({ from: e.target.value || null })} />
              </label>
              <label className="history-filters__field">
                <span>To</span>
                <input type="date" value={settings.to ?? ""} onChange={(e) => change({ to: e.target.value || null })} />
              </label>
            </>
          )}
          <label className="history-filters__field">
            <span>Source</span>
            <select
              value={source ?? ""}
              data-testid="analytics-source"
              onChange={(e) => change({ source: SOURCES.find((s) => s.id === e.target.value)?.id ?? null })}
            >
              <option value="">All sources</option>
              {SOURCES.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="analytics__metric">
            <legend>Count</legend>
            {(["plays", "duration"] as const).map((m) => (
              <label key={m}>
                <input
                  type="radio"
                  name="metric"
                  value={m}
                  checked={metric === m}
                  data-testid={`metric-${m}`}
                  onChange={() => change({ metric: m })}
                />
                {m === "plays" ? "Plays" : "Time played"}
              </label>
            ))}
          </fieldset>
        </form>
      </header>
      <div className="analytics__grid">
        <ChartCard title="Plays per day by media type" testId="chart-per-day" query={perDayByType} isEmpty={noRows}>
          {(data) => {
            const grid = toGrid(data.rows, metric, days(data));
            return (
              <BarChart
                grid={grid}
                metric={metric}
                tick={dayTick}
                tickEvery={Math.max(1, Math.ceil(grid.categories.length / 10))}
                label="Plays per day by media type"
                testId="chart-per-day-bars"
              />
            );
          }}
        </ChartCard>
        <ChartCard title="Stream type per day" testId="chart-stream-type" query={streamPerDay} isEmpty={noRows}>
          {(data) => {
            const grid = toGrid(data.rows, metric, days(data));
            return (
              <BarChart
                grid={grid}
                metric={metric}
                tick={dayTick}
                tickEvery={Math.max(1, Math.ceil(grid.categories.length / 10))}
                label="Stream type per day"
                testId="chart-stream-type-bars"
              />
            );
          }}
        </ChartCard>
        <ChartCard title="Plays by day of week" testId="chart-weekday" query={byWeekday} isEmpty={noRows}>
          {(data) => <BarChart grid={toGrid(data.rows, metric, WEEKDAYS)} metric={metric} tick={(d) => d.slice(0, 3)} label="Plays by day of week"
                testId="chart-weekday-bars" />}
        </ChartCard>
        <ChartCard title="Plays by hour of day" testId="chart-hour" query={byHour} isEmpty={noRows}>
          {(data) => <BarChart grid={toGrid(data.rows, metric, HOURS)} metric={metric} tickEvery={3} label="Plays by hour of day"
                testId="chart-hour-bars" />}
        </ChartCard>
        <ChartCard title="Top users" testId="chart-users" query={topUsers} isEmpty={noRows}>
          {(data) => <TopList rows={data.rows.map((r) => ({ key: r.key, value: metricValue(r, metric) }))} metric={metric} testId="top-users" />}
        </ChartCard>
        <ChartCard title="Top titles" testId="chart-titles" query={topTitles} isEmpty={noRows}>
          {(data) => <TopList rows={data.rows.map((r) => ({ key: r.key, value: metricValue(r, metric) }))} metric={metric} testId="top-titles" />}
        </ChartCard>
        <ChartCard title="Top platforms" testId="chart-platforms" query={topPlatforms} isEmpty={noRows}>
          {(data) => <TopList rows={data.rows.map((r) => ({ key: r.key, value: metricValue(r, metric) }))} metric={metric} testId="top-platforms" />}
        </ChartCard>
        <ChartCard title="Concurrent streams per day (most at once)" testId="chart-concurrent" query={concurrent} isEmpty={noRows}>
          {(data) => {
            const rows = data.rows.map((r) => ({ key: r.key, plays: r.peak, duration_s: r.peak }));
            return (
              <BarChart
                grid={toGrid(rows, "plays", days(data))}
                metric="streams"
                tick={dayTick}
                tickEvery={Math.max(1, Math.ceil(days(data).length / 10))}
                label="Most streams at once per day"
                testId="chart-concurrent-bars"
              />
            );
          }}
        </ChartCard>
      </div>
    </section>
  );
}
