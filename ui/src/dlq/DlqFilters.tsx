// Narrowing the dead letters: by source, kind and time range at once, by error code and text when
// the form is submitted.
import { useState, type FormEvent } from "react";
import type { DlqKind, Source } from "../backend/Backend";
import { DLQ_KINDS, SOURCES, dlqKindName, sourceName } from "../media/labels";
import { DLQ_RANGES, EMPTY_FILTER, isFiltered, type DlqFilterForm, type DlqRange } from "./dlqFilter";
import "./dlq.css";

type DlqFiltersProps = { applied: DlqFilterForm; onApply: (filter: DlqFilterForm) => void };

export function DlqFilters({ applied, onApply }: DlqFiltersProps) {
  const [text, setText] = useState(applied.q);
  const [code, setCode] = useState(applied.code);
  // A group's "Show entries" sets the code from outside: the field follows.
  const [shownCode, setShownCode] = useState(applied.code);
  if (applied.code !== shownCode) {
    setShownCode(applied.code);
    setCode(applied.code);
  }
  const typed = { q: text, code };

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({ ...applied, ...typed });
  }

  return (
    <form className="dlq-filters" role="search" aria-label="Filter dead letters" onSubmit={submit}>
      <label className="field">
        <span className="field__label">Source</span>
        <select
          className="field__control"
          data-testid="dlq-filter-source"
          value={applied.source}
          onChange={(event) => onApply({ ...applied, ...typed, source: event.target.value as Source | "" })}
        >
          <option value="">Any source</option>
          {SOURCES.map((source) => (
            <option key={source} value={source}>
              {sourceName(source)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">Kind</span>
        <select
          className="field__control"
          data-testid="dlq-filter-kind"
          value={applied.kind}
          onChange={(event) => onApply({ ...applied, ...typed, kind: event.target.value as DlqKind | "" })}
        >
          <option value="">Any kind</option>
          {DLQ_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {dlqKindName(kind)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">Last failure</span>
        <select
          className="field__control"
          data-testid="dlq-filter-range"
          value={applied.range}
          onChange={(event) => onApply({ ...applied, ...typed, range: event.target.value as DlqRange })}
        >
          <option value="">Any time</option>
          {DLQ_RANGES.map((range) => (
            <option key={range.value} value={range.value}>
              {range.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">Error code</span>
        <input
          className="field__control dlq-filters__code"
          type="search"
          data-testid="dlq-filter-code"
          value={code}
          placeholder="e.g. invalid_json"
          onChange={(event) => setCode(event.target.value)}
        />
      </label>
      <label className="field field--grow">
        <span className="field__label">Text in the error or payload</span>
        <input
          className="field__control"
          type="search"
          data-testid="dlq-filter-text"
          value={text}
          placeholder="e.g. session_key, invalid JSON"
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      <div className="dlq-filters__buttons">
        <button type="submit" className="button" data-testid="dlq-filter-apply">
          Search
        </button>
        {(isFiltered(applied) || text !== "" || code !== "") && (
          <button
            type="button"
            className="button"
            onClick={() => {
              setText("");
              setCode("");
              onApply(EMPTY_FILTER);
            }}
          >
            Clear
          </button>
        )}
      </div>
    </form>
  );
}
