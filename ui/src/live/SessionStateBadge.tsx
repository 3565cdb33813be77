// Playing, paused or buffering, as a coloured word with a symbol (colour is never the only cue).
import type { SessionState } from "../backend/Backend";
import { sessionStateName } from "../media/labels";
import "./live.css";

const SYMBOLS: Readonly<Record<string, string>> = { playing: "▶", paused: "❚❚", buffering: "…" };

export function SessionStateBadge({ state }: { state: SessionState }) {
  return (
    <span className="session-state" data-session-state={state} data-testid="session-state">
      <span className="session-state__symbol" aria-hidden="true">
        {SYMBOLS[state] ?? "•"}
      </span>
      {sessionStateName(state)}
    </span>
  );
}
