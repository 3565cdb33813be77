// The pipeline as stages and the links between them, from Health's parts and the Stats: each
// stage's state in words (up / degraded / down / off, with the part's reason) and its current
// figure, and on each link where events wait. Pure, so the diagram only draws what this says.
import type { ConsumerStats, Health, PartHealth, Stats, StatsSample } from "../backend/Backend";
import { formatBytes, formatCount } from "../format/humanize";

export type StageState = "up" | "degraded" | "down" | "off";

export type Stage = {
  id: "sources" | "listener" | "spool" | "jetstream" | "persist" | "duckdb" | "live";
  name: string;
  state: StageState;
  /** Why it is in that state (the health part's detail), or what it does. */
  reason: string;
  /** Its current rate or size, in words. */
  figure: string | null;
};

/** `waiting`: what the link holds, in words; `busy`: whether any of it is above zero. */
export type Link = { from: Stage["id"]; to: Stage["id"]; waiting: string[]; busy?: boolean };

export type Flow = { direct: boolean; stages: Stage[]; links: Link[]; branch: { link: Link; stage: Stage } };

const RANK: Record<StageState, number> = { off: 0, up: 1, degraded: 2, down: 3 };

function fromPart(part: PartHealth | undefined): { state: StageState; reason: string } | null {
  if (part === undefined) return null;
  const state: StageState =
    part.status === "up" ? "up" : part.status === "down" ? "down" : part.status === "starting" ? "degraded" : "off";
  const reason = part.status === "starting" ? `starting${part.detail ? `: ${part.detail}` : ""}` : part.detail;
  return { state, reason };
}

/** The worst of several parts, with the reasons of the parts in that state. */
function worst(parts: (PartHealth | undefined)[], fallback: string): { state: StageState; reason: string } {
  const known = parts.map(fromPart).filter((p): p is { state: StageState; reason: string } => p !== null);
  if (known.length === 0) return { state: "off", reason: fallback };
  known.sort((a, b) => RANK[b.state] - RANK[a.state]);
  const state = known[0]!.state;
  const reasons = known.filter((p) => p.state === state).map((p) => p.reason).filter((r) => r !== "");
  return { state, reason: reasons.join(" · ") || fallback };
}

export function perSecond(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return `${value.toLocaleString("en-US", { maximumFractionDigits: value < 10 ? 2 : 0 })}/s`;
}

export function writerConsumer(stats: Stats): ConsumerStats | null {
  return stats.consumers.find((c) => c.name === "persist") ?? null;
}

export function liveConsumer(stats: Stats): ConsumerStats | null {
  return stats.consumers.find((c) => c.name !== "persist") ?? null;
}

export function totalIngest(stats: Stats): number | null {
  const rates = Object.values(stats.ingest_rate).map((r) => r?.last_second ?? null);
  if (rates.every((r) => r === null)) return null;
  return rates.reduce<number>((sum, r) => sum + (r ?? 0), 0);
}

const OFF_IN_DIRECT = "not used: direct mode stores events straight into DuckDB";

export function buildFlow(health: Health | null, stats: Stats, latest: StatsSample | null): Flow {
  const parts = health?.parts ?? {};
  const direct = health?.mode === "direct" || (stats.stream === null && stats.consumers.length === 0 && stats.sidecar === null);
  const ingest = totalIngest(stats);
  const writer = writerConsumer(stats);
  const live = liveConsumer(stats);

  const sourcesPart = worst([parts.ingestion, parts.tautulli], "webhooks from Plex, Jellyfin, Emby and Tautulli");
  const sources: Stage = {
    id: "sources",
    name: "Sources",
    state: parts.ingestion?.status === "disabled" ? "degraded" : sourcesPart.state,
    reason: parts.ingestion?.status === "disabled" ? `ingestion paused${parts.ingestion.detail ? `: ${parts.ingestion.detail}` : ""}` : sourcesPart.reason,
    figure: `${perSecond(ingest)} in`,
  };
  const listener: Stage = { id: "listener", name: "Listener", ...worst([parts.listener], "unknown"), figure: `${perSecond(ingest)} accepted` };
  const duckdb: Stage = {
    id: "duckdb",
    name: "DuckDB",
    ...worst([parts.duckdb], "unknown"),
    figure: `${formatCount(stats.events_stored)} events · ${formatBytes(stats.duckdb_file_bytes)}`,
  };
  const stored = latest?.stored_per_s ?? null;

  if (direct) {
    const off = (id: Stage["id"], name: string): Stage => ({ id, name, state: "off", reason: OFF_IN_DIRECT, figure: null });
    const liveStage: Stage = { id: "live", name: "Live view", state: "up", reason: "fed by the listener", figure: null };
    return {
      direct,
      stages: [sources, listener, off("spool", "Spool"), off("jetstream", "JetStream"), off("persist", "Writer (persist)"), duckdb],
      links: [
        { from: "sources", to: "listener", waiting: [] },
        { from: "listener", to: "duckdb", waiting: stats.spool && stats.spool.pending > 0 ? [`${formatCount(stats.spool.pending)} left in the spool by an earlier run`] : [] },
      ],
      branch: { link: { from: "listener", to: "live", waiting: [] }, stage: liveStage },
    };
  }

  const spoolPending = stats.spool?.pending ?? 0;
  const stages: Stage[] = [
    sources,
    listener,
    { id: "spool", name: "Spool", ...worst([parts.spool], "holds events while JetStream is away"), figure: `${formatCount(spoolPending)} waiting` },
    {
      id: "jetstream",
      name: "JetStream",
      ...worst([parts.nats, parts.stream], "unknown"),
      figure: stats.stream ? `${formatCount(stats.stream.messages)} messages` : "no stream",
    },
    {
      id: "persist",
      name: "Writer (persist)",
      ...(writer === null ? { state: "down" as const, reason: "the persist consumer is missing" } : worst([parts.stream], "stores events into DuckDB")),
      figure: `${perSecond(stored)} stored`,
    },
    duckdb,
  ];
  const writerWaiting = writer
    ? [
        `${formatCount(writer.pending)} pending`,
        `${formatCount(writer.ack_pending)} ack pending`,
        ...(writer.redelivered > 0 ? [`${formatCount(writer.redelivered)} redelivered`] : []),
      ]
    : [];
  // The listener shows each event once JetStream (or the spool) holds it; only in external
  // mode, where other engines publish too, does an ordered consumer also follow the stream.
  const liveStage: Stage =
    live === null
      ? { id: "live", name: "Live view", state: "up", reason: "fed by the listener as events are acknowledged", figure: null }
      : {
          id: "live",
          name: "Live view",
          state: "up",
          reason: "ordered consumer: every engine's events",
          figure: live.pending === 0 ? "keeps up" : `${formatCount(live.pending)} behind`,
        };
  const liveLink: Link =
    live === null
      ? { from: "listener", to: "live", waiting: [] }
      : { from: "jetstream", to: "live", waiting: live.pending > 0 ? [`${formatCount(live.pending)} pending`] : [] };
  return {
    direct,
    stages,
    links: [
      { from: "sources", to: "listener", waiting: [] },
      { from: "listener", to: "spool", waiting: [] },
      { from: "spool", to: "jetstream", waiting: spoolPending > 0 ? [`${formatCount(spoolPending)} in the spool`] : [] },
      { from: "jetstream", to: "persist", waiting: writerWaiting, busy: writer !== null && writer.pending + writer.ack_pending + writer.redelivered > 0 },
      { from: "persist", to: "duckdb", waiting: [] },
    ],
    branch: { link: liveLink, stage: liveStage },
  };
}
