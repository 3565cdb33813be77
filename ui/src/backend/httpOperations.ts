// The browser host's OperationsBackend over /api/v1/settings, /ingestion, /logs, /diagnostics,
// /sessions, /events, /analytics, /export, /dedup and /replay.
import type { DedupRecord, JobStatus, MediaEvent, Page, ReplayPreview, Restored, Session } from "../bindings";
import type {
  Concurrent,
  DiagnosticsExport,
  IngestionState,
  LogTail,
  OperationsBackend,
  Plays,
  Regenerated,
  RevealedSecret,
  SettingsUpdate,
  SettingsView,
} from "./operations";

type RequestOptions = { method?: string; body?: unknown };

export type HttpOperationsDeps = {
  /** A token-gated JSON call: the body of a 2xx answer, else the engine's error. */
  callApi<T>(path: string, what: string, init?: RequestOptions): Promise<T>;
  /** A token-gated call answered with a file. */
  fetchFile(path: string, what: string): Promise<Blob>;
  /** Saves a file the browser received (tests pass a fake). */
  saveFile?: (blob: Blob, fileName: string) => void;
};

const SETTINGS_PATH = "/api/v1/settings";
const INGESTION_PATH = "/api/v1/ingestion";
const LOGS_PATH = "/api/v1/logs";
const DIAGNOSTICS_PATH = "/api/v1/diagnostics";

export function createHttpOperations({ callApi, fetchFile, saveFile = downloadBlob }: HttpOperationsDeps): OperationsBackend {
  const key = (name: string) => `${SETTINGS_PATH}/${encodeURIComponent(name)}`;
  return {
    getSettings: () => callApi<SettingsView>(SETTINGS_PATH, "Settings"),
    updateSettings: (changes) => callApi<SettingsUpdate>(SETTINGS_PATH, "Settings", { method: "PATCH", body: changes }),
    revealSetting: (name) => callApi<RevealedSecret>(`${key(name)}/secret`, "Settings"),
    regenerateToken: (name) => callApi<Regenerated>(`${key(name)}/regenerate`, "Settings", { method: "POST" }),
    getIngestion: () => callApi<IngestionState>(INGESTION_PATH, "Ingestion"),
    pauseIngestion: () => callApi<IngestionState>(`${INGESTION_PATH}/pause`, "Ingestion", { method: "POST" }),
    resumeIngestion: () => callApi<IngestionState>(`${INGESTION_PATH}/resume`, "Ingestion", { method: "POST" }),
    getLogs: (query) => {
      const parameters = new URLSearchParams();
      if (query.level) parameters.set("level", query.level);
      if (query.limit !== null && query.limit !== undefined) parameters.set("limit", String(query.limit));
      if (query.cursor) parameters.set("cursor", query.cursor);
      const text = parameters.toString();
      return callApi<LogTail>(text === "" ? LOGS_PATH : `${LOGS_PATH}?${text}`, "The log");
    },
    exportDiagnostics: () => callApi<DiagnosticsExport>(DIAGNOSTICS_PATH, "Diagnostics", { method: "POST" }),
    deliverDiagnostics: async (exported) => {
      const blob = await fetchFile(`${DIAGNOSTICS_PATH}/${encodeURIComponent(exported.file_name)}`, "Diagnostics");
      saveFile(blob, exported.file_name);
    },
    openLogFolder: () =>
      Promise.reject(new Error("A browser cannot open folders on the server; the log folder's path is shown instead.")),
    onSettingsChanged: () => () => {},
    listSessions: (filter, page) => callApi<Page<Session>>(withQuery("/api/v1/sessions", { ...filter, ...page }), "The history"),
    listEvents: (filter, page) =>
      callApi<Page<MediaEvent>>(withQuery("/api/v1/events", eventParameters(filter, page)), "The events"),
    getAnalyticsPlays: (query) => callApi<Plays>(withQuery("/api/v1/analytics/plays", query), "Analytics"),
    getAnalyticsConcurrent: (range) => callApi<Concurrent>(withQuery("/api/v1/analytics/concurrent", range), "Analytics"),
    exportHistory: async (rows, format) => {
      const parameters = rows.table === "events" ? eventParameters(rows.filter, {}) : { ...rows.filter };
      const fileName = `cartographus-${rows.table}.${format}`;
      const blob = await fetchFile(withQuery(`/api/v1/export/${rows.table}.${format}`, parameters), "The export");
      saveFile(blob, fileName);
      return { kind: "downloaded", fileName };
    },
    listDedup: (filter, page) =>
      callApi<Page<DedupRecord>>(withQuery("/api/v1/dedup", { rule: filter.rule, ...page }), "Duplicates"),
    restoreDedup: (id) =>
      callApi<Restored>(`/api/v1/dedup/${encodeURIComponent(id)}/restore`, "Duplicates", { method: "POST" }),
    getEvent: (eventId) => callApi<MediaEvent>(`/api/v1/events/${encodeURIComponent(eventId)}`, "The event"),
    previewReplay: (range) =>
      callApi<ReplayPreview>(withQuery("/api/v1/replay/preview", { from: range.from, to: range.to }), "The replay preview"),
    startReplay: (range) => callApi<JobStatus>("/api/v1/replay", "The replay", { method: "POST", body: range }),
  };
}

type QueryValue = string | number | boolean | null | undefined;

/** `path?name=value&…` with the set values only (false flags are left out: each is off by default). */
export function withQuery(path: string, values: Record<string, QueryValue>): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined || value === "" || value === false) continue;
    parameters.set(name, String(value));
  }
  const text = parameters.toString();
  return text === "" ? path : `${path}?${text}`;
}

/** The events route names the event type `type`. */
function eventParameters(
  { event_type, ...rest }: import("../bindings").EventFilter,
  page: { cursor?: string | null; limit?: number | null },
): Record<string, QueryValue> {
  return { ...rest, type: event_type, ...page };
}

/** The browser's "save as": a temporary link to the blob, clicked. */
function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
