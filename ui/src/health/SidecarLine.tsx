// The nats-server sidecar under the NATS card: pid, uptime, restarts and memory on one line,
// and why it last stopped once it has had to be restarted.
import type { SidecarStatus } from "../backend/Backend";
import { formatBytes, formatCount, formatUptime } from "../format/humanize";
import "./health.css";

/** "pid 1234 · up 5m 12s · 0 restarts · 38 MB", or "not running · 2 restarts" while it is down. */
export function sidecarSummary(sidecar: SidecarStatus): string {
  const running = sidecar.pid !== null;
  const facts = [running ? `pid ${sidecar.pid}` : "not running"];
  if (running && sidecar.uptime_s !== null) facts.push(`up ${formatUptime(sidecar.uptime_s)}`);
  facts.push(`${formatCount(sidecar.restarts)} ${sidecar.restarts === 1 ? "restart" : "restarts"}`);
  if (running && sidecar.rss_bytes !== null) facts.push(formatBytes(sidecar.rss_bytes));
  return facts.join(" · ");
}

export function SidecarLine({ sidecar }: { sidecar: SidecarStatus }) {
  const running = sidecar.pid !== null;
  const lastExit = sidecar.restarts > 0 ? sidecar.last_exit : null;
  return (
    <div className="sidecar" data-running={running}>
      <p className="sidecar__line">
        <span className="sidecar__label">Sidecar</span>
        <span className="sidecar__facts" data-testid="sidecar-status">
          {sidecarSummary(sidecar)}
        </span>
      </p>
      {lastExit !== null && (
        <p className="sidecar__exit" data-testid="sidecar-last-exit">
          last exit: {lastExit}
        </p>
      )}
    </div>
  );
}
