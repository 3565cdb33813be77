// Signing in with plex.tv without pasting a token: the engine asks plex.tv for a code, the
// sign-in page opens in the system browser, and the code is polled until the user confirmed it
// there (the token then stays in the app, which registers its webhook with it).
import { useEffect, useEffectEvent, useState } from "react";
import type { PlexPin } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { setupFailure, type SetupMessage } from "./setupErrors";
import { StepNotice } from "./StepNotice";
import "./setup.css";

type PlexSignInProps = {
  /** How often to ask whether the code was confirmed. */
  pollMs: number;
  onSignedIn: () => void;
  onFailure: (reason: string) => void;
};

type SignIn =
  | { kind: "idle" }
  | { kind: "starting" }
  | { kind: "waiting"; pin: PlexPin; browserError: string | null }
  | { kind: "signed-in" }
  | { kind: "failed"; message: SetupMessage };

export function PlexSignIn({ pollMs, onSignedIn, onFailure }: PlexSignInProps) {
  const backend = useBackend();
  const [signIn, setSignIn] = useState<SignIn>({ kind: "idle" });
  const signedIn = useEffectEvent(onSignedIn);
  const failed = useEffectEvent(onFailure);
  const pin = signIn.kind === "waiting" ? signIn.pin : null;

  async function openBrowser(url: string) {
    try {
      await backend.openExternal(url);
    } catch (failure) {
      const browserError = describeFailure(failure);
      setSignIn((current) => (current.kind === "waiting" ? { ...current, browserError } : current));
    }
  }

  async function start() {
    setSignIn({ kind: "starting" });
    try {
      const started = await backend.startPlexPin();
      setSignIn({ kind: "waiting", pin: started, browserError: null });
      await openBrowser(started.auth_url);
    } catch (failure) {
      const message = setupFailure(failure);
      setSignIn({ kind: "failed", message });
      onFailure(message.text);
    }
  }

  useEffect(() => {
    if (pin === null) return;
    let active = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    function poll() {
      timer = setTimeout(() => {
        backend.checkPlexPin(pin!.id).then(
          (status) => {
            if (!active) return;
            if (!status.authorized) return poll();
            setSignIn({ kind: "signed-in" });
            signedIn();
          },
          (failure: unknown) => {
            if (!active) return;
            const message = setupFailure(failure);
            setSignIn({ kind: "failed", message });
            failed(message.text);
          },
        );
      }, pollMs);
    }
    poll();
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [backend, pin, pollMs]);

  switch (signIn.kind) {
    case "idle":
    case "starting":
      return (
        <div className="setup-actions">
          <button
            type="button"
            className="button button--primary"
            data-testid="plex-sign-in"
            disabled={signIn.kind === "starting"}
            onClick={() => void start()}
          >
            {signIn.kind === "starting" ? "Asking plex.tv for a code…" : "Sign in with plex.tv"}
          </button>
        </div>
      );
    case "waiting":
      return (
        <div className="plex-pin" data-testid="plex-pin">
          <p>
            Sign in on plex.tv in your browser and confirm this code:
            <span className="plex-pin__code" data-testid="plex-pin-code">
              {signIn.pin.code}
            </span>
          </p>
          {signIn.browserError !== null && (
            <p className="setup-muted" data-testid="plex-pin-browser-error">
              The browser did not open ({signIn.browserError}). Open this address yourself:
            </p>
          )}
          <p className="setup-muted plex-pin__link">
            <span className="setup-code" data-testid="plex-pin-url">
              {signIn.pin.auth_url}
            </span>
          </p>
          <p className="plex-pin__waiting" role="status">
            <span className="event-wait__mark" aria-hidden="true" />
            Waiting for you to confirm the code on plex.tv…
          </p>
          <div className="setup-actions">
            <button type="button" className="button" data-testid="plex-pin-open" onClick={() => void openBrowser(signIn.pin.auth_url)}>
              Open plex.tv again
            </button>
            <button type="button" className="button" data-testid="plex-pin-cancel" onClick={() => setSignIn({ kind: "idle" })}>
              Cancel
            </button>
          </div>
        </div>
      );
    case "signed-in":
      return (
        <p className="setup-muted" role="status" data-testid="plex-signed-in">
          Signed in with plex.tv. Registering this app's webhook…
        </p>
      );
    case "failed":
      return (
        <div>
          <StepNotice message={signIn.message} testId="plex-pin-outcome" />
          <div className="setup-actions">
            <button type="button" className="button button--primary" data-testid="plex-sign-in" onClick={() => void start()}>
              {signIn.message.code === "pin_expired" ? "Get a new code" : "Start again"}
            </button>
          </div>
        </div>
      );
  }
}
