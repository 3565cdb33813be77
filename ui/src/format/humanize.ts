// Numbers as a person reads them: counts with thousands separators, uptimes in the two
// largest units ("5m 12s", "3h 5m", "2d 4h"), sizes in binary units ("38 MB").
// Fixed to en-US so the UI (all English) reads the same everywhere and tests are stable.

const COUNT_FORMAT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567". */
export function formatCount(value: number): string {
  return COUNT_FORMAT.format(value);
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Seconds of uptime → "42s", "5m 12s", "3h 5m", "2d 4h"; the second unit is left out when zero. */
export function formatUptime(seconds: number): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  if (total < MINUTE) return `${total}s`;
  const [bigSize, bigUnit, smallSize, smallUnit] =
    total < HOUR ? [MINUTE, "m", 1, "s"] : total < DAY ? [HOUR, "h", MINUTE, "m"] : [DAY, "d", HOUR, "h"];
  const big = Math.floor(total / bigSize);
  const small = Math.floor((total % bigSize) / smallSize);
  return small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit} ${small}${smallUnit}`;
}

const SIZE_UNITS = ["KB", "MB", "GB", "TB"] as const;

/** Bytes → "512 B", "1.5 KB", "38 MB", "2.1 GB" (1024-based, as memory is usually shown). */
export function formatBytes(bytes: number): string {
  const value = Number.isFinite(bytes) ? Math.max(0, bytes) : 0;
  if (value < 1024) return `${Math.round(value)} B`;
  let scaled = value / 1024;
  let unit = 0;
  // Round first, so 1023.97 KB becomes "1.0 MB" rather than "1024 KB".
  while (unit < SIZE_UNITS.length - 1 && roundForDisplay(scaled) >= 1024) {
    scaled /= 1024;
    unit += 1;
  }
  return `${formatScaled(scaled)} ${SIZE_UNITS[unit]}`;
}

/** One decimal below 10 ("1.5"), whole numbers above ("38"). */
function roundForDisplay(value: number): number {
  return value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
}

function formatScaled(value: number): string {
  const rounded = roundForDisplay(value);
  return rounded < 10 ? rounded.toFixed(1) : String(rounded);
}
