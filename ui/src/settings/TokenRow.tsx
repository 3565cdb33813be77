// A token: masked until revealed, copied with one click, regenerated after a confirmation that
// says which service stops working — and then, what to paste into it.
import { useEffect, useRef, useState } from "react";
import type { Regenerated, SettingView } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { copyText } from "./clipboard";
import { settingLabel } from "./labels";

/** The service a webhook token belongs to, named as the user knows it. */
function serviceOf(key: string): string {
  const source = key.replace(/^webhook_token_/, "");
  if (source === key) return "the web UI and API clients";
  return source.charAt(0).toUpperCase() + source.slice(1);
}

export function TokenRow({ setting }: { setting: SettingView }) {
  const backend = useBackend();
  const [revealed, setRevealed] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [regenerated, setRegenerated] = useState<Regenerated | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { label, help } = settingLabel(setting.key);
  const key = setting.key;
  const cancel = useRef<HTMLButtonElement>(null);

  // The confirmation takes the focus, on its harmless choice.
  useEffect(() => {
    if (confirming) cancel.current?.focus();
  }, [confirming]);

  async function act(what: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      await what();
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(false);
    }
  }

  const reveal = () =>
    act(async () => {
      setRevealed((await backend.revealSetting(key)).value);
    });

  const copy = () =>
    act(async () => {
      const value = revealed ?? (await backend.revealSetting(key)).value;
      await copyText(value);
      setStatus("Copied.");
    });

  const regenerate = () =>
    act(async () => {
      setConfirming(false);
      const answer = await backend.regenerateToken(key);
      setRegenerated(answer);
      setRevealed(answer.value);
      setStatus("A new token is in force; the old one no longer works.");
    });

  const copyUrl = (url: string) =>
    act(async () => {
      await copyText(url);
      setStatus("URL copied.");
    });

  return (
    <div className="setting token" data-testid={`token-${key}`} data-locked={setting.locked_by !== null}>
      <span className="setting__label" id={`token-label-${key}`}>
        {label}
      </span>
      <div className="token__value">
        <code data-testid={`token-value-${key}`} aria-labelledby={`token-label-${key}`}>
          {revealed ?? setting.value ?? ""}
        </code>
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          data-testid={`token-reveal-${key}`}
          onClick={() => (revealed === null ? void reveal() : setRevealed(null))}
        >
          {revealed === null ? "Reveal" : "Hide"}
        </button>
        <button type="button" className="button button--small" disabled={busy} data-testid={`token-copy-${key}`} onClick={() => void copy()}>
          Copy
        </button>
        <button
          type="button"
          className="button button--small button--danger"
          disabled={busy || setting.locked_by !== null}
          data-testid={`token-regenerate-${key}`}
          onClick={() => setConfirming(true)}
        >
          Regenerate…
        </button>
      </div>
      {help && <p className="setting__meta">{help}</p>}
      {setting.locked_by !== null && (
        <p className="setting__lock">
          Set by <code>{setting.locked_by}</code>: it cannot be regenerated here.
        </p>
      )}
      {confirming && (
        <div className="token__confirm" role="alertdialog" aria-labelledby={`token-confirm-${key}`}>
          <p id={`token-confirm-${key}`}>
            The old token stops working at once: {serviceOf(key)} will be refused until it has the new one. Regenerate?
          </p>
          <button
            type="button"
            className="button button--small button--danger"
            data-testid={`token-confirm-${key}`}
            onClick={() => void regenerate()}
          >
            Regenerate
          </button>
          <button type="button" className="button button--small" ref={cancel} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {regenerated !== null &&
        regenerated.update.map((service) =>
          service.automatic ? (
            <div key={service.service} className="notice token__update" data-testid={`token-update-${key}`}>
              <p className="notice__text">{service.service} is connected and now sends the new token: nothing to paste.</p>
            </div>
          ) : (
          <div key={service.service} className="notice notice--warning token__update" data-testid={`token-update-${key}`}>
            <p className="notice__text">
              {service.failure !== null && (
                <>
                  Cartographus could not update {service.service} itself: {service.failure}.
                  <br />
                </>
              )}
              Update {service.service} now ({service.place}):
              <br />
              <code className="token__url">{service.url}</code>
            </p>
            <button type="button" className="button button--small" onClick={() => void copyUrl(service.url)}>
              Copy URL
            </button>
            {key === "api_token" && backend.kind === "http" && (
              <button
                type="button"
                className="button button--small button--primary"
                onClick={() => {
                  window.location.assign(service.url);
                  window.location.reload();
                }}
              >
                Reload with the new token
              </button>
            )}
          </div>
          ),
        )}
      {status !== null && (
        <p className="setting__status" role="status">
          {status}
        </p>
      )}
      {error !== null && (
        <p className="setting__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
