// The Logs section: the tail of the engine's log with a level filter, following new lines,
// copying them, opening the log folder, and exporting diagnostics for a bug report.
import { useEffect, useRef, useState } from "react";
import type { LogLevel } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { formatBytes } from "../format/humanize";
import { copyText } from "../settings/clipboard";
import { linesAsText, useLogTail } from "./useLogTail";
import "./logs.css";

const LEVELS: ReadonlyArray<{ level: LogLevel; label: string }> = [
  { level: "error", label: "Errors" },
  { level: "warn", label: "Warnings and errors" },
  { level: "info", label: "Info and above" },
  { level: "debug", label: "Debug and above" },
  { level: "trace", label: "Everything" },
];

type Notice = { tone: "success" | "error"; text: string; outcome: string };

export function LogsView({ pollMs }: { pollMs?: number }) {
  const backend = useBackend();
  const [level, setLevel] = useState<LogLevel>("info");
  const [follow, setFollow] = useState(true);
  const tail = useLogTail(level, follow, pollMs);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const list = useRef<HTMLOListElement>(null);

  // Following keeps the newest line in view.
  useEffect(() => {
    if (follow && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [tail.lines, follow]);

  async function run(action: () => Promise<Notice>) {
    setBusy(true);
    setNotice(null);
    try {
      setNotice(await action());
    } catch (failure) {
      setNotice({ tone: "error", outcome: "failed", text: describeFailure(failure) });
    } finally {
      setBusy(false);
    }
  }

  const copy = () =>
    run(async () => {
      await copyText(linesAsText(tail.lines));
      return { tone: "success", outcome: "copied", text: `Copied ${tail.lines.length} lines.` };
    });

  const openFolder = () =>
    run(async () => {
      await backend.openLogFolder();
      return { tone: "success", outcome: "opened", text: "The log folder is open in your file manager." };
    });

  const exportDiagnostics = () =>
    run(async () => {
      const exported = await backend.exportDiagnostics();
      const contents = `${formatBytes(exported.size_bytes)}: logs, settings without secrets, stats`;
      let handedOver: string;
      try {
        await backend.deliverDiagnostics(exported);
        handedOver = backend.kind === "tauri" ? " It is shown in your file manager." : ` Downloaded as ${exported.file_name}.`;
      } catch (failure) {
        // The zip exists either way; only showing or downloading it failed.
        handedOver = ` (It could not be ${backend.kind === "tauri" ? "shown in the file manager" : "downloaded"}: ${describeFailure(failure)})`;
      }
      return {
        tone: "success",
        outcome: "exported",
        text: `Diagnostics saved as ${exported.path} (${contents}).${handedOver} Attach it to your bug report.`,
      };
    });

  return (
    <section className="logs-view" data-testid="logs-view">
      <h2 className="section-title">Logs</h2>
      <div className="logs-toolbar">
        <label className="field">
          <span className="field__label">Level</span>
          <select
            className="field__control"
            data-testid="logs-level"
            value={level}
            onChange={(event) => setLevel(event.target.value as LogLevel)}
          >
            {LEVELS.map((option) => (
              <option key={option.level} value={option.level}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <label className="logs-toolbar__follow">
          <input type="checkbox" data-testid="logs-follow" checked={follow} onChange={(event) => setFollow(event.target.checked)} />
          Follow new lines
        </label>
        <div className="logs-toolbar__actions">
          <button type="button" className="button" disabled={busy || tail.lines.length === 0} data-testid="logs-copy" onClick={() => void copy()}>
            Copy
          </button>
          {backend.kind === "tauri" && (
            <button type="button" className="button" disabled={busy} data-testid="logs-open-folder" onClick={() => void openFolder()}>
              Open log folder
            </button>
          )}
          <button
            type="button"
            className="button button--primary"
            disabled={busy}
            data-testid="logs-export"
            onClick={() => void exportDiagnostics()}
          >
            {busy ? "Working…" : "Export diagnostics"}
          </button>
        </div>
      </div>
      {tail.dir !== null && (
        <p className="logs-where">
          Log folder: <code data-testid="logs-dir">{tail.dir}</code>
          {tail.file !== null && <> — showing {tail.file}</>}
        </p>
      )}
      {notice !== null && (
        <div
          className={`notice ${notice.tone === "error" ? "notice--error" : "notice--success"}`}
          role={notice.tone === "error" ? "alert" : "status"}
          data-testid="logs-notice"
          data-outcome={notice.outcome}
        >
          <p className="notice__text">{notice.text}</p>
          <button type="button" className="button button--small" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      {tail.error !== null && (
        <div className="notice notice--error" role="alert" data-testid="logs-error">
          <p className="notice__text">The log could not be read: {tail.error}</p>
          <button type="button" className="button button--small" onClick={tail.reload}>
            Try again
          </button>
        </div>
      )}
      {tail.loading && tail.lines.length === 0 && (
        <p className="logs-empty" data-testid="logs-loading">
          Reading the log…
        </p>
      )}
      {!tail.loading && tail.error === null && tail.lines.length === 0 && (
        <p className="logs-empty" data-testid="logs-empty">
          {tail.file === null
            ? "No log yet: the engine writes one once it has something to say. Come back after it has run a while."
            : "Nothing at this level. Choose a lower level to see more."}
        </p>
      )}
      {tail.lines.length > 0 && (
        <ol className="log-lines" ref={list} tabIndex={0} aria-label="Log lines, oldest first" data-testid="log-lines">
          {tail.lines.map((line, index) => (
            <li key={`${index}-${line.at ?? ""}`} className="log-line" data-testid="log-line" data-level={line.level ?? "none"}>
              <span className="log-line__time">{line.at?.replace("T", " ").replace(/\.\d+Z$/, "Z") ?? ""}</span>
              <span className="log-line__level">{line.level?.toUpperCase() ?? ""}</span>
              <span className="log-line__target">{line.target ?? ""}</span>
              <span className="log-line__message">{line.message}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
