// "Connect a source": the setup wizard. One panel per step (all kept mounted, so a step keeps its
// state while the user looks at another), the step list with each step's state, and focus moved
// to a step's heading whenever the step changes.
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { ListenChanged, SetupOverview } from "../backend/Backend";
import { addressChoices, listenPort, LOCAL_CHOICE, rebase, validPort, withoutToken, type AddressChoice } from "./addresses";
import { DoneStep } from "./DoneStep";
import { MovedAway, type MovedAwayProps } from "./MovedAway";
import { ListenerStep } from "./ListenerStep";
import { ManualSourcesStep } from "./ManualSourcesStep";
import { PlexStep } from "./PlexStep";
import { StepList } from "./StepList";
import { STEPS, stepStatus, type StepId, type StepStatus, type WizardProgress } from "./steps";
import { TautulliStep } from "./TautulliStep";
import { useSetupOverview } from "./useSetupOverview";
import "./setup.css";

export type SetupWizardProps = {
  /** Set up later, or finished: the caller closes the wizard. */
  onClose: () => void;
  /** How often the overview is asked for while a step waits for a first event. */
  eventPollMs?: number;
  /** How often the plex.tv sign-in code is checked. */
  pinPollMs?: number;
};

const EVENT_POLL_MS = 3_000;
const PIN_POLL_MS = 2_000;

export function SetupWizard({ onClose, eventPollMs = EVENT_POLL_MS, pinPollMs = PIN_POLL_MS }: SetupWizardProps) {
  const [step, setStep] = useState<StepId>("listener");
  const [choiceId, setChoiceId] = useState(LOCAL_CHOICE);
  // The port typed in step 1; null until the user types one (the listener's port is used).
  const [portText, setPortText] = useState<string | null>(null);
  const [failures, setFailures] = useState<Partial<Record<StepId, string>>>({});
  const [listenerChecked, setListenerChecked] = useState(false);
  const [skipped, setSkipped] = useState<ReadonlySet<StepId>>(new Set());
  // Set once the listener moved away from the address this page came from: nothing here works
  // any more, so the wizard shows only where to go on.
  const [movedAway, setMovedAway] = useState<MovedAwayProps | null>(null);
  // Poll while a source is expected to send its first event: Plex once registered, Jellyfin and
  // Emby while their step is open.
  const setup = useSetupOverview(eventPollMs, (known) => awaitsFirstEvent(known, step));
  const { overview } = setup;

  const title = useRef<HTMLHeadingElement>(null);
  const headings = useRef(new Map<StepId, HTMLHeadingElement>());
  // The step whose heading takes focus after the next render (null: leave focus alone); a new
  // object each time, so choosing the current step again still brings focus back to it.
  const [focusRequest, setFocusRequest] = useState<{ step: StepId } | null>(null);

  useEffect(() => {
    title.current?.focus();
  }, []);

  useEffect(() => {
    if (focusRequest !== null) headings.current.get(focusRequest.step)?.focus();
  }, [focusRequest]);

  function goTo(next: StepId) {
    setStep(next);
    setFocusRequest({ step: next });
  }

  function registerHeading(id: StepId, element: HTMLHeadingElement | null) {
    if (element === null) headings.current.delete(id);
    else headings.current.set(id, element);
  }

  function report(stepId: StepId, failure: string | null) {
    setFailures((previous) => {
      const { [stepId]: _previous, ...rest } = previous;
      return failure === null ? rest : { ...rest, [stepId]: failure };
    });
  }

  const anyConnected = overview !== null && anySourceSetUp(overview);

  return (
    <div className="setup-wizard" role="region" aria-labelledby="setup-title" data-testid="setup-wizard">
      <header className="setup-wizard__header">
        <div>
          <h2 className="setup-wizard__title" id="setup-title" tabIndex={-1} ref={title}>
            Connect a source
          </h2>
          <p className="setup-muted">
            Send playback from Tautulli, Plex, Jellyfin or Emby to this app. Every step can be skipped and done later.
          </p>
        </div>
        <button type="button" className="button" data-testid="setup-close" onClick={onClose}>
          {anyConnected ? "Close" : "Set up later"}
        </button>
      </header>

      {overview === null && setup.error === null && (
        <p className="setup-muted" role="status" data-testid="setup-loading">
          Loading what is connected…
        </p>
      )}
      {overview === null && setup.error !== null && (
        <div className="notice notice--error" role="alert" data-testid="setup-error">
          <p className="notice__text">Could not load the setup: {setup.error}</p>
          <button type="button" className="button" disabled={setup.loading} onClick={setup.retry}>
            Try again
          </button>
        </div>
      )}
      {movedAway !== null && <MovedAway {...movedAway} />}
      {overview !== null && movedAway === null && (
        <WizardSteps
          overview={overview}
          step={step}
          statuses={statusesOf(overview, { failures, listenerChecked, skipped })}
          choiceId={choiceId}
          onChoose={(choice) => setChoiceId(choice.id)}
          portText={portText}
          onPort={setPortText}
          onListenerFailure={(failure) => {
            if (failure !== null) setListenerChecked(false);
            report("listener", failure);
          }}
          onListenerChecked={() => setListenerChecked(true)}
          onListenerMoved={async (changed, continueAt) => {
            if (continueAt !== null) {
              setMovedAway({ changed, continueAt });
              return;
            }
            // What was checked before the move is no longer where the app listens.
            setListenerChecked(false);
            setPortText(null);
            await setup.reload();
          }}
          report={report}
          reload={setup.reload}
          refreshError={setup.error}
          pinPollMs={pinPollMs}
          registerHeading={registerHeading}
          onGoTo={goTo}
          onSkip={(from, next) => {
            setSkipped((previous) => new Set(previous).add(from));
            goTo(next);
          }}
          onFinish={onClose}
        />
      )}
    </div>
  );
}

