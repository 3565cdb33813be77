// The Settings form's state, kept apart from React: each setting as the text (or checkbox) the
// user edits, and the changes to send — only what differs from what the engine said.
import type { SettingChanges, SettingValue, SettingView } from "../backend/Backend";

export type DraftValue = string | boolean;
export type Draft = Readonly<Record<string, DraftValue>>;

/** Settings typed into the form (tokens have their own row and are never sent as values). */
export function isEditable(setting: SettingView): boolean {
  return setting.kind !== "token";
}

export function toDraft(settings: readonly SettingView[]): Draft {
  const draft: Record<string, DraftValue> = {};
  for (const setting of settings) {
    if (isEditable(setting)) draft[setting.key] = draftValue(setting);
  }
  return draft;
}

function draftValue(setting: SettingView): DraftValue {
  const value = setting.value;
  switch (setting.kind) {
    case "toggle":
      return value === true;
    case "secret":
      // Never shown: typing a new one replaces it, empty keeps it.
      return "";
    case "duration":
      return typeof value === "number" ? formatDuration(value) : "";
    default:
      return value === null ? "" : String(value);
  }
}

/** What to send: every editable, unlocked setting whose draft differs from the saved one. */
export function changesFrom(settings: readonly SettingView[], saved: Draft, draft: Draft): SettingChanges {
  const changes: SettingChanges = {};
  for (const setting of settings) {
    if (!isEditable(setting) || setting.locked_by !== null) continue;
    const now = draft[setting.key];
    if (now === undefined || now === saved[setting.key]) continue;
    if (setting.kind === "secret" && now === "") continue;
    changes[setting.key] = toValue(setting, now);
  }
  return changes;
}

function toValue(setting: SettingView, draft: DraftValue): SettingValue | null {
  if (typeof draft === "boolean") return draft;
  const text = draft.trim();
  if (text === "") return null;
  if (setting.kind === "count" || setting.kind === "port") {
    // Anything but digits goes as typed, and the engine says what is wrong with it.
    return /^\d+$/.test(text) ? Number(text) : text;
  }
  return text;
}

/** Milliseconds in their shortest exact spelling: 6h, 2m, 5s, 250ms. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A setting's value as a person reads it (for the "default: …" hint). */
export function displayValue(setting: SettingView, value: SettingValue | null): string {
  if (value === null) return "none";
  if (setting.kind === "duration" && typeof value === "number") return formatDuration(value);
  if (typeof value === "boolean") return value ? "on" : "off";
  return String(value);
}

/** Whether an address is reachable only from this computer. */
export function isLoopbackAddress(address: string): boolean {
  const host = address.trim().startsWith("[") ? address.trim().slice(1).split("]")[0] : address.trim().split(":")[0];
  return host === "localhost" || host === "::1" || (host ?? "").startsWith("127.");
}

/** "writer_batch_size: expected …" → ["writer_batch_size", "expected …"]: the engine names the field first. */
export function fieldOfError(message: string, keys: readonly string[]): [string, string] | null {
  const colon = message.indexOf(":");
  if (colon <= 0) return null;
  const key = message.slice(0, colon);
  return keys.includes(key) ? [key, message.slice(colon + 1).trim()] : null;
}
