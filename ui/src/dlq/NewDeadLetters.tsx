// The web UI's note when new dead letters arrive (the desktop notifies through the OS instead): at
// most one a minute, naming the issue of the newest, with a way to open the Dead letters section.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { DlqGroup } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { queryKeys } from "../data/queryKeys";
import { formatCount } from "../format/humanize";
import { sourceName } from "../media/labels";
import "./dlq.css";

/** At most one note per this long; what arrives meanwhile is counted into the next. */
export const NOTE_EVERY_MS = 60_000;

type Note = { added: number; newest: DlqGroup | null };

type NewDeadLettersProps = {
  /** The dead-letter count from the stats pushes; null until the first. */
  dlqSize: number | null;
  onOpen: () => void;
  now?: () => number;
};

export function NewDeadLetters({ dlqSize, onOpen, now = Date.now }: NewDeadLettersProps) {
  const backend = useBackend();
  const client = useQueryClient();
  const [note, setNote] = useState<Note | null>(null);
  const seen = useRef<number | null>(null);
  const unreported = useRef(0);
  const lastNoteAt = useRef<number | null>(null);
  const mounted = useRef(true);

  useEffect(() => {
    if (dlqSize === null) return;
    const before = seen.current;
    seen.current = dlqSize;
    // The first count is the baseline: what was there before this page opened is not news.
    if (before === null || dlqSize <= before) return;
    unreported.current += dlqSize - before;
    const at = now();
    if (lastNoteAt.current !== null && at - lastNoteAt.current < NOTE_EVERY_MS) return;
    lastNoteAt.current = at;
    const added = unreported.current;
    unreported.current = 0;
    // A newer count must not cancel this note, so only unmounting silences it.
    // The unfiltered groups' cache entry, which the Dead letters section reads too.
    const all = {};
    client.fetchQuery({ queryKey: queryKeys.dlq.groups(all), queryFn: () => backend.listDlqGroups(all), staleTime: 0 }).then(
      (groups) => {
        if (mounted.current) setNote({ added, newest: groups[0] ?? null });
      },
      () => {
        if (mounted.current) setNote({ added, newest: null });
      },
    );
  }, [dlqSize, backend, client, now]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  if (note === null) return null;
  const issue =
    note.newest === null
      ? ""
      : ` The latest: ${note.newest.source === null ? "unknown source" : sourceName(note.newest.source)} · ${note.newest.code ?? note.newest.kind}.`;
  return (
    <div className="notice notice--warning dlq-toast" role="status" data-testid="dlq-toast">
      <p className="notice__text">
        {formatCount(note.added)} new dead {note.added === 1 ? "letter" : "letters"}: {note.added === 1 ? "it" : "they"} could
        not be stored.{issue}
      </p>
      <button
        type="button"
        className="button button--small button--primary"
        onClick={() => {
          setNote(null);
          onOpen();
        }}
      >
        Open Dead letters
      </button>
      <button type="button" className="button button--small" onClick={() => setNote(null)}>
        Dismiss
      </button>
    </div>
  );
}
