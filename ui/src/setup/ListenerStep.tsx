// Step 1, where this app listens: its address, which address sources on other machines should
// call (a LAN address, with a plain warning), moving the listener there without a restart, and
// "Check from here", which has the engine call its own health through the chosen address.
import { useId, useState } from "react";
import type { ListenChanged } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { listenCovers, validPort, type AddressChoice } from "./addresses";
import { setupFailure, type SetupMessage } from "./setupErrors";
import { StepNotice } from "./StepNotice";
import "./setup.css";

type ListenerStepProps = {
  listen: string;
  /** The variable or flag that fixes the address (moving is refused), or null. */
  lockedBy: string | null;
  choices: AddressChoice[];
  chosen: AddressChoice;
  onChoose: (choice: AddressChoice) => void;
  /** The port every choice uses, as typed. */
  port: string;
  onPort: (port: string) => void;
  /**
   * The listener moved. `continueAt` is where this page goes on when its own address stopped
   * answering (the wizard then shows only that), else null (the wizard reloads what it shows).
   */
  onMoved: (changed: ListenChanged, continueAt: string | null) => Promise<unknown>;
  /** For the step list: why moving or checking failed, or null once it worked. */
  onFailure: (failure: string | null) => void;
  /** The check reached the app through the chosen address. */
  onChecked: () => void;
};

type Busy = "moving" | "checking" | null;

/** The last action's outcome, for the address it was about: shown only while that address is chosen. */
type Outcome = { address: string; message: SetupMessage };

