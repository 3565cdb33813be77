// The Live section: who is watching what right now, and the latest events, kept current by
// the engine's live feed without reloading.
import { useState } from "react";
import { useBackend } from "../backend/BackendContext";
import { useStats } from "../health/useStats";
import { LiveFilters } from "./LiveFilters";
import { NO_FILTER, filterSessions, serverChoices, sourceChoices } from "./liveFilter";
import { LiveFigures } from "./LiveFigures";
import { RecentEvents } from "./RecentEvents";
import { SessionCard } from "./SessionCard";
import { useLive } from "./useLive";
import { useNow } from "./useNow";
import "./live.css";

/** How often positions move on screen while something plays. */
const TICK_MS = 1_000;

export function LiveView() {
  const backend = useBackend();
  const { live, error } = useLive();
  // The same figures as the header and the tabs (the live feed's stats land in that entry too).
  const { stats } = useStats();
  const playing = live.sessions.some((entry) => entry.live.session.state === "playing");
  const now = useNow(TICK_MS, playing);
  const [filter, setFilter] = useState(NO_FILTER);
  const shown = filterSessions(live.sessions, filter);

  if (!backend.authorized) {
    return (
      <p className="live-empty" data-testid="live-unauthorized">
        The live view needs the API token: open the link printed by cartographus-server.
      </p>
    );
  }

  return (
    <div className="live-view" data-testid="live-view" data-synced={live.synced}>
      {error !== null && (
        <div className="notice notice--warning" role="alert" data-testid="live-error">
          <p className="notice__text">
            {error}
            {live.synced ? " What is shown may be out of date." : ""}
          </p>
        </div>
      )}
      <section className="live-section" aria-labelledby="live-sessions-title">
        <div className="live-section__heading">
          <h2 className="section-title" id="live-sessions-title">
            {live.synced ? `Now playing · ${live.sessions.length}` : "Now playing"}
          </h2>
          <LiveFigures stats={stats} />
        </div>
        {!live.synced ? (
          <p className="live-empty" role="status" data-testid="live-loading">
            Connecting to the live feed…
          </p>
        ) : live.sessions.length === 0 ? (
          <p className="live-empty" data-testid="live-sessions-empty">
            Nobody is watching right now.
          </p>
        ) : (
          <>
            <LiveFilters
              filter={filter}
              sources={sourceChoices(live.sessions)}
              servers={serverChoices(live.sessions)}
              onChange={setFilter}
            />
            {shown.length === 0 ? (
              <p className="live-empty" data-testid="live-sessions-filtered-out">
                No session here matches these filters; choose another source or server, or show all.
              </p>
            ) : (
              <div className="session-grid" data-testid="live-sessions">
                {shown.map((entry) => (
                  <SessionCard
                    key={entry.live.session.session_id}
                    entry={entry}
                    recentEvents={live.recentEvents}
                    now={now}
                  />
                ))}
              </div>
            )}
          </>
        )}
      </section>
      <section className="live-section" aria-labelledby="live-events-title">
        <div className="live-section__heading">
          <h2 className="section-title" id="live-events-title">
            Recent events
          </h2>
        </div>
        {live.synced && <RecentEvents events={live.recentEvents} />}
      </section>
    </div>
  );
}
