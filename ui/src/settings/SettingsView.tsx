// The Settings section: every setting by group, each with its lock and when it applies; one
// Save for all changes (all or nothing), then what is in force now and what waits for a restart.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import type { ListenChanged, SettingGroup, SettingView, SettingsUpdate } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure, engineErrorCode } from "../backend/errors";
import { withoutFragment } from "../backend/listenMove";
import { GROUP_TITLES, settingLabel } from "./labels";
import { SettingField } from "./SettingField";
import { changesFrom, fieldOfError, isLoopbackAddress, toDraft, type Draft, type DraftValue } from "./settingForm";
import { TokenRow } from "./TokenRow";
import { useSettings } from "./useSettings";
import "./settings.css";

/** NATS fields that only mean something for an external server. */
const EXTERNAL_ONLY = new Set(["nats_url", "nats_token", "nats_creds"]);

type Notice = {
  tone: "success" | "error";
  text: string;
  outcome: "saved" | "failed";
  /** Where to open the app after its listener moved away from this page's address. */
  continueAt?: string;
};

function savedNotice(update: SettingsUpdate): Notice {
  const names = (applies: "now" | "restart") =>
    update.changed
      .filter((c) => c.applies === applies)
      .map((c) => settingLabel(c.key).label)
      .join(", ");
  const now = names("now");
  const later = names("restart");
  const parts = ["Saved."];
  if (now) parts.push(`In force now: ${now}.`);
  if (later) parts.push(`After a restart: ${later}.`);
  return { tone: "success", outcome: "saved", text: parts.join(" ") };
}

/** Where the listener is, as the settings say. */
function currentListen(settings: SettingView[]): string {
  const value = settings.find((s) => s.key === "listen")?.value;
  return typeof value === "string" ? value : "its address";
}

export function SettingsView({ onSaved }: { onSaved?: (update: SettingsUpdate) => void }) {
  const backend = useBackend();
  const { view, error, loading, reload, replace } = useSettings();
  // Each saved change's answer starts the form afresh from what is now in force.
  const [revision, setRevision] = useState(0);
  const [notice, setNotice] = useState<Notice | null>(null);
  /** Whether the form holds unsaved edits (then a change made elsewhere does not wipe them). */
  const editing = useRef(false);
  const markEditing = useCallback((dirty: boolean) => {
    editing.current = dirty;
  }, []);

  // Saved elsewhere (the tray, the HTTP API): shown at once unless the user is mid-edit.
  useEffect(
    () =>
      backend.onSettingsChanged((fresh) => {
        if (editing.current) return;
        replace(fresh);
        setRevision((n) => n + 1);
      }),
    [backend, replace],
  );

  const visible = useMemo(
    () => (view?.settings ?? []).filter((s) => backend.kind === "tauri" || !s.desktop_only),
    [view, backend.kind],
  );

  if (view === null) {
    return (
      <section className="settings-view" data-testid="settings-view" aria-busy={loading}>
        <h2 className="section-title">Settings</h2>
        {loading && (
          <p className="settings-loading" data-testid="settings-loading">
            Loading settings…
          </p>
        )}
        {error !== null && (
          <div className="notice notice--error" role="alert" data-testid="settings-error">
            <p className="notice__text">The settings could not be read: {error}</p>
            <button type="button" className="button button--small" onClick={reload}>
              Try again
            </button>
          </div>
        )}
      </section>
    );
  }

  if (visible.length === 0) {
    return (
      <section className="settings-view" data-testid="settings-view">
        <h2 className="section-title">Settings</h2>
        <p className="settings-empty" data-testid="settings-empty">
          The engine listed no settings. It may be an older version: restart Cartographus, and if this stays, export
          diagnostics from Logs for a bug report.
        </p>
      </section>
    );
  }

  return (
    <SettingsForm
      key={revision}
      settings={visible}
      restartRequired={view.restart_required}
      notice={notice}
      onNotice={setNotice}
      onDirty={markEditing}
      onSaved={(update, notice) => {
        replace({ settings: update.settings, restart_required: update.restart_required });
        setRevision((n) => n + 1);
        setNotice(notice ?? savedNotice(update));
        onSaved?.(update);
      }}
    />
  );
}

type SettingsFormProps = {
  settings: SettingView[];
  restartRequired: boolean;
  notice: Notice | null;
  onNotice: (notice: Notice | null) => void;
  onDirty: (dirty: boolean) => void;
  /** `notice` replaces the usual "Saved." when there is more to say (the listener moved). */
  onSaved: (update: SettingsUpdate, notice?: Notice) => void;
};

