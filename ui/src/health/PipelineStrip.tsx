// Below the part cards: how many events sit in each stage of the pipeline, one tile per figure
// the engine reported (direct mode has no stream or spool, so those tiles disappear).
import type { Stats } from "../backend/Backend";
import { formatCount } from "../format/humanize";
import type { StatsState } from "./useStats";
import "./health.css";

type Tile = {
  testId: string;
  label: string;
  value: number | null;
  /** Anything above zero deserves a glance (events waiting for NATS). */
  warnAboveZero?: boolean;
};

function tilesFor(stats: Stats): Tile[] {
  return [
    { testId: "stat-stream-messages", label: "Events in stream", value: stats.stream?.messages ?? null },
    { testId: "stat-spool-pending", label: "Waiting in spool", value: stats.spool?.pending ?? null, warnAboveZero: true },
    { testId: "stat-events-stored", label: "Stored in DuckDB", value: stats.events_stored },
    { testId: "stat-dlq-size", label: "Dead letters", value: stats.dlq_size },
  ];
}

export function PipelineStrip({ state }: { state: StatsState }) {
  const { stats, error } = state;
  const tiles = stats === null ? [] : tilesFor(stats).filter((tile) => tile.value !== null);
  if (tiles.length === 0 && error === null) return null;

  return (
    <section className="pipeline" aria-labelledby="pipeline-title">
      <h2 className="pipeline__title" id="pipeline-title">
        Pipeline
      </h2>
      {tiles.length > 0 && (
        <dl className="stat-tiles">
          {tiles.map((tile) => {
            const warn = tile.warnAboveZero === true && tile.value !== null && tile.value > 0;
            return (
              <div key={tile.testId} className={warn ? "stat-tile stat-tile--warn" : "stat-tile"}>
                <dt className="stat-tile__label">{tile.label}</dt>
                <dd className="stat-tile__value" data-testid={tile.testId}>
                  {formatCount(tile.value ?? 0)}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
      {error !== null && (
        <p className="pipeline__error" data-testid="stats-error">
          {stats === null ? `Pipeline figures unavailable: ${error}` : `Figures may be out of date: ${error}`}
        </p>
      )}
    </section>
  );
}
