// A session's position: a bar and "12:34 / 45:12". The position moves on between the engine's
// reports while playing (extrapolated from the last one), and stands still otherwise.
import { formatPlayback } from "../format/time";
import { positionAt, progressAt, type LiveEntry } from "./liveState";
import "./live.css";

export function PlaybackProgress({ entry, now }: { entry: LiveEntry; now: number }) {
  const position = positionAt(entry, now);
  const fraction = progressAt(entry, now);
  const duration = entry.live.session.duration_ms;
  const percent = fraction === null ? null : Math.round(fraction * 1000) / 10;
  const timeText =
    position === null
      ? "Position unknown"
      : duration !== null && duration > 0
        ? `${formatPlayback(position)} / ${formatPlayback(duration)}`
        : formatPlayback(position);

  return (
    <div className="playback-progress">
      <div
        className="playback-progress__track"
        role="progressbar"
        aria-label="Playback position"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={timeText}
        data-testid="session-progress"
        data-position-ms={position === null ? undefined : Math.round(position)}
      >
        <div className="playback-progress__fill" style={{ width: `${percent ?? 0}%` }} />
      </div>
      <span className="playback-progress__time" data-testid="session-position">
        {timeText}
      </span>
    </div>
  );
}
