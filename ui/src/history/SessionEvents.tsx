// One playback's events, beside the table: what each source reported and when, newest first,
// with the session's facts above. Opened by a row (the session id is in the URL); Escape or
// Close returns to the list.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useBackend } from "../backend/BackendContext";
import type { Session } from "../backend/Backend";
import { describeFailure } from "../backend/errors";
import { formatDateTime, formatPlayback } from "../format/time";
import { decisionLabel, fullTitle } from "./columns";
import { queryKeys } from "../data/queryKeys";

/** A playback has a handful of events; a page this long holds all of one. */
const EVENTS_LIMIT = 500;

type Props = { sessionId: string; session: Session | null; onClose: () => void };

export function SessionEvents({ sessionId, session, onClose }: Props) {
  const backend = useBackend();
  const heading = useRef<HTMLHeadingElement>(null);
  const events = useQuery({
    queryKey: queryKeys.events({ session: sessionId }),
    queryFn: () => backend.listEvents({ session: sessionId }, { limit: EVENTS_LIMIT }),
  });
  useEffect(() => heading.current?.focus(), [sessionId]);

  return (
    <aside
      className="history-detail"
      aria-label="Session events"
      data-testid="session-events"
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
    >
      <header className="history-detail__header">
        <h2 tabIndex={-1} ref={heading}>
          {session ? fullTitle(session) : "Session"}
        </h2>
        <button type="button" onClick={onClose} data-testid="session-events-close">
          Close
        </button>
      </header>
      {session && (
        <dl className="history-detail__facts">
          <dt>User</dt>
          <dd>{session.username ?? session.user_id ?? "—"}</dd>
          <dt>Player</dt>
          <dd>{[session.player, session.platform, session.product].filter((v) => v).join(" · ") || "—"}</dd>
          <dt>Played</dt>
          <dd>
            {formatPlayback(session.play_ms ?? 0)} (paused {formatPlayback(session.paused_ms ?? 0)})
          </dd>
          <dt>Stream</dt>
          <dd>{decisionLabel(session.transcode_decision)}</dd>
        </dl>
      )}
      {events.isPending && <p role="status">Loading the events…</p>}
      {events.isError && (
        <div role="alert" className="history-notice history-notice--error">
          <p>The events could not be loaded: {describeFailure(events.error)}</p>
          <button type="button" onClick={() => void events.refetch()}>
            Retry
          </button>
        </div>
      )}
      {events.isSuccess && events.data.items.length === 0 && (
        <p className="history-notice">No stored events belong to this session (they may have been dropped as duplicates).</p>
      )}
      {events.isSuccess && events.data.items.length > 0 && (
        <ol className="history-detail__events">
          {events.data.items.map((event) => (
            <li key={event.event_id} data-testid="session-event">
              <span className="history-detail__type">{event.event_type}</span>
              <time dateTime={event.occurred_at}>{formatDateTime(event.occurred_at)}</time>
              <span className="history-detail__meta">
                {event.source}
                {event.view_offset_ms !== null && ` · at ${formatPlayback(event.view_offset_ms)}`}
              </span>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
