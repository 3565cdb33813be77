// The History filters: a time range (presets or custom dates), user, media type, stream decision,
// source, server and free text. Each change is a new history entry, so Back undoes it; typed text
// is committed once typing pauses (or on Enter), so Back skips the keystrokes in between.
import { useEffect, useState } from "react";
import { RANGE_PRESETS, isRangeId } from "../data/timeRange";
import { DECISIONS, MEDIA_TYPES, SOURCES, type HistoryState } from "./historyFilter";

const TYPING_PAUSE_MS = 350;

type Props = {
  state: HistoryState;
  onChange: (next: HistoryState) => void;
};

/** A text box that reports after a pause in typing, and follows outside changes (Back). */
function DebouncedText({
  label,
  value,
  placeholder,
  testId,
  onCommit,
}: {
  label: string;
  value: string;
  placeholder: string;
  testId: string;
  onCommit: (value: string) => void;
}) {
  const [draft, setDraft] = useState(value);
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    // The URL changed under us (Back, a link): show what it says.
    setShown(value);
    setDraft(value);
  }
  useEffect(() => {
    if (draft === value) return;
    const timer = setTimeout(() => onCommit(draft), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [draft, value, onCommit]);
  return (
    <label className="history-filters__field">
      <span>{label}</span>
      <input
        type="search"
        value={draft}
        placeholder={placeholder}
        data-testid={testId}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") onCommit(draft);
        }}
      />
    </label>
  );
}

export function HistoryFilters({ state, onChange }: Props) {
  const set = <K extends keyof HistoryState>(key: K, value: HistoryState[K]) => onChange({ ...state, [key]: value });
  return (
    <form className="history-filters" aria-label="History filters" onSubmit={(event) => event.preventDefault()}>
      <label className="history-filters__field">
        <span>Time</span>
        <select
          value={state.range}
          data-testid="history-range"
          onChange={(event) => {
            const range = event.target.value;
            if (isRangeId(range)) set("range", range);
          }}
        >
          {RANGE_PRESETS.map((preset) => (
            <option key={preset.id} value={preset.id}>
              {preset.label}
            </option>
          ))}
        </select>
      </label>
      {state.range === "custom" && (
        <>
          <label className="history-filters__field">
            <span>From</span>
            <input type="date" value={state.from ?? ""} onChange={(event) => set("from", event.target.value || null)} />
          </label>
          <label className="history-filters__field">
            <span>To</span>
            <input type="date" value={state.to ?? ""} onChange={(event) => set("to", event.target.value || null)} />
          </label>
        </>
      )}
      <DebouncedText
        label="Search"
        value={state.q}
        placeholder="Title, user, player…"
        testId="history-search"
        onCommit={(q) => set("q", q)}
      />
      <DebouncedText
        label="User"
        value={state.user}
        placeholder="Any user"
        testId="history-user"
        onCommit={(user) => set("user", user)}
      />
      <label className="history-filters__field">
        <span>Media</span>
        <select
          value={state.mediaType ?? ""}
          data-testid="history-media-type"
          onChange={(event) => set("mediaType", MEDIA_TYPES.find((m) => m.id === event.target.value)?.id ?? null)}
        >
          <option value="">All media</option>
          {MEDIA_TYPES.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <label className="history-filters__field">
        <span>Stream</span>
        <select
          value={state.decision ?? ""}
          data-testid="history-decision"
          onChange={(event) => set("decision", DECISIONS.find((d) => d.id === event.target.value)?.id ?? null)}
        >
          <option value="">Any stream</option>
          {DECISIONS.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      <label className="history-filters__field">
        <span>Source</span>
        <select
          value={state.source ?? ""}
          data-testid="history-source"
          onChange={(event) => set("source", SOURCES.find((s) => s.id === event.target.value)?.id ?? null)}
        >
          <option value="">All sources</option>
          {SOURCES.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <DebouncedText
        label="Server"
        value={state.server}
        placeholder="Any server"
        testId="history-server"
        onCommit={(server) => set("server", server)}
      />
    </form>
  );
}
