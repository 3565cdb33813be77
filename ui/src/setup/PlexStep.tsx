// Step 3, Plex: sign in with plex.tv (or paste a token) so the engine registers this app's
// webhook URL with the account, then "play something to check" until the first Plex event.
import { useState } from "react";
import type { PlexRegistered, SetupOverview, SourceSetup } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { ConfirmAction } from "./ConfirmAction";
import { EventWait } from "./EventWait";
import { PlexSignIn } from "./PlexSignIn";
import { PlexTokenForm } from "./PlexTokenForm";
import { setupFailure, type SetupMessage } from "./setupErrors";
import { StepNotice } from "./StepNotice";
import "./setup.css";

type PlexStepProps = {
  plex: SourceSetup;
  /** Where Plex Media Server will send its events, token left out. */
  hookPreview: string;
  reload: () => Promise<SetupOverview | null>;
  onFailure: (reason: string | null) => void;
  /** How often the sign-in code, then the registration, are checked. */
  pollMs: number;
};

/** After sign-in the engine registers the webhook: how many overviews to wait for it. */
const REGISTRATION_CHECKS = 5;

function registeredMessage(registered: PlexRegistered): SetupMessage {
  const count = `${registered.webhooks} webhook${registered.webhooks === 1 ? "" : "s"} on the account`;
  return registered.already
    ? { tone: "success", outcome: "already", text: `This app's webhook was already registered with your Plex account (${count}).` }
    : { tone: "success", outcome: "registered", text: `Registered this app's webhook with your Plex account (${count}).` };
}

export function PlexStep({ plex, hookPreview, reload, onFailure, pollMs }: PlexStepProps) {
  const backend = useBackend();
  const [message, setMessage] = useState<SetupMessage | null>(null);
  const [busy, setBusy] = useState(false);
  // A new sign-in (back to its button) after one that did not end registered.
  const [signIns, setSignIns] = useState(0);

  function fail(failure: SetupMessage) {
    setMessage(failure);
    onFailure(failure.text);
  }

  function succeed(success: SetupMessage) {
    setMessage(success);
    onFailure(null);
  }

  async function signedIn() {
    for (let check = 0; check < REGISTRATION_CHECKS; check += 1) {
      const overview = await reload();
      if (overview?.sources.plex.connected) {
        succeed({ tone: "success", outcome: "registered", text: "Signed in with plex.tv: this app's webhook is registered with your Plex account." });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    setSignIns((count) => count + 1);
    fail({
      tone: "error",
      outcome: "not_registered",
      text: "Signed in with plex.tv, but this app's webhook did not show up on the account. Sign in again, or paste a token instead.",
    });
  }

  async function registered(result: PlexRegistered) {
    succeed(registeredMessage(result));
    await reload();
  }

  async function disconnect() {
    setBusy(true);
    setMessage(null);
    try {
      await backend.disconnectPlex();
      succeed({
        tone: "info",
        outcome: "disconnected",
        text: "Removed this app's webhook from your Plex account; its other webhooks are untouched.",
      });
      await reload();
    } catch (failure) {
      fail(setupFailure(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="setup-step__body">
      <p className="notice notice--info setup-notice" data-testid="plex-pass-note">
        Webhooks are a Plex Pass feature: the account that owns your Plex Media Server needs an active Plex Pass.
      </p>

      {!plex.connected && (
        <>
          <p>
            Sign in with plex.tv and this app registers its webhook URL with your account: Plex Media Server then sends
            every play, pause and stop to <code className="setup-code" data-testid="plex-hook-preview">{hookPreview}</code>.
          </p>
          <PlexSignIn key={signIns} pollMs={pollMs} onSignedIn={() => void signedIn()} onFailure={(reason) => onFailure(reason)} />
          <details className="setup-details">
            <summary>Paste a token instead</summary>
            <PlexTokenForm onRegistered={(result) => void registered(result)} onFailure={fail} />
          </details>
        </>
      )}

      {plex.connected && (
        <div className="setup-connection" data-testid="plex-connection">
          <p>
            This app's webhook is registered with your Plex account: Plex Media Server sends its events to{" "}
            <code className="setup-code">{hookPreview}</code>.
          </p>
          <p>
            Play something on Plex to check (Plex has no test button for webhooks): this step turns green when the first
            event arrives.
          </p>
          <EventWait name="Plex" lastEventAt={plex.last_event_at} testId="plex-event-wait" />
          <div className="setup-actions">
            <ConfirmAction
              label="Disconnect…"
              question="Remove this app's webhook from your Plex account?"
              confirmLabel="Disconnect"
              busy={busy}
              onConfirm={() => void disconnect()}
              testId="plex-disconnect"
            />
          </div>
        </div>
      )}

      {busy && (
        <p className="setup-muted" role="status">
          Removing this app's webhook from your Plex account…
        </p>
      )}
      {message !== null && <StepNotice message={message} testId="plex-outcome" />}
    </div>
  );
}