/** The editable settings; its draft starts from `settings` and is dropped when they change. */
function SettingsForm({ settings, restartRequired, notice, onNotice, onDirty, onSaved }: SettingsFormProps) {
  const backend = useBackend();
  const saved = useMemo(() => toDraft(settings), [settings]);
  const [draft, setDraft] = useState<Draft>(saved);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const groups = useMemo(() => {
    const byGroup = new Map<SettingGroup, SettingView[]>();
    for (const setting of settings) {
      if (EXTERNAL_ONLY.has(setting.key) && draft["nats_mode"] !== "external") continue;
      byGroup.set(setting.group, [...(byGroup.get(setting.group) ?? []), setting]);
    }
    return [...byGroup.entries()];
  }, [settings, draft]);

  const changes = useMemo(() => changesFrom(settings, saved, draft), [settings, saved, draft]);
  const dirty = Object.keys(changes).length > 0;
  useEffect(() => onDirty(dirty), [dirty, onDirty]);

  function edit(key: string, value: DraftValue) {
    setDraft((previous) => ({ ...previous, [key]: value }));
    setFieldErrors((previous) => {
      const next = { ...previous };
      delete next[key];
      return next;
    });
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!dirty) return;
    setBusy(true);
    onNotice(null);
    // The listener moves at once (the wizard's operation: the new address is bound before
    // the old one is let go). It moves last, after the other changes are saved, because a
    // page served from the old address may reach nothing afterwards.
    const { listen: newListen, ...others } = changes;
    try {
      const update: SettingsUpdate =
        Object.keys(others).length > 0
          ? await backend.updateSettings(others)
          : { changed: [], ...(await backend.getSettings()) };
      if (typeof newListen !== "string") {
        // The form starts afresh from the answer (this one unmounts).
        onSaved(update);
        return;
      }
      let moved: ListenChanged;
      try {
        moved = await backend.setListen({ address: newListen });
      } catch (failure) {
        const saved = update.changed.length > 0 ? `${savedNotice(update).text} ` : "";
        onSaved(update, {
          tone: "error",
          outcome: "failed",
          text: `${saved}The listener did not move and still answers on ${currentListen(settings)}: ${describeFailure(failure)}`,
        });
        return;
      }
      const movedUpdate: SettingsUpdate = {
        ...update,
        changed: [...update.changed, { key: "listen", applies: "now" }],
        settings: update.settings.map((s) => (s.key === "listen" ? { ...s, value: moved.listen } : s)),
      };
      const continueAt = backend.continueAt(moved);
      onSaved(
        movedUpdate,
        continueAt === null
          ? undefined
          : {
              ...savedNotice(movedUpdate),
              text: `${savedNotice(movedUpdate).text} The app now listens on ${moved.listen}; this page came from the old address, which no longer answers.`,
              continueAt,
            },
      );
    } catch (failure) {
      const message = describeFailure(failure);
      const field = fieldOfError(message, Object.keys(draft));
      if (field !== null) setFieldErrors({ [field[0]]: field[1] });
      const code = engineErrorCode(failure);
      onNotice({
        tone: "error",
        outcome: "failed",
        text: `Not saved, nothing changed: ${message}${code ? ` (code: ${code})` : ""}`,
      });
      setBusy(false);
    }
  }

  const listen = typeof draft["listen"] === "string" ? draft["listen"] : "";
  return (
    <section className="settings-view" data-testid="settings-view">
      <h2 className="section-title">Settings</h2>
      {restartRequired && (
        <div className="notice notice--warning" role="status" data-testid="settings-restart">
          <p className="notice__text">Some saved changes take effect when Cartographus restarts.</p>
        </div>
      )}
      {notice !== null && (
        <div
          className={`notice ${notice.tone === "error" ? "notice--error" : "notice--success"}`}
          role={notice.tone === "error" ? "alert" : "status"}
          data-testid="settings-notice"
          data-outcome={notice.outcome}
        >
          <p className="notice__text">{notice.text}</p>
          {notice.continueAt !== undefined && (
            <p className="notice__text">
              Continue at{" "}
              <a href={notice.continueAt} data-testid="settings-continue-link">
                {withoutFragment(notice.continueAt)}
              </a>
              .
            </p>
          )}
          <button type="button" className="button button--small" onClick={() => onNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      <form className="settings-form" onSubmit={(event) => void save(event)} noValidate>
        {groups.map(([group, members]) => (
          <fieldset key={group} className="settings-group" data-testid={`settings-group-${group}`}>
            <legend className="settings-group__title">{GROUP_TITLES[group] ?? group}</legend>
            {members.map((setting) =>
              setting.kind === "token" ? (
                <TokenRow key={setting.key} setting={setting} />
              ) : (
                <SettingField
                  key={setting.key}
                  setting={setting}
                  draft={draft[setting.key] ?? ""}
                  error={fieldErrors[setting.key] ?? null}
                  disabled={busy}
                  onChange={(value) => edit(setting.key, value)}
                />
              ),
            )}
            {group === "listener" && listen !== "" && !isLoopbackAddress(listen) && (
              <div className="notice notice--warning" data-testid="listen-warning">
                <p className="notice__text">
                  Reachable from your network: other machines can connect to this address. Webhooks and the API still need
                  their tokens, and your firewall decides who gets through. Use 127.0.0.1 if the media server runs on this
                  computer.
                </p>
              </div>
            )}
          </fieldset>
        ))}
        <div className="settings-actions">
          <button type="submit" className="button button--primary" disabled={busy || !dirty} data-testid="settings-save">
            {busy ? "Saving…" : "Save changes"}
          </button>
          <button
            type="button"
            className="button"
            disabled={busy || !dirty}
            data-testid="settings-discard"
            onClick={() => {
              setDraft(saved);
              setFieldErrors({});
            }}
          >
            Discard
          </button>
        </div>
      </form>
    </section>
  );
}
