// The engine's log as React state: the newest lines at a level, then (while following) what was
// written since, asked for every couple of seconds with the cursor the last answer gave.
import { useCallback, useEffect, useRef, useState } from "react";
import type { LogLevel, LogLine } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";

/** Lines kept on screen; older ones scroll away. */
export const MAX_LINES = 2000;
const FIRST_LOOK = 500;

export type LogTailState = {
  lines: LogLine[];
  dir: string | null;
  file: string | null;
  loading: boolean;
  error: string | null;
};

export function useLogTail(level: LogLevel, follow: boolean, pollMs = 2_000) {
  const backend = useBackend();
  const [state, setState] = useState<LogTailState>({ lines: [], dir: null, file: null, loading: true, error: null });
  const cursor = useRef<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  // A new level (or a reload) starts from an empty, loading tail: reset while rendering, as
  // React advises for state derived from props, rather than in the effect.
  const tailKey = `${level}/${attempt}`;
  const [shownKey, setShownKey] = useState(tailKey);
  if (shownKey !== tailKey) {
    setShownKey(tailKey);
    setState((previous) => ({ ...previous, lines: [], loading: true, error: null }));
  }

  useEffect(() => {
    let active = true;
    cursor.current = null;
    backend.getLogs({ level, limit: FIRST_LOOK, cursor: null }).then(
      (tail) => {
        if (!active) return;
        cursor.current = tail.cursor;
        setState({ lines: tail.lines, dir: tail.dir, file: tail.file, loading: false, error: null });
      },
      (failure: unknown) => {
        if (active) setState((previous) => ({ ...previous, loading: false, error: describeFailure(failure) }));
      },
    );
    return () => {
      active = false;
    };
  }, [backend, level, attempt]);

  useEffect(() => {
    if (!follow) return;
    let active = true;
    let inFlight = false;
    const timer = setInterval(() => {
      if (inFlight || cursor.current === null) return;
      inFlight = true;
      backend
        .getLogs({ level, limit: MAX_LINES, cursor: cursor.current })
        .then(
          (tail) => {
            if (!active) return;
            cursor.current = tail.cursor;
            setState((previous) => ({
              ...previous,
              dir: tail.dir,
              file: tail.file,
              error: null,
              lines: tail.lines.length === 0 ? previous.lines : [...previous.lines, ...tail.lines].slice(-MAX_LINES),
            }));
          },
          (failure: unknown) => {
            if (active) setState((previous) => ({ ...previous, error: describeFailure(failure) }));
          },
        )
        .finally(() => {
          inFlight = false;
        });
    }, pollMs);
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [backend, level, follow, pollMs]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}

/** The lines as plain text, the way the log file has them. */
export function linesAsText(lines: readonly LogLine[]): string {
  return lines
    .map((line) =>
      [line.at, line.level?.toUpperCase(), line.target ? `${line.target}:` : null, line.message].filter(Boolean).join(" "),
    )
    .join("\n");
}
