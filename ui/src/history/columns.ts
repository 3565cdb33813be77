// The History table's columns: header, width, the sort key a header click sets (if any) and the
// cell text of a session.
import type { Session, SessionSortKey } from "../backend/Backend";
import { formatPlayback, formatTimeOfDay } from "../format/time";

const DATE = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric" });

export function decisionLabel(decision: string | null): string {
  switch ((decision ?? "").toLowerCase()) {
    case "direct play":
      return "Direct play";
    case "copy":
    case "direct stream":
      return "Direct stream";
    case "transcode":
      return "Transcode";
    default:
      return "—";
  }
}

/** "Harbor Lights — Season 3 — The Long Night Shift", or the title alone. */
export function fullTitle(session: Pick<Session, "title" | "parent_title" | "grandparent_title">): string {
  return [session.grandparent_title, session.parent_title, session.title].filter((t) => t).join(" — ") || "—";
}

export type Column = {
  id: string;
  header: string;
  width: number;
  sort: SessionSortKey | null;
  cell: (session: Session) => string;
};

const orDash = (value: string | null | undefined) => (value ? value : "—");

export const COLUMNS: ReadonlyArray<Column> = [
  { id: "date", header: "Date", width: 110, sort: "started_at", cell: (s) => DATE.format(new Date(s.started_at)) },
  { id: "user", header: "User", width: 110, sort: "user", cell: (s) => orDash(s.username ?? s.user_id) },
  { id: "title", header: "Title", width: 300, sort: "title", cell: fullTitle },
  { id: "player", header: "Player", width: 140, sort: "player", cell: (s) => orDash(s.player) },
  { id: "platform", header: "Platform", width: 100, sort: "platform", cell: (s) => orDash(s.platform) },
  { id: "product", header: "Product", width: 130, sort: "product", cell: (s) => orDash(s.product) },
  { id: "started", header: "Started", width: 80, sort: "started_at", cell: (s) => formatTimeOfDay(s.started_at) },
  { id: "paused", header: "Paused", width: 70, sort: "paused", cell: (s) => formatPlayback(s.paused_ms ?? 0) },
  {
    id: "stopped",
    header: "Stopped",
    width: 80,
    sort: "stopped_at",
    cell: (s) => (s.stopped_at ? formatTimeOfDay(s.stopped_at) : "playing"),
  },
  { id: "duration", header: "Duration", width: 80, sort: "duration", cell: (s) => formatPlayback(s.play_ms ?? 0) },
  {
    id: "percent",
    header: "%",
    width: 50,
    sort: "percent",
    cell: (s) => (s.percent_complete === null ? "—" : `${Math.round(s.percent_complete)}%`),
  },
  { id: "decision", header: "Stream", width: 110, sort: "decision", cell: (s) => decisionLabel(s.transcode_decision) },
  { id: "source", header: "Source", width: 80, sort: "source", cell: (s) => s.source },
  { id: "server", header: "Server", width: 110, sort: "server", cell: (s) => orDash(s.server_name ?? s.server_id) },
];

export const TABLE_WIDTH = COLUMNS.reduce((sum, c) => sum + c.width, 0);
