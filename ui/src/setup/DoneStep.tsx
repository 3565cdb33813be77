// Step 6, done: what is connected now, and where to change it later.
import type { SetupOverview, Source } from "../backend/Backend";
import { formatDateTime } from "../format/time";
import { SOURCES, sourceName } from "../media/labels";
import "./setup.css";

type DoneStepProps = { overview: SetupOverview; callbackBase: string };

type SourceSummary = { state: "connected" | "waiting" | "not-connected"; text: string };

function summarize(source: Source, overview: SetupOverview): SourceSummary {
  const setup = overview.sources[source];
  const lastEvent = setup.last_event_at == null ? null : `last event ${formatDateTime(setup.last_event_at)}`;
  if (source === "tautulli" || source === "plex") {
    if (!setup.connected) return { state: "not-connected", text: "Not connected" };
    const where =
      source === "tautulli"
        ? `Connected${setup.url ? ` to ${setup.url}` : ""}${setup.notifier_id !== null ? `, notifier #${setup.notifier_id}` : ""}`
        : "Webhook registered with your Plex account";
    return lastEvent === null
      ? { state: "waiting", text: `${where}; no event yet` }
      : { state: "connected", text: `${where}; ${lastEvent}` };
  }
  if (lastEvent !== null) return { state: "connected", text: `Receiving events; ${lastEvent}` };
  return setup.last_test_at == null
    ? { state: "not-connected", text: "No event received yet" }
    : { state: "waiting", text: `Test received ${formatDateTime(setup.last_test_at)}; no event yet` };
}

export function DoneStep({ overview, callbackBase }: DoneStepProps) {
  return (
    <div className="setup-step__body">
      <ul className="setup-summary">
        {SOURCES.map((source) => {
          const summary = summarize(source, overview);
          return (
            <li key={source} className="setup-summary__item" data-testid={`setup-summary-${source}`} data-state={summary.state}>
              <span className="setup-summary__mark" aria-hidden="true" />
              <span className="setup-summary__name">{sourceName(source)}</span>
              <span className="setup-summary__text">{summary.text}</span>
            </li>
          );
        })}
      </ul>
      <p>
        Tautulli, Jellyfin and Emby call this app at <code className="setup-code">{callbackBase}</code>.
      </p>
      <p>
        To connect another source or change one later, use <strong>Connect a source</strong> at the top of the window.
      </p>
    </div>
  );
}
