// Step 2, Tautulli: its address and API key, "Connect" (the engine creates or updates this app's
// webhook notifier there), "Send a test" with the round trip, and "Disconnect". The API key is a
// password field, cleared once used and never shown again.
import { useId, useState, type FormEvent } from "react";
import type { SourceSetup, TautulliConnected } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { withScheme } from "./addresses";
import { ConfirmAction } from "./ConfirmAction";
import { ImportHistory } from "./ImportHistory";
import { setupFailure, type SetupMessage } from "./setupErrors";
import { StepNotice } from "./StepNotice";
import "./setup.css";

type TautulliStepProps = {
  tautulli: SourceSetup;
  /** The URL Tautulli will be told to call, token left out. */
  hookPreview: string;
  /** The `callback_base` chosen in step 1. */
  callbackBase: string;
  /** The connection changed: reload the overview. */
  onChanged: () => Promise<unknown>;
  /** For the step list: why the step fails, or null once it works. */
  onFailure: (reason: string | null) => void;
};

type Busy = "connecting" | "testing" | "disconnecting" | null;

function connectedMessage(connected: TautulliConnected): SetupMessage {
  const version = connected.tautulli_version ? ` ${connected.tautulli_version}` : "";
  return connected.created
    ? {
        tone: "success",
        outcome: "created",
        text: `Connected to Tautulli${version}: this app's webhook notifier (#${connected.notifier_id}) was created. Tautulli calls ${connected.hook}. Send a test to check it arrives.`,
      }
    : {
        tone: "success",
        outcome: "updated",
        text: `Connected to Tautulli${version}: this app's notifier (#${connected.notifier_id}) was already there and is now up to date, no duplicate. Tautulli calls ${connected.hook}.`,
      };
}

function invalid(outcome: string, text: string): SetupMessage {
  return { tone: "error", outcome, text };
}

export function TautulliStep({ tautulli, hookPreview, callbackBase, onChanged, onFailure }: TautulliStepProps) {
  const backend = useBackend();
  const urlId = useId();
  const keyId = useId();
  const keyHelpId = useId();
  const [url, setUrl] = useState(tautulli.url ?? "");
  const [apiKey, setApiKey] = useState("");
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState<Busy>(null);
  const [message, setMessage] = useState<SetupMessage | null>(null);
  const showForm = !tautulli.connected || editing;

  function fail(failure: SetupMessage) {
    setMessage(failure);
    onFailure(failure.text);
  }

  async function connect(event: FormEvent) {
    event.preventDefault();
    const address = withScheme(url);
    const key = apiKey.trim();
    if (address === "") return fail(invalid("missing_url", "Enter Tautulli's address, e.g. http://192.168.1.10:8181."));
    if (key === "") return fail(invalid("missing_api_key", "Paste Tautulli's API key (Settings → Web Interface → API)."));
    setBusy("connecting");
    setMessage(null);
    try {
      const connected = await backend.connectTautulli({ url: address, api_key: key, callback_base: callbackBase });
      setApiKey("");
      setUrl(address);
      setEditing(false);
      setMessage(connectedMessage(connected));
      onFailure(null);
      await onChanged();
    } catch (failure) {
      fail(setupFailure(failure));
    } finally {
      setBusy(null);
    }
  }

  async function sendTest() {
    setBusy("testing");
    setMessage(null);
    try {
      const result = await backend.testTautulli();
      setMessage({
        tone: "success",
        outcome: "test-received",
        text: `Test received in ${result.round_trip_ms} ms: Tautulli reaches this app.`,
      });
      onFailure(null);
    } catch (failure) {
      fail(setupFailure(failure));
    } finally {
      setBusy(null);
    }
  }

  async function disconnect() {
    setBusy("disconnecting");
    setMessage(null);
    try {
      await backend.disconnectTautulli();
      setMessage({
        tone: "info",
        outcome: "disconnected",
        text: "Disconnected: this app's notifier was removed from Tautulli; its other notifiers are untouched.",
      });
      onFailure(null);
      await onChanged();
    } catch (failure) {
      fail(setupFailure(failure));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="setup-step__body">
      <p>
        Tautulli tells this app about every play, pause and stop on your Plex server. Connecting adds one webhook
        notifier for this app in Tautulli (or updates it, if it is already there); nothing else in Tautulli changes.
      </p>

      {tautulli.connected && !editing && (
        <div className="setup-connection" data-testid="tautulli-connection">
          <p>
            Connected to <code className="setup-code">{tautulli.url ?? "Tautulli"}</code>
            {tautulli.notifier_id !== null && <> — notifier #{tautulli.notifier_id}</>}.
          </p>
          <div className="setup-actions">
            <button
              type="button"
              className="button button--primary"
              data-testid="tautulli-test"
              disabled={busy !== null}
              onClick={() => void sendTest()}
            >
              {busy === "testing" ? "Waiting for the test…" : "Send a test"}
            </button>
            <button type="button" className="button" disabled={busy !== null} onClick={() => setEditing(true)}>
              Change address or key
            </button>
            <ConfirmAction
              label="Disconnect…"
              question="Remove this app's notifier from Tautulli?"
              confirmLabel="Disconnect"
              busy={busy !== null}
              onConfirm={() => void disconnect()}
              testId="tautulli-disconnect"
            />
          </div>
          <ImportHistory />
        </div>
      )}

      {showForm && (
        <form className="setup-form" aria-label="Connect Tautulli" onSubmit={(event) => void connect(event)} noValidate>
          <div className="setup-field">
            <label className="setup-field__label" htmlFor={urlId}>
              Tautulli's address
            </label>
            <input
              id={urlId}
              className="setup-field__control"
              data-testid="tautulli-url"
              type="url"
              inputMode="url"
              autoComplete="url"
              spellCheck={false}
              placeholder="http://192.168.1.10:8181"
              value={url}
              disabled={busy !== null}
              onChange={(event) => setUrl(event.target.value)}
            />
          </div>
          <div className="setup-field">
            <label className="setup-field__label" htmlFor={keyId}>
              API key
            </label>
            <input
              id={keyId}
              className="setup-field__control"
              data-testid="tautulli-api-key"
              type="password"
              autoComplete="off"
              spellCheck={false}
              aria-describedby={keyHelpId}
              value={apiKey}
              disabled={busy !== null}
              onChange={(event) => setApiKey(event.target.value)}
            />
            <p className="setup-field__help" id={keyHelpId}>
              In Tautulli: Settings → Web Interface → API. Turn on “Enable API”, then copy the API key.
            </p>
          </div>
          <p className="setup-muted">
            Tautulli will call <code className="setup-code" data-testid="tautulli-hook-preview">{hookPreview}</code> (set in
            step 1).
          </p>
          <div className="setup-actions">
            <button type="submit" className="button button--primary" data-testid="tautulli-connect" disabled={busy !== null}>
              {busy === "connecting" ? "Connecting…" : "Connect"}
            </button>
            {editing && (
              <button type="button" className="button" disabled={busy !== null} onClick={() => setEditing(false)}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}

      {busy === "testing" && (
        <p className="setup-muted" role="status">
          Tautulli is sending a test notification; waiting for it to arrive here…
        </p>
      )}
      {busy === "disconnecting" && (
        <p className="setup-muted" role="status">
          Removing this app's notifier from Tautulli…
        </p>
      )}
      {message !== null && <StepNotice message={message} testId="tautulli-outcome" />}
    </div>
  );
}
