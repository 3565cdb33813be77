// What a playback is of, in one or two lines: a show and its episode, a film and its year,
// a track and its artist. Sessions carry only the item's own title, so the show (or artist)
// comes from the latest event of the same playback when one is at hand.
import type { MediaEvent, Session } from "../backend/Backend";

export type MediaLines = {
  /** The show, film or track. */
  primary: string;
  /** The episode (with its season), the year, or the artist and album; null when unknown. */
  secondary: string | null;
};

const UNKNOWN_TITLE = "Unknown title";

type Titles = Pick<MediaEvent, "media_type" | "title" | "parent_title" | "grandparent_title" | "year">;

function joined(parts: ReadonlyArray<string | null | undefined>, separator: string): string | null {
  const present = parts.filter((part): part is string => typeof part === "string" && part.trim() !== "");
  return present.length === 0 ? null : present.join(separator);
}

export function mediaLines(titles: Titles): MediaLines {
  const { media_type: type, title, parent_title: parent, grandparent_title: grandparent } = titles;
  if (type === "episode" && grandparent) {
    return { primary: grandparent, secondary: joined([parent, title], " · ") };
  }
  if (type === "track") {
    return { primary: title ?? UNKNOWN_TITLE, secondary: joined([grandparent, parent], " — ") };
  }
  if (type === "movie") {
    return { primary: title ?? UNKNOWN_TITLE, secondary: titles.year === null ? null : String(titles.year) };
  }
  return { primary: title ?? joined([grandparent, parent], " · ") ?? UNKNOWN_TITLE, secondary: null };
}

/** Both lines on one: "Harbor Lights — Season 3 · The Long Night Shift", "Heat (1995)". */
export function mediaTitle(titles: Titles): string {
  const { primary, secondary } = mediaLines(titles);
  if (secondary === null) return primary;
  return titles.media_type === "movie" ? `${primary} (${secondary})` : `${primary} — ${secondary}`;
}

/** The playback an event belongs to, as the engine keys sessions (its correlation key minus the type). */
export function playbackKeyOf(event: MediaEvent): string {
  const suffix = `|${event.event_type}`;
  return event.correlation_key.endsWith(suffix)
    ? event.correlation_key.slice(0, -suffix.length)
    : event.correlation_key;
}

/** A session's lines; what the session lacks (the year) comes from the newest event of the same playback in `events`. */
export function sessionMediaLines(session: Session, events: readonly MediaEvent[]): MediaLines {
  const related = events.find((event) => playbackKeyOf(event) === session.playback_key);
  return mediaLines({
    media_type: session.media_type,
    title: session.title ?? related?.title ?? null,
    parent_title: session.parent_title ?? related?.parent_title ?? null,
    grandparent_title: session.grandparent_title ?? related?.grandparent_title ?? null,
    year: related?.year ?? null,
  });
}
