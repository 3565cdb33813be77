// "Play something to check": waits for a source's first event and turns green when it arrives
// (the wizard polls the overview meanwhile).
import { formatDateTime } from "../format/time";
import "./setup.css";

type EventWaitProps = {
  /** "Plex", "Jellyfin"… */
  name: string;
  lastEventAt: string | null;
  testId: string;
};

export function EventWait({ name, lastEventAt, testId }: EventWaitProps) {
  const received = lastEventAt !== null;
  return (
    <p
      className={received ? "event-wait event-wait--received" : "event-wait"}
      role="status"
      data-testid={testId}
      data-state={received ? "received" : "waiting"}
    >
      <span className="event-wait__mark" aria-hidden="true" />
      {received
        ? `${name} events arrive here: the last one at ${formatDateTime(lastEventAt)}.`
        : `Waiting for the first event from ${name}…`}
    </p>
  );
}
