// The range a replay covers: by time (a preset, or custom local from–to) or by stream sequence
// (from–to, each end optional). Native radios and inputs, so it works from the keyboard.
import { useId } from "react";
import { TIME_PRESETS, type PresetId, type RangeChoice, type RangeMode } from "./replayRange";

type RangePickerProps = {
  choice: RangeChoice;
  disabled: boolean;
  onChange: (choice: RangeChoice) => void;
};

/** Now as `datetime-local` text, the latest a custom time may be. */
function localNow(): string {
  const now = new Date();
  now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
  return now.toISOString().slice(0, 16);
}

export function RangePicker({ choice, disabled, onChange }: RangePickerProps) {
  const id = useId();
  const set = (change: Partial<RangeChoice>) => onChange({ ...choice, ...change });
  const modes: { id: RangeMode; label: string }[] = [
    { id: "time", label: "By time" },
    { id: "seq", label: "By stream sequence" },
  ];
  return (
    <div className="replay-range">
      <fieldset className="replay-range__group" disabled={disabled}>
        <legend>Choose the range</legend>
        <div className="replay-range__options">
          {modes.map((mode) => (
            <label key={mode.id} className="replay-range__option">
              <input
                type="radio"
                name={`${id}-mode`}
                value={mode.id}
                data-testid={`replay-mode-${mode.id}`}
                checked={choice.mode === mode.id}
                onChange={() => set({ mode: mode.id, anchor: Date.now() })}
              />{" "}
              {mode.label}
            </label>
          ))}
        </div>
      </fieldset>
      {choice.mode === "time" ? (
        <fieldset className="replay-range__group" disabled={disabled}>
          <legend>Time</legend>
          <div className="replay-range__options">
            {TIME_PRESETS.map((preset) => (
              <label key={preset.id} className="replay-range__option">
                <input
                  type="radio"
                  name={`${id}-preset`}
                  value={preset.id}
                  data-testid={`replay-preset-${preset.id}`}
                  checked={choice.preset === preset.id}
                  onChange={() => set({ preset: preset.id as PresetId, anchor: Date.now() })}
                />{" "}
                {preset.label}
              </label>
            ))}
          </div>
          {choice.preset === "custom" && (
            <div className="replay-range__inputs">
              <label>
                From{" "}
                <input
                  type="datetime-local"
                  data-testid="replay-time-from"
                  max={localNow()}
                  value={choice.timeFrom}
                  onChange={(event) => set({ timeFrom: event.target.value })}
                />
              </label>
              <label>
                To{" "}
                <input
                  type="datetime-local"
                  data-testid="replay-time-to"
                  max={localNow()}
                  value={choice.timeTo}
                  onChange={(event) => set({ timeTo: event.target.value })}
                />
              </label>
              <span className="replay-range__hint">Your local time; leave an end empty for the stream's start or end.</span>
            </div>
          )}
        </fieldset>
      ) : (
        <fieldset className="replay-range__group" disabled={disabled}>
          <legend>Stream sequence</legend>
          <div className="replay-range__inputs">
            <label>
              From{" "}
              <input
                type="text"
                inputMode="numeric"
                size={10}
                data-testid="replay-seq-from"
                placeholder="first"
                value={choice.seqFrom}
                onChange={(event) => set({ seqFrom: event.target.value })}
              />
            </label>
            <label>
              To{" "}
              <input
                type="text"
                inputMode="numeric"
                size={10}
                data-testid="replay-seq-to"
                placeholder="last"
                value={choice.seqTo}
                onChange={(event) => set({ seqTo: event.target.value })}
              />
            </label>
            <span className="replay-range__hint">Both ends included; leave one empty for the stream's first or last message.</span>
          </div>
        </fieldset>
      )}
    </div>
  );
}
