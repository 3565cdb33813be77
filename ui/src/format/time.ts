// Times as a person reads them: playback positions ("12:34", "1:02:03") and moments in the
// user's own time zone ("14:03:12", "Nov 27, 14:03"). Fixed to en-US wording, 24-hour clock.

/** Milliseconds of playback → "0:05", "12:34", "1:02:03". */
export function formatPlayback(ms: number): string {
  const total = Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 1000)) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

const TIME_OF_DAY = new Intl.DateTimeFormat("en-US", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

const DATE_AND_TIME = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function parse(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** An RFC 3339 time → "14:03:12" in local time; the input as is when it is not a time. */
export function formatTimeOfDay(iso: string): string {
  const date = parse(iso);
  return date === null ? iso : TIME_OF_DAY.format(date);
}

/** An RFC 3339 time → "Nov 27, 14:03:12" in local time; the input as is when it is not a time. */
export function formatDateTime(iso: string): string {
  const date = parse(iso);
  return date === null ? iso : DATE_AND_TIME.format(date);
}
