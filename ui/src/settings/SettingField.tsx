// One setting as a labelled control chosen by its kind, with its default, its lock (the variable
// or flag that fixes it), when a change applies, and the engine's complaint if it refused it.
import type { SettingView } from "../backend/Backend";
import type { DraftValue } from "./settingForm";
import { displayValue } from "./settingForm";
import { choiceLabel, settingLabel } from "./labels";

type SettingFieldProps = {
  setting: SettingView;
  draft: DraftValue;
  error: string | null;
  disabled: boolean;
  onChange: (value: DraftValue) => void;
};

export function SettingField({ setting, draft, error, disabled, onChange }: SettingFieldProps) {
  const { label, help } = settingLabel(setting.key);
  const id = `setting-input-${setting.key}`;
  const locked = setting.locked_by !== null;
  const describedBy = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    "data-testid": id,
    disabled: disabled || locked,
    "aria-invalid": error !== null,
    "aria-describedby": describedBy,
  };

  let control;
  switch (setting.kind) {
    case "toggle":
      control = (
        <input {...common} type="checkbox" checked={draft === true} onChange={(event) => onChange(event.target.checked)} />
      );
      break;
    case "choice":
      control = (
        <select {...common} className="field__control" value={String(draft)} onChange={(event) => onChange(event.target.value)}>
          {setting.choices.map((choice) => (
            <option key={choice} value={choice}>
              {choiceLabel(choice)}
            </option>
          ))}
        </select>
      );
      break;
    case "count":
    case "port":
      control = (
        <input
          {...common}
          className="field__control"
          type="number"
          inputMode="numeric"
          min={setting.min ?? undefined}
          max={setting.max ?? undefined}
          value={String(draft)}
          placeholder={setting.kind === "port" ? "off" : undefined}
          onChange={(event) => onChange(event.target.value)}
        />
      );
      break;
    case "secret":
      control = (
        <input
          {...common}
          className="field__control"
          type="password"
          autoComplete="off"
          value={String(draft)}
          placeholder={setting.value === null ? "not set" : "saved (type to replace)"}
          onChange={(event) => onChange(event.target.value)}
        />
      );
      break;
    default:
      control = (
        <input
          {...common}
          className="field__control"
          type="text"
          spellCheck={false}
          value={String(draft)}
          placeholder={setting.kind === "duration" ? "e.g. 5s, 250ms, 2m, 6h" : undefined}
          onChange={(event) => onChange(event.target.value)}
        />
      );
  }

  const isToggle = setting.kind === "toggle";
  return (
    <div
      className={`setting${isToggle ? " setting--toggle" : ""}`}
      data-testid={`setting-${setting.key}`}
      data-locked={locked}
      data-restart-pending={setting.restart_pending}
    >
      <label className="setting__label" htmlFor={id}>
        {isToggle && control}
        <span>{label}</span>
      </label>
      {!isToggle && control}
      <p className="setting__meta">
        {help && <span id={`${id}-help`}>{help} </span>}
        {!setting.secret && setting.default !== null && (
          <span className="setting__default">Default: {displayValue(setting, setting.default)}. </span>
        )}
        <span className="setting__applies">{appliesText(setting)}</span>
      </p>
      {locked && (
        <p className="setting__lock" data-testid={`setting-lock-${setting.key}`}>
          Set by <code>{setting.locked_by}</code>: change it there and restart to change it here.
        </p>
      )}
      {setting.restart_pending && (
        <p className="setting__pending" data-testid={`setting-pending-${setting.key}`}>
          Saved; takes effect when Cartographus restarts.
        </p>
      )}
      {error !== null && (
        <p className="setting__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** When a change applies. The listener is moved by its own operation when the form is saved. */
function appliesText(setting: SettingView): string {
  if (setting.key === "listen") return "Applies at once: the app moves to the new address when you save.";
  return setting.applies === "now" ? "Applies at once." : "Applies after a restart.";
}
