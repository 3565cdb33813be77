// One stored event by id where the host has no one-event command (the desktop): the events in a
// window around when it happened, searched page by page. Dedup twins lie within 10 minutes of
// each other (docs/architecture.md, "Dedup rules"), so the window is wide enough for them.
import type { EventFilter, MediaEvent, Page, PageArgs } from "../bindings";
import { EngineError } from "./errors";

/** Either side of `near`: the widest dedup window (10 min, the session rule) and a margin. */
export const SEARCH_WINDOW_MS = 11 * 60 * 1000;
const PAGE_SIZE = 500;
/** Pages read before giving up: 4,000 events within 22 minutes is far past any real library. */
const MAX_PAGES = 8;

export async function findEventNear(
  eventId: string,
  near: string | undefined,
  listEvents: (filter: EventFilter, page: PageArgs) => Promise<Page<MediaEvent>>,
): Promise<MediaEvent> {
  const at = near === undefined ? Number.NaN : Date.parse(near);
  if (Number.isNaN(at)) {
    throw new EngineError("not_found", `Event ${eventId} cannot be looked up here without the time it happened.`);
  }
  const filter: EventFilter = {
    since: new Date(at - SEARCH_WINDOW_MS).toISOString(),
    until: new Date(at + SEARCH_WINDOW_MS).toISOString(),
  };
  let cursor: string | null = null;
  for (let read = 0; read < MAX_PAGES; read += 1) {
    const page = await listEvents(filter, { cursor, limit: PAGE_SIZE });
    const found = page.items.find((event) => event.event_id === eventId);
    if (found !== undefined) return found;
    if (page.next_cursor === null) break;
    cursor = page.next_cursor;
  }
  throw new EngineError("not_found", `No stored event ${eventId} happened within 11 minutes of ${near}.`);
}
