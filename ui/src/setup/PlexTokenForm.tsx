// The other way into Plex: paste a token of the account that owns the server. A password
// field, cleared once used.
import { useId, useState, type FormEvent } from "react";
import type { PlexRegistered } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { setupFailure, type SetupMessage } from "./setupErrors";
import "./setup.css";

type PlexTokenFormProps = {
  onRegistered: (registered: PlexRegistered) => void;
  onFailure: (message: SetupMessage) => void;
};

export function PlexTokenForm({ onRegistered, onFailure }: PlexTokenFormProps) {
  const backend = useBackend();
  const tokenId = useId();
  const helpId = useId();
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);

  async function register(event: FormEvent) {
    event.preventDefault();
    const trimmed = token.trim();
    if (trimmed === "") {
      onFailure({ tone: "error", outcome: "missing_token", text: "Paste a Plex token first." });
      return;
    }
    setBusy(true);
    try {
      const registered = await backend.connectPlex({ token: trimmed });
      setToken("");
      onRegistered(registered);
    } catch (failure) {
      onFailure(setupFailure(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="setup-form" aria-label="Register with a Plex token" onSubmit={(event) => void register(event)} noValidate>
      <div className="setup-field">
        <label className="setup-field__label" htmlFor={tokenId}>
          Plex token
        </label>
        <input
          id={tokenId}
          className="setup-field__control"
          data-testid="plex-token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={helpId}
          value={token}
          disabled={busy}
          onChange={(event) => setToken(event.target.value)}
        />
        <p className="setup-field__help" id={helpId}>
          The X-Plex-Token of the account that owns the server (Plex's help: “Finding an authentication token”). It
          stays in this app.
        </p>
      </div>
      <div className="setup-actions">
        <button type="submit" className="button" data-testid="plex-token-register" disabled={busy}>
          {busy ? "Registering…" : "Register the webhook"}
        </button>
      </div>
    </form>
  );
}
