// The latest events, newest first: when, from where, what happened, who and what to.
import type { MediaEvent } from "../backend/Backend";
import { formatDateTime, formatTimeOfDay } from "../format/time";
import { eventTypeName } from "../media/labels";
import { mediaTitle } from "../media/mediaTitle";
import { SourceBadge } from "../media/SourceBadge";
import "./live.css";

export function RecentEvents({ events }: { events: readonly MediaEvent[] }) {
  if (events.length === 0) {
    return (
      <p className="live-empty" data-testid="recent-events-empty">
        No events yet. They appear here as webhooks arrive.
      </p>
    );
  }
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="recent-events">
        <caption className="visually-hidden">Recent events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Source</th>
            <th scope="col">Event</th>
            <th scope="col">User</th>
            <th scope="col">Title</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr
              key={event.event_id}
              data-testid="recent-event"
              data-event-id={event.event_id}
              data-event-type={event.event_type}
            >
              <td className="data-table__time">
                <time dateTime={event.occurred_at} title={formatDateTime(event.occurred_at)}>
                  {formatTimeOfDay(event.occurred_at)}
                </time>
              </td>
              <td>
                <SourceBadge source={event.source} />
                {/* How it arrived, when not by webhook (a poll, an import): a duplicate's twin may differ. */}
                {event.origin !== undefined && event.origin !== "webhook" && (
                  <span className="event-origin" data-testid="event-origin">
                    {" "}
                    via {event.origin}
                  </span>
                )}
              </td>
              <td>
                <span className="event-type" data-event-type={event.event_type}>
                  {eventTypeName(event.event_type)}
                </span>
              </td>
              <td>{event.username ?? event.user_id ?? "—"}</td>
              <td className="data-table__title">{mediaTitle(event)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
