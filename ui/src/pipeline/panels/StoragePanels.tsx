// What the writer did (batches, rows per batch, duplicates, dead letters) and the dedup audit by
// rule, the dead letters by kind and source, DuckDB's size, and the nats-server sidecar and how NATS is run.
import type { Health, Stats } from "../../backend/Backend";
import { formatBytes, formatCount, formatUptime } from "../../format/humanize";
import { sourceName } from "../../media/labels";
import { Figures, Panel } from "./Panel";

export function WriterPanel({ stats }: { stats: Stats }) {
  const w = stats.writer;
  const perBatch = w.batches > 0 ? (w.stored / w.batches).toLocaleString("en-US", { maximumFractionDigits: 1 }) : "—";
  // What storing costs the machine: CPU time of the writer's transactions per stored event.
  const cpuPerEvent = w.stored > 0 ? `${Math.round(w.store_cpu_us / w.stored).toLocaleString("en-US")} µs` : "—";
  return (
    <Panel title="Writer" testId="panel-writer">
      <Figures
        figures={[
          { label: "Stored", value: formatCount(w.stored), testId: "writer-stored" },
          { label: "Batches", value: formatCount(w.batches) },
          { label: "Rows per batch", value: perBatch, testId: "writer-per-batch" },
          { label: "CPU per stored event", value: cpuPerEvent, testId: "writer-cpu-per-event" },
          { label: "Duplicates", value: formatCount(w.duplicates) },
          { label: "Redelivered", value: formatCount(w.redelivered) },
          { label: "Dead-lettered", value: formatCount(w.dead_lettered) },
          { label: "Dedup: dropped, not restored", value: formatCount(stats.duplicates_dropped), testId: "dedup-dropped" },
          ...Object.entries(stats.duplicates_by_rule ?? {})
            .filter(([, n]) => (n ?? 0) > 0)
            .map(([rule, n]) => ({ label: `· ${RULE_NAMES[rule] ?? rule}`, value: formatCount(n ?? 0), testId: `dedup-${rule}` })),
        ]}
      />
      <p className="pipeline-panel__note">Since the engine started.</p>
    </Panel>
  );
}

const KIND_NAMES: Record<string, string> = { rejected: "Rejected", permanent: "Permanent", exhausted: "Exhausted" };

const RULE_NAMES: Record<string, string> = {
  event_id: "Same event id",
  session: "Same session moment",
  cross_source: "Another source",
  cross_origin: "Another origin",
};

export function StoragePanel({ stats }: { stats: Stats }) {
  const kinds = Object.entries(stats.dlq_by_kind).filter(([, n]) => (n ?? 0) > 0);
  const sources = Object.entries(stats.dlq_by_source ?? {}).filter(([, n]) => (n ?? 0) > 0);
  return (
    <Panel title="Dead letters and DuckDB" testId="panel-storage">
      <Figures
        figures={[
          { label: "Dead letters", value: formatCount(stats.dlq_size), testId: "dlq-total" },
          ...kinds.map(([kind, n]) => ({ label: `· ${KIND_NAMES[kind] ?? kind}`, value: formatCount(n ?? 0), testId: `dlq-${kind}` })),
          ...sources.map(([source, n]) => ({
            label: `· from ${sourceName(source)}`,
            value: formatCount(n ?? 0),
            testId: `dlq-source-${source}`,
          })),
          { label: "DuckDB file", value: formatBytes(stats.duckdb_file_bytes), testId: "duckdb-size" },
          { label: "Events stored", value: formatCount(stats.events_stored) },
        ]}
      />
      {stats.dlq_size > 0 && (
        <p className="pipeline-panel__note">
          <a href="#/dlq">Open the dead letters</a> to retry or delete them.
        </p>
      )}
    </Panel>
  );
}

/** How NATS runs: the engine's own sidecar, a server of the user's, or none (direct mode). */
export function natsMode(health: Health | null, stats: Stats): "embedded" | "external" | "direct" {
  if (health?.mode === "direct") return "direct";
  if (stats.sidecar !== null) return "embedded";
  if (health?.parts.nats?.detail.startsWith("external")) return "external";
  return stats.stream === null && stats.consumers.length === 0 ? "direct" : "external";
}

const MODE_WORDS = {
  embedded: "Embedded: the engine runs and supervises nats-server",
  external: "External: a NATS server you run; the engine does not supervise it",
  direct: "Direct: no NATS; events go straight into DuckDB",
};

export function SidecarPanel({ stats, health }: { stats: Stats; health: Health | null }) {
  const mode = natsMode(health, stats);
  const sidecar = stats.sidecar;
  return (
    <Panel title="NATS sidecar" testId="panel-sidecar">
      <p data-testid="nats-mode">{MODE_WORDS[mode]}</p>
      {sidecar !== null && (
        <Figures
          figures={[
            { label: "pid", value: sidecar.pid === null ? "not running" : String(sidecar.pid), testId: "sidecar-pid" },
            { label: "Uptime", value: sidecar.pid === null ? "—" : formatUptime(sidecar.uptime_s) },
            { label: "Restarts", value: formatCount(sidecar.restarts), testId: "sidecar-restarts" },
            { label: "Memory (RSS)", value: sidecar.rss_bytes === null ? "—" : formatBytes(sidecar.rss_bytes) },
            { label: "Version", value: sidecar.version ?? "unknown", testId: "sidecar-version" },
            ...(sidecar.restarts > 0 && sidecar.last_exit ? [{ label: "Last exit", value: sidecar.last_exit }] : []),
          ]}
        />
      )}
    </Panel>
  );
}
