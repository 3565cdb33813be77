// The dropped event and its kept twin field by field: every MediaEvent field as a row with both
// values as text and whether they differ, so the detail can mark the differences.
import type { MediaEvent } from "../backend/Backend";
import { formatPlayback } from "../format/time";
import { eventTypeName, sourceName } from "../media/labels";

export type DiffRow = { field: string; label: string; dropped: string; kept: string; differs: boolean };

type Field = { field: keyof MediaEvent; label: string; show?: (value: never) => string };

const ms = (value: number) => formatPlayback(value);

const FIELDS: ReadonlyArray<Field> = [
  { field: "event_id", label: "Event id" },
  { field: "event_type", label: "Event", show: (v: string) => eventTypeName(v) },
  { field: "source", label: "Source", show: (v: string) => sourceName(v) },
  { field: "origin", label: "Came in by" },
  { field: "occurred_at", label: "Happened (UTC, exact)" },
  { field: "received_at", label: "Received (UTC, exact)" },
  { field: "username", label: "User" },
  { field: "user_id", label: "User id" },
  { field: "media_type", label: "Media type" },
  { field: "grandparent_title", label: "Show or artist" },
  { field: "parent_title", label: "Season or album" },
  { field: "title", label: "Title" },
  { field: "year", label: "Year" },
  { field: "rating_key", label: "Item key" },
  { field: "duration_ms", label: "Length", show: ms },
  { field: "view_offset_ms", label: "Position", show: ms },
  { field: "paused_ms", label: "Paused", show: ms },
  { field: "percent_complete", label: "Percent played" },
  { field: "player", label: "Player" },
  { field: "platform", label: "Platform" },
  { field: "product", label: "Product" },
  { field: "device", label: "Device" },
  { field: "machine_id", label: "Player id" },
  { field: "ip_address", label: "IP address" },
  { field: "location", label: "Network" },
  { field: "transcode_decision", label: "Stream decision" },
  { field: "video_resolution", label: "Resolution" },
  { field: "server_name", label: "Server" },
  { field: "server_id", label: "Server id" },
  { field: "session_key", label: "Session key" },
  { field: "correlation_key", label: "Correlation key" },
  { field: "raw", label: "Source payload" },
];

const NOT_SAID = "—";

function asText(field: Field, value: unknown): string {
  if (value === null || value === undefined) return NOT_SAID;
  if (field.field === "raw") return `${JSON.stringify(value).length} characters of JSON`;
  if (field.show !== undefined) return (field.show as (v: unknown) => string)(value);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Equal when both are absent, or their JSON is the same (raw payloads, locations). */
function same(a: unknown, b: unknown): boolean {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diffEvents(dropped: MediaEvent, kept: MediaEvent): DiffRow[] {
  return FIELDS.map((field) => ({
    field: field.field,
    label: field.label,
    dropped: asText(field, dropped[field.field]),
    kept: asText(field, kept[field.field]),
    differs: !same(dropped[field.field], kept[field.field]),
  }));
}

/** The dropped event alone (its twin could not be fetched): the same rows, nothing compared. */
export function eventRows(event: MediaEvent): DiffRow[] {
  return FIELDS.map((field) => {
    const text = asText(field, event[field.field]);
    return { field: field.field, label: field.label, dropped: text, kept: "", differs: false };
  });
}
