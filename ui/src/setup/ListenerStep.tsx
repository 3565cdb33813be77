// Step 1, where this app listens: its address, and which address sources on other machines
// should call (a LAN address, with a plain warning), plus a check that the app answers.
import { useState } from "react";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { listenPort, listensOnLoopback, type AddressChoice } from "./addresses";
import "./setup.css";

type ListenerStepProps = {
  listen: string;
  choices: AddressChoice[];
  chosen: AddressChoice;
  onChoose: (choice: AddressChoice) => void;
  /** The check's outcome for the step list: null when the app answered, else why not. */
  onChecked: (failure: string | null) => void;
};

type Check = { kind: "idle" } | { kind: "checking" } | { kind: "ok"; ms: number; status: string } | { kind: "failed"; reason: string };

export function ListenerStep({ listen, choices, chosen, onChoose, onChecked }: ListenerStepProps) {
  const backend = useBackend();
  const [check, setCheck] = useState<Check>({ kind: "idle" });
  const lanChoices = choices.filter((choice) => choice.lan);
  const local = choices.find((choice) => !choice.lan);

  async function checkFromHere() {
    setCheck({ kind: "checking" });
    const started = performance.now();
    try {
      const health = await backend.getHealth();
      setCheck({ kind: "ok", ms: Math.max(1, Math.round(performance.now() - started)), status: health.status });
      onChecked(null);
    } catch (failure) {
      const reason = describeFailure(failure);
      setCheck({ kind: "failed", reason });
      onChecked(reason);
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
          {listensOnLoopback(listen) && (
            <p className="setup-notice__detail" data-testid="setup-loopback-note">
              Right now the app listens on {listen}, which only this computer can reach: start it with
              CARTOGRAPHUS_LISTEN=0.0.0.0:{listenPort(listen) ?? "3857"} so that calls from other machines arrive.
            </p>
          )}
        </div>
      )}

      <p>
        Sources are told to call <code className="setup-code" data-testid="setup-callback-base">{chosen.base}</code>.
      </p>

      <div className="setup-actions">
        <button
          type="button"
          className="button"
          data-testid="setup-check"
          disabled={check.kind === "checking"}
          onClick={() => void checkFromHere()}
        >
          {check.kind === "checking" ? "Checking…" : "Check from here"}
        </button>
        <span className="setup-check" role="status" data-testid="setup-check-result" data-state={check.kind}>
          {check.kind === "ok" && `The app answered in ${check.ms} ms (health: ${check.status}).`}
        </span>
      </div>
      {check.kind === "ok" && chosen.lan && (
        <p className="setup-muted">
          This checks the app from this window. Whether {chosen.base} is reachable from the other machine shows when
          Tautulli's test arrives in step 2.
        </p>
      )}
      {check.kind === "failed" && (
        <div className="notice notice--error setup-notice" role="alert" data-testid="setup-check-error">
          <p className="notice__text">The app did not answer: {check.reason}</p>
        </div>
      )}
    </div>
  );
}
