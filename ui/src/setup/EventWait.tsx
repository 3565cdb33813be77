// "Play something to check": waits for a source's first event (or test notification) and turns
// green when it arrives (the wizard polls the overview meanwhile).
import { formatDateTime } from "../format/time";
import "./setup.css";

type EventWaitProps = {
  /** "Plex", "Jellyfin"… */
  name: string;
  lastEventAt: string | null;
  /** When the source's test notification arrived (a test is answered, never stored); Plex has none. */
  lastTestAt?: string | null;
  testId: string;
};

export function EventWait({ name, lastEventAt, lastTestAt = null, testId }: EventWaitProps) {
  const state = lastEventAt !== null ? "received" : lastTestAt !== null ? "test-received" : "waiting";
  const text =
    lastEventAt !== null
      ? `${name} events arrive here: the last one at ${formatDateTime(lastEventAt)}.`
      : lastTestAt !== null
        ? `${name}'s test arrived at ${formatDateTime(lastTestAt)}: the URL works. Its first playback will show here.`
        : `Waiting for the first event from ${name}…`;
  return (
    <p
      className={state === "waiting" ? "event-wait" : "event-wait event-wait--received"}
      role="status"
      data-testid={testId}
      data-state={state}
    >
      <span className="event-wait__mark" aria-hidden="true" />
      {text}
    </p>
  );
}