export function ListenerStep(props: ListenerStepProps) {
  const { listen, lockedBy, choices, chosen, onChoose, port } = props;
  const backend = useBackend();
  const portId = useId();
  const portHelpId = useId();
  const [busy, setBusy] = useState<Busy>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [moved, setMoved] = useState<ListenChanged | null>(null);
  const message = outcome !== null && outcome.address === chosen.address ? outcome.message : null;
  const lanChoices = choices.filter((choice) => choice.lan);
  const local = choices.find((choice) => !choice.lan);
  const portValid = validPort(port) !== null;
  const listensThere = listen === chosen.address;
  const reachesChosen = listenCovers(listen, chosen.address);

  function fail(address: string, failure: unknown) {
    const shown = setupFailure(failure);
    setOutcome({ address, message: shown });
    props.onFailure(shown.text);
  }

  async function move() {
    const address = chosen.address;
    setBusy("moving");
    setOutcome(null);
    setMoved(null);
    try {
      const changed = await backend.setListen({ address });
      setMoved(changed);
      props.onFailure(null);
      await props.onMoved(changed, backend.continueAt(changed));
    } catch (failure) {
      fail(address, failure);
    } finally {
      setBusy(null);
    }
  }

  async function checkFromHere() {
    const address = chosen.address;
    setBusy("checking");
    setOutcome(null);
    try {
      const checked = await backend.checkListen({ address });
      const took = checked.round_trip_ms === 0 ? "under 1" : String(checked.round_trip_ms);
      setOutcome({
        address,
        message: {
          tone: "success",
          outcome: "check-ok",
          text: `${withoutPath(checked.url)} answered in ${took} ms (health: ${checked.status}).`,
        },
      });
      props.onFailure(null);
      props.onChecked();
    } catch (failure) {
      fail(address, failure);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="setup-step__body">
      <p>
        This app listens on <code className="setup-code" data-testid="setup-listen">{listen}</code>. Tautulli, Jellyfin and
        Emby send their events to it; Plex is registered through plex.tv in step 3.
      </p>

      <fieldset className="setup-choices">
        <legend className="setup-field__label">Where do your media server and Tautulli run?</legend>
        {local !== undefined && (
          <label className="setup-choice">
            <input
              type="radio"
              name="setup-callback-base"
              data-testid="setup-address-local"
              checked={chosen.id === local.id}
              onChange={() => onChoose(local)}
            />
            <span>
              On this computer <span className="setup-muted">— they call {local.base}</span>
            </span>
          </label>
        )}
        {lanChoices.map((choice) => (
          <label className="setup-choice" key={choice.id}>
            <input
              type="radio"
              name="setup-callback-base"
              data-testid="setup-address-lan"
              value={choice.id}
              checked={chosen.id === choice.id}
              onChange={() => onChoose(choice)}
            />
            <span>
              On another machine of my network <span className="setup-muted">— they call {choice.base}</span>
            </span>
          </label>
        ))}
        {lanChoices.length === 0 && (
          <p className="setup-muted" data-testid="setup-no-lan">
            No network address was found on this computer, so only services on this computer can reach it.
          </p>
        )}
      </fieldset>

      {chosen.lan && (
        <div className="notice notice--warning setup-notice" role="note" data-testid="setup-lan-warning">
          <p className="notice__text">
            With this address, the app's port is reachable from your whole network, not only from this computer. Calls
            are still refused without this app's webhook tokens, which only the URLs this wizard hands out carry.
          </p>
        </div>
      )}

      <div className="setup-listen">
        <div className="setup-field setup-field--port">
          <label className="setup-field__label" htmlFor={portId}>
            Port
          </label>
          <input
            id={portId}
            className="setup-field__control"
            data-testid="setup-port"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            aria-invalid={!portValid}
            aria-describedby={portHelpId}
            value={port}
            disabled={busy !== null || lockedBy !== null}
            onChange={(event) => props.onPort(event.target.value)}
          />
        </div>
        <p className="setup-field__help" id={portHelpId}>
          {portValid ? "The same port for every address; change it if another program uses it." : "A port is a number from 1 to 65535."}
        </p>
      </div>

      {!reachesChosen && lockedBy === null && (
        <p className="setup-muted" data-testid="setup-listen-note">
          Right now the app listens on {listen}, so {chosen.lan ? "other machines" : "services on this computer"} cannot
          reach it at {chosen.base} yet: listen there first.
        </p>
      )}
      {lockedBy !== null && (
        <p className="setup-muted" data-testid="setup-listen-locked">
          The address is fixed by {lockedBy}: to listen elsewhere, change {lockedBy} and restart the app.
        </p>
      )}

      <p>
        Sources are told to call <code className="setup-code" data-testid="setup-callback-base">{chosen.base}</code>.
      </p>

      <div className="setup-actions">
        {!listensThere && lockedBy === null && (
          <button
            type="button"
            className="button button--primary"
            data-testid="setup-listen-move"
            disabled={busy !== null || !portValid}
            onClick={() => void move()}
          >
            {busy === "moving" ? "Moving…" : `Listen on ${chosen.address}`}
          </button>
        )}
        <button
          type="button"
          className="button"
          data-testid="setup-check"
          disabled={busy !== null || !portValid}
          onClick={() => void checkFromHere()}
        >
          {busy === "checking" ? "Checking…" : "Check from here"}
        </button>
      </div>

      {busy === "checking" && (
        <p className="setup-muted" role="status">
          The app is calling itself at {chosen.base}…
        </p>
      )}
      {moved !== null && (
        <div className="notice notice--success setup-notice" role="status" data-testid="setup-listen-moved">
          <p className="notice__text">
            {moved.changed
              ? `The app now listens on ${moved.listen} (it listened on ${moved.previous}).`
              : `The app already listens on ${moved.listen}.`}
          </p>
        </div>
      )}
      {message !== null && <StepNotice message={message} testId="setup-listen-outcome" />}
      {message?.outcome === "check-ok" && chosen.lan && (
        <p className="setup-muted">
          This checks the address from this computer. Whether the other machine reaches it shows when Tautulli's test
          arrives in step 2.
        </p>
      )}
    </div>
  );
}

/** "http://192.168.1.20:3857/api/v1/health" → "http://192.168.1.20:3857". */
function withoutPath(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
