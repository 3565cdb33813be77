// One line of pulse under the live view's title, from the figures pushed on the live feed:
// webhooks per minute, how fast they reach this screen, what is stored and what failed.
import type { Stats } from "../backend/Backend";
import { formatCount } from "../format/humanize";
import "./live.css";

function perMinute(stats: Stats): number | null {
  const rates = Object.values(stats.ingest_rate).map((rate) => rate?.last_minute ?? null);
  const known = rates.filter((rate): rate is number => rate !== null);
  // last_minute is a per-second average over the minute.
  return known.length === 0 ? null : known.reduce((sum, rate) => sum + rate, 0) * 60;
}

export function LiveFigures({ stats }: { stats: Stats | null }) {
  if (stats === null) return null;
  const facts: Array<{ key: string; text: string }> = [];
  const rate = perMinute(stats);
  if (rate !== null) facts.push({ key: "rate", text: `${formatCount(Math.round(rate))} webhooks/min` });
  const toLive = stats.latency.webhook_to_live.p50_ms;
  if (toLive !== null && (stats.latency.webhook_to_live.count ?? 0) > 0) {
    facts.push({ key: "latency", text: `webhook → screen ${formatCount(Math.round(toLive))} ms (median)` });
  }
  if (stats.events_stored !== null) facts.push({ key: "stored", text: `${formatCount(stats.events_stored)} stored` });
  if (stats.dlq_size !== null) {
    facts.push({ key: "dlq", text: `${formatCount(stats.dlq_size)} ${stats.dlq_size === 1 ? "dead letter" : "dead letters"}` });
  }
  if (facts.length === 0) return null;
  return (
    <p className="live-figures" data-testid="live-figures">
      {facts.map((fact) => (
        <span key={fact.key} className="live-figures__fact">
          {fact.text}
        </span>
      ))}
    </p>
  );
}
