// The live view's filters: by source and by server, offered only for what is playing now.
import type { Source } from "../backend/Backend";
import { sourceName } from "../media/labels";
import { NO_FILTER, isFiltered, type LiveFilter, type ServerChoice } from "./liveFilter";
import "./live.css";

type LiveFiltersProps = {
  filter: LiveFilter;
  sources: readonly Source[];
  servers: readonly ServerChoice[];
  onChange: (filter: LiveFilter) => void;
};

export function LiveFilters({ filter, sources, servers, onChange }: LiveFiltersProps) {
  return (
    <form className="live-filters" role="search" aria-label="Filter live sessions" onSubmit={(e) => e.preventDefault()}>
      <label className="live-filters__field">
        <span className="live-filters__label">Source</span>
        <select
          data-testid="live-filter-source"
          value={filter.source}
          onChange={(event) => onChange({ ...filter, source: event.target.value as Source | "" })}
        >
          <option value="">Any source</option>
          {sources.map((source) => (
            <option key={source} value={source}>
              {sourceName(source)}
            </option>
          ))}
        </select>
      </label>
      <label className="live-filters__field">
        <span className="live-filters__label">Server</span>
        <select
          data-testid="live-filter-server"
          value={filter.server}
          onChange={(event) => onChange({ ...filter, server: event.target.value })}
        >
          <option value="">Any server</option>
          {servers.map((server) => (
            <option key={server.id} value={server.id}>
              {server.name}
            </option>
          ))}
        </select>
      </label>
      {isFiltered(filter) && (
        <button type="button" className="button" data-testid="live-filter-clear" onClick={() => onChange(NO_FILTER)}>
          Show all
        </button>
      )}
    </form>
  );
}
