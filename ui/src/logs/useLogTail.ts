// The engine's log from the query cache (one entry per level): the newest lines, then (while
// following) what was written since, asked for every couple of seconds (refetchInterval) with
// the cursor the last answer gave. Coming back to the section shows the cached tail at once.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { LogLevel, LogLine } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { queryKeys } from "../data/queryKeys";

/** Lines kept on screen; older ones scroll away. */
export const MAX_LINES = 2000;
const FIRST_LOOK = 500;
const NO_LINES: LogLine[] = [];

export type LogTailState = {
  lines: LogLine[];
  dir: string | null;
  file: string | null;
  loading: boolean;
  error: string | null;
};

/** What the cache keeps of a level's tail: the lines so far and where the next answer starts. */
type CachedTail = { lines: LogLine[]; dir: string | null; file: string | null; cursor: string | null };

export function useLogTail(level: LogLevel, follow: boolean, pollMs = 2_000) {
  const backend = useBackend();
  const client = useQueryClient();
  const key = queryKeys.logs(level);
  const { data, error, isLoading, isFetching } = useQuery({
    queryKey: key,
    queryFn: async (): Promise<CachedTail> => {
      const known = client.getQueryData<CachedTail>(key);
      if (known === undefined || known.cursor === null) {
        const tail = await backend.getLogs({ level, limit: FIRST_LOOK, cursor: null });
        return { lines: tail.lines, dir: tail.dir, file: tail.file, cursor: tail.cursor };
      }
      const since = await backend.getLogs({ level, limit: MAX_LINES, cursor: known.cursor });
      return {
        dir: since.dir,
        file: since.file,
        cursor: since.cursor,
        lines: since.lines.length === 0 ? known.lines : [...known.lines, ...since.lines].slice(-MAX_LINES),
      };
    },
    refetchInterval: (query) => (follow && query.state.data?.cursor != null ? pollMs : false),
    refetchIntervalInBackground: true,
  });

  // Starts over: an empty, loading tail, then the newest lines again.
  const keyText = JSON.stringify(key);
  const reload = useCallback(
    () => void client.resetQueries({ queryKey: JSON.parse(keyText) as typeof key, exact: true }),
    [client, keyText],
  );

  const state: LogTailState = {
    lines: data?.lines ?? NO_LINES,
    dir: data?.dir ?? null,
    file: data?.file ?? null,
    loading: isLoading,
    error: error !== null && !(isFetching && data === undefined) ? describeFailure(error) : null,
  };
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
