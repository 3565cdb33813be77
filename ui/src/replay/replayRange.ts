// What the Replay view's range picker holds and what it means to the engine: a time range (a
// preset relative to when it was picked, or custom local from–to) or a sequence range, turned
// into the engine's ReplayRange — or into the reason it cannot be, before asking anything.
import type { JobOutcome, JobStatus, MessageAt, ReplayPreview, ReplayRange } from "../backend/Backend";
import { formatCount, formatUptime } from "../format/humanize";
import { formatDateTime } from "../format/time";

export const TIME_PRESETS = [
  { id: "1h", label: "Last hour", hours: 1 },
  { id: "24h", label: "Last 24 hours", hours: 24 },
  { id: "7d", label: "Last 7 days", hours: 24 * 7 },
  { id: "custom", label: "Custom from–to", hours: null },
] as const;

export type PresetId = (typeof TIME_PRESETS)[number]["id"];

export type RangeMode = "time" | "seq";

export type RangeChoice = {
  mode: RangeMode;
  preset: PresetId;
  /** When the preset was picked (ms): "last hour" stays one range while it is shown. */
  anchor: number;
  /** The custom time inputs (`datetime-local` text, local time). */
  timeFrom: string;
  timeTo: string;
  /** The sequence inputs (digits). */
  seqFrom: string;
  seqTo: string;
};

export type Resolved = { range: ReplayRange; problem: null } | { range: null; problem: string };

const HOUR_MS = 3_600_000;

function whole(text: string, end: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (!/^\d+$/.test(trimmed)) return `${end} must be a stream sequence: a whole number, 1 or more.`;
  return Number(trimmed);
}

/** `datetime-local` text (local time) → an RFC 3339 instant; null when empty. */
function localInstant(text: string, end: string): string | null | { problem: string } {
  if (text.trim() === "") return null;
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) return { problem: `${end} is not a date and time.` };
  return at.toISOString();
}

/** The engine's range for what is picked, or why there is none. */
export function resolveChoice(choice: RangeChoice): Resolved {
  if (choice.mode === "seq") {
    const from = whole(choice.seqFrom, "From");
    const to = whole(choice.seqTo, "To");
    for (const value of [from, to]) if (typeof value === "string") return { range: null, problem: value };
    return { range: { from: from as number | null, to: to as number | null }, problem: null };
  }
  const preset = TIME_PRESETS.find((p) => p.id === choice.preset);
  if (preset?.hours) {
    return { range: { from: new Date(choice.anchor - preset.hours * HOUR_MS).toISOString(), to: null }, problem: null };
  }
  const from = localInstant(choice.timeFrom, "From");
  const to = localInstant(choice.timeTo, "To");
  for (const value of [from, to]) {
    if (value !== null && typeof value === "object") return { range: null, problem: value.problem };
  }
  return { range: { from: from as string | null, to: to as string | null }, problem: null };
}

function where(first: MessageAt, last: MessageAt): string {
  const seqs = first.seq === last.seq ? `seq ${formatCount(first.seq)}` : `seq ${formatCount(first.seq)}–${formatCount(last.seq)}`;
  const times =
    first.seq === last.seq ? formatDateTime(first.time) : `${formatDateTime(first.time)} – ${formatDateTime(last.time)}`;
  return `${seqs}, ${times}`;
}

/** "Covers 2,000 messages (seq 1–2,000, Nov 30, 10:00:00 – Dec 1, 09:59:58)". */
export function previewText(preview: ReplayPreview): string {
  if (preview.first === null || preview.last === null) return "Covers no messages.";
  const noun = preview.messages === 1 ? "message" : "messages";
  return `Covers ${formatCount(preview.messages)} ${noun} (${where(preview.first, preview.last)}).`;
}

/** "The stream holds 2,000 messages (seq 1–2,000, …)". */
export function streamText(preview: ReplayPreview): string {
  if (preview.stream_first === null || preview.stream_last === null) return "The stream holds no messages.";
  const noun = preview.stream_messages === 1 ? "message" : "messages";
  return `The stream holds ${formatCount(preview.stream_messages)} ${noun} (${where(preview.stream_first, preview.stream_last)}).`;
}

/** "1,000 of 2,000 messages · 950/s · about 2s left". */
export function replayProgressText(job: JobStatus): string {
  const parts = [`${formatCount(job.done + job.failed)} of ${formatCount(job.total)} messages`];
  if (job.rate !== null && job.rate > 0) parts.push(`${formatCount(job.rate)}/s`);
  if (job.state === "running" && job.eta_seconds !== null) {
    parts.push(`about ${formatUptime(Math.max(1, Math.round(job.eta_seconds)))} left`);
  }
  return parts.join(" · ");
}

/** "stored 12 new, 1,988 already stored, 0 duplicates" (and the undecodable, when any). */
export function outcomeText(outcome: JobOutcome): string {
  const parts = [
    `stored ${formatCount(outcome.stored)} new`,
    `${formatCount(outcome.already_stored)} already stored`,
    `${formatCount(outcome.duplicates)} ${outcome.duplicates === 1 ? "duplicate" : "duplicates"}`,
  ];
  if (outcome.undecodable > 0) parts.push(`${formatCount(outcome.undecodable)} undecodable (see Dead letters)`);
  return parts.join(", ");
}

/** What a finished replay did, in one sentence. */
export function finishedText(job: JobStatus): string {
  const outcome = job.outcome === null ? "" : `: ${outcomeText(job.outcome)}`;
  switch (job.state) {
    case "done":
      return job.total === 0 ? "Replay finished: the range covered no messages." : `Replay finished${outcome}.`;
    case "cancelled":
      return `Replay cancelled after ${formatCount(job.done + job.failed)} of ${formatCount(job.total)} messages${outcome}.`;
    case "failed":
      return `Replay failed${job.error ? `: ${job.error}` : ""} (${formatCount(job.done)} of ${formatCount(job.total)} messages done${outcome}).`;
    default:
      return replayProgressText(job);
  }
}
