// Time ranges as the views offer them: presets relative to now ("last 7 days") or custom local
// dates, kept in the URL as `range=7d` or `range=custom&from=2026-11-01&to=2026-11-30`, and
// turned into the engine's `since`/`until` (UTC instants) and `tz` (the user's UTC offsets over
// the range, since the engine has no zone database: see crates/engine/src/analytics/zone.rs).

export const RANGE_PRESETS = [
  { id: "24h", label: "Last 24 hours", hours: 24 },
  { id: "7d", label: "Last 7 days", hours: 24 * 7 },
  { id: "30d", label: "Last 30 days", hours: 24 * 30 },
  { id: "90d", label: "Last 90 days", hours: 24 * 90 },
  { id: "1y", label: "Last 12 months", hours: 24 * 365 },
  { id: "all", label: "All time", hours: null },
  { id: "custom", label: "Custom dates", hours: null },
] as const;

export type RangeId = (typeof RANGE_PRESETS)[number]["id"];

export type TimeRange = { since: string | null; until: string | null };

export function isRangeId(value: string | null): value is RangeId {
  return RANGE_PRESETS.some((p) => p.id === value);
}

/** `YYYY-MM-DD` → local midnight of that day, or null when it is not a date. */
export function localMidnight(date: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(day.getTime()) ? null : day;
}

/** The instants a range covers: `since` inclusive, `until` exclusive (the day after `to`). */
export function resolveRange(id: RangeId, from: string | null, to: string | null, now: Date): TimeRange {
  const preset = RANGE_PRESETS.find((p) => p.id === id);
  if (preset?.hours) {
    return { since: new Date(now.getTime() - preset.hours * 3_600_000).toISOString(), until: null };
  }
  if (id !== "custom") return { since: null, until: null };
  const start = from === null ? null : localMidnight(from);
  const end = to === null ? null : localMidnight(to);
  if (end !== null) end.setDate(end.getDate() + 1);
  return { since: start?.toISOString() ?? null, until: end?.toISOString() ?? null };
}

/** Minutes east of UTC at `at` in this browser's zone. */
function offsetAt(at: number): number {
  return -new Date(at).getTimezoneOffset();
}

const HOUR = 3_600_000;

/**
 * The browser zone's offsets over [since, until): `60` or `60,120@2026-03-29T01:00:00.000Z,…`,
 * the first offset in force at `since` and each later change at the instant it happens (found
 * hour by hour, then to the minute). `since` null: from a year before `until`.
 */
export function zoneOffsets(since: string | null, until: string | null, now: Date): string {
  const end = until === null ? now.getTime() : new Date(until).getTime();
  const start = since === null ? end - 366 * 24 * HOUR : new Date(since).getTime();
  const base = offsetAt(start);
  const changes: string[] = [];
  let previous = base;
  for (let t = start + HOUR; t <= end + HOUR; t += HOUR) {
    const offset = offsetAt(t);
    if (offset === previous) continue;
    // The change lies in (t - 1 h, t]: narrow it to the minute.
    let low = t - HOUR;
    let high = t;
    while (high - low > 60_000) {
      const middle = low + Math.floor((high - low) / 2);
      if (offsetAt(middle) === previous) low = middle;
      else high = middle;
    }
    const at = new Date(Math.ceil(high / 60_000) * 60_000);
    changes.push(`${offset}@${at.toISOString()}`);
    previous = offset;
  }
  return [String(base), ...changes].join(",");
}
