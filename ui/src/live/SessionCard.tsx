// One open session: what is played (show and episode), by whom, on which player, its state,
// position, stream decision, which source reported it and from which server.
import type { MediaEvent } from "../backend/Backend";
import { transcodeName } from "../media/labels";
import { sessionMediaLines } from "../media/mediaTitle";
import { SourceBadge } from "../media/SourceBadge";
import type { LiveEntry } from "./liveState";
import { PlaybackProgress } from "./PlaybackProgress";
import { SessionStateBadge } from "./SessionStateBadge";
import "./live.css";

type SessionCardProps = { entry: LiveEntry; recentEvents: readonly MediaEvent[]; now: number };

export function SessionCard({ entry, recentEvents, now }: SessionCardProps) {
  const { session } = entry.live;
  const { primary, secondary } = sessionMediaLines(session, recentEvents);
  const stream = transcodeName(session.transcode_decision);
  return (
    <article
      className="session-card"
      data-testid="live-session"
      data-session-id={session.session_id}
      data-state={session.state}
      aria-label={`${primary}${secondary ? `, ${secondary}` : ""}`}
    >
      <header className="session-card__header">
        <div className="session-card__titles">
          <h3 className="session-card__title" data-testid="session-title">
            {primary}
          </h3>
          {secondary !== null && (
            <p className="session-card__subtitle" data-testid="session-subtitle">
              {secondary}
            </p>
          )}
        </div>
        <SessionStateBadge state={session.state} />
      </header>
      <PlaybackProgress entry={entry} now={now} />
      <dl className="session-card__facts">
        <div className="session-card__fact">
          <dt>User</dt>
          <dd data-testid="session-user">{session.username ?? session.user_id ?? "unknown"}</dd>
        </div>
        <div className="session-card__fact">
          <dt>Player</dt>
          <dd data-testid="session-player">{session.player ?? "unknown"}</dd>
        </div>
        <div className="session-card__fact">
          <dt>Stream</dt>
          <dd data-testid="session-transcode">{stream ?? "not reported"}</dd>
        </div>
        <div className="session-card__fact">
          <dt>Server</dt>
          <dd data-testid="session-server">{entry.live.server_name ?? session.server_id ?? "not reported"}</dd>
        </div>
        <div className="session-card__fact">
          <dt>Source</dt>
          <dd data-testid="session-source">
            <SourceBadge source={session.source} />
          </dd>
        </div>
      </dl>
    </article>
  );
}