function statusesOf(overview: SetupOverview, progress: WizardProgress): Record<StepId, StepStatus> {
  return Object.fromEntries(STEPS.map(({ id }) => [id, stepStatus(id, overview, progress)])) as Record<StepId, StepStatus>;
}

function anySourceSetUp(overview: SetupOverview): boolean {
  const { tautulli, plex, jellyfin, emby } = overview.sources;
  return tautulli.connected || plex.connected || jellyfin.connected || emby.connected;
}

function awaitsFirstEvent(overview: SetupOverview, step: StepId): boolean {
  const { plex, jellyfin, emby } = overview.sources;
  const plexAwaited = plex.connected && plex.last_event_at == null;
  const manualAwaited = step === "manual" && (jellyfin.last_event_at == null || emby.last_event_at == null);
  // (A test notification turns a source green, but its first event is still worth waiting for.)
  return plexAwaited || manualAwaited;
}

type WizardStepsProps = {
  overview: SetupOverview;
  step: StepId;
  statuses: Record<StepId, StepStatus>;
  choiceId: string;
  onChoose: (choice: AddressChoice) => void;
  portText: string | null;
  onPort: (port: string) => void;
  onListenerFailure: (failure: string | null) => void;
  onListenerChecked: () => void;
  onListenerMoved: (changed: ListenChanged, continueAt: string | null) => Promise<void>;
  report: (step: StepId, failure: string | null) => void;
  reload: () => Promise<SetupOverview | null>;
  refreshError: string | null;
  pinPollMs: number;
  registerHeading: (step: StepId, element: HTMLHeadingElement | null) => void;
  onGoTo: (step: StepId) => void;
  onSkip: (from: StepId, next: StepId) => void;
  onFinish: () => void;
};

function WizardSteps(props: WizardStepsProps) {
  const { overview, step, statuses, choiceId, reload, pinPollMs } = props;
  const listenOn = listenPort(overview.listen) ?? "3857";
  const port = props.portText ?? listenOn;
  const choices = addressChoices(overview, validPort(port) ?? listenOn);
  const chosen = choices.find((choice) => choice.id === choiceId) ?? choices[0]!;
  const urls = overview.webhook_urls;

  const bodies: Record<StepId, ReactNode> = {
    listener: (
      <ListenerStep
        listen={overview.listen}
        lockedBy={overview.listen_locked_by}
        choices={choices}
        chosen={chosen}
        onChoose={props.onChoose}
        port={port}
        onPort={props.onPort}
        onMoved={props.onListenerMoved}
        onFailure={props.onListenerFailure}
        onChecked={props.onListenerChecked}
      />
    ),
    tautulli: (
      <TautulliStep
        tautulli={overview.sources.tautulli}
        hookPreview={withoutToken(rebase(urls.tautulli, chosen.base))}
        callbackBase={chosen.base}
        onChanged={reload}
        onFailure={(failure) => props.report("tautulli", failure)}
      />
    ),
    plex: (
      <PlexStep
        plex={overview.sources.plex}
        hookPreview={withoutToken(urls.plex)}
        reload={reload}
        onFailure={(failure) => props.report("plex", failure)}
        pollMs={pinPollMs}
      />
    ),
    manual: (
      <ManualSourcesStep
        jellyfin={{ setup: overview.sources.jellyfin, webhookUrl: rebase(urls.jellyfin, chosen.base) }}
        emby={{ setup: overview.sources.emby, webhookUrl: rebase(urls.emby, chosen.base) }}
      />
    ),
    done: <DoneStep overview={overview} callbackBase={chosen.base} />,
  };

  return (
    <div className="setup-wizard__body">
      <StepList current={step} statuses={statuses} onSelect={props.onGoTo} />
      <div className="setup-wizard__panels">
        {props.refreshError !== null && (
          <p className="setup-muted" role="status" data-testid="setup-refresh-error">
            Could not refresh what is connected: {props.refreshError}
          </p>
        )}
        {STEPS.map(({ id, title }, index) => {
          const status = statuses[id];
          const previous = STEPS[index - 1];
          const next = STEPS[index + 1];
          return (
            <section
              key={id}
              className="setup-step"
              hidden={id !== step}
              aria-labelledby={`setup-step-title-${id}`}
              data-testid={`setup-panel-${id}`}
            >
              <h3
                className="setup-step__title"
                id={`setup-step-title-${id}`}
                tabIndex={-1}
                ref={(element) => props.registerHeading(id, element)}
              >
                {index + 1}. {title}
              </h3>
              {status.state === "failing" && id !== "done" && (
                <p className="visually-hidden">This step is failing: {status.reason}</p>
              )}
              {bodies[id]}
              <div className="setup-step__nav">
                {previous !== undefined && (
                  <button type="button" className="button" data-testid="setup-back" onClick={() => props.onGoTo(previous.id)}>
                    Back
                  </button>
                )}
                <span className="setup-step__spacer" />
                {next === undefined ? (
                  <button type="button" className="button button--primary" data-testid="setup-finish" onClick={props.onFinish}>
                    Finish
                  </button>
                ) : status.state === "connected" || id === "listener" ? (
                  <button type="button" className="button button--primary" data-testid="setup-next" onClick={() => props.onGoTo(next.id)}>
                    Next
                  </button>
                ) : (
                  <button type="button" className="button" data-testid="setup-skip" onClick={() => props.onSkip(id, next.id)}>
                    Skip for now
                  </button>
                )}
              </div>
            </section>
          );
        })}
      </div>
    </div>
  );
}
