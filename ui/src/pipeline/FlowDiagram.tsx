// The flow across the top of the Pipeline view: a box per stage (state in words, its reason and
// figure), arrows between them with what waits there, and the branch to the live view. HTML
// boxes, each focusable with its whole state as its accessible name; colour only repeats the words.
import type { Flow, Link, Stage } from "./flow";

const STATE_WORDS: Record<Stage["state"], string> = { up: "up", degraded: "degraded", down: "down", off: "off" };
const DATA_STATUS: Record<Stage["state"], string> = { up: "up", degraded: "degraded", down: "down", off: "disabled" };

function StageBox({ stage }: { stage: Stage }) {
  const summary = `${stage.name}: ${STATE_WORDS[stage.state]}. ${stage.reason}${stage.figure ? `. ${stage.figure}` : ""}`;
  return (
    <div
      className="flow-stage"
      data-testid={`stage-${stage.id}`}
      data-status={DATA_STATUS[stage.state]}
      tabIndex={0}
      aria-label={summary}
      title={stage.reason}
    >
      <span className="flow-stage__name">{stage.name}</span>
      <span className="flow-stage__state">
        <span className="status-dot" aria-hidden="true" />
        {STATE_WORDS[stage.state]}
      </span>
      {stage.figure && <span className="flow-stage__figure">{stage.figure}</span>}
      <span className="flow-stage__reason">{stage.reason}</span>
    </div>
  );
}

function Arrow({ link }: { link: Link }) {
  const waits = link.waiting.length > 0;
  const busy = link.busy ?? waits;
  return (
    <div
      className={busy ? "flow-link flow-link--waiting" : "flow-link"}
      data-busy={busy}
      data-testid={`link-${link.from}-${link.to}`}
      aria-label={waits ? `Waiting between ${link.from} and ${link.to}: ${link.waiting.join(", ")}` : undefined}
      tabIndex={waits ? 0 : undefined}
    >
      <span className="flow-link__arrow" aria-hidden="true">
        →
      </span>
      {link.waiting.map((text) => (
        <span key={text} className="flow-link__wait">
          {text}
        </span>
      ))}
    </div>
  );
}

export function FlowDiagram({ flow }: { flow: Flow }) {
  const byId = new Map(flow.stages.map((s) => [s.id, s]));
  const shown = flow.direct ? flow.stages.filter((s) => s.state !== "off") : flow.stages;
  const skipped = flow.direct ? flow.stages.filter((s) => s.state === "off") : [];
  return (
    <section className="flow" aria-labelledby="flow-title" data-testid="pipeline-flow">
      <h2 id="flow-title" className="visually-hidden">
        Pipeline flow
      </h2>
      <div className="flow__row">
        {shown.map((stage, i) => {
          const link = i === 0 ? null : flow.links.find((l) => l.to === stage.id && byId.has(l.from));
          return (
            <div key={stage.id} className="flow__step">
              {link && <Arrow link={link} />}
              <StageBox stage={stage} />
            </div>
          );
        })}
      </div>
      <div className="flow__branch">
        <span className="flow__branch-from">{byId.get(flow.branch.link.from)?.name}</span>
        <Arrow link={flow.branch.link} />
        <StageBox stage={flow.branch.stage} />
      </div>
      {skipped.length > 0 && (
        <p className="flow__skipped" data-testid="flow-direct">
          Direct mode: {skipped.map((s) => s.name).join(", ")} are not used — events go from the listener straight into
          DuckDB, so nothing can be replayed. Set NATS mode to embedded or external in Settings (applies after a restart).
        </p>
      )}
    </section>
  );
}
