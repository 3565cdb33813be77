// A dead letter's payload as editable text: fix the body, then save and retry. Binary payloads
// arrive as base64 and stay read-only (editing base64 by hand helps nobody).
import { useId } from "react";
import { formatBytes } from "../format/humanize";
import "./dlq.css";

type PayloadEditorProps = {
  value: string;
  onChange: (value: string) => void;
  encoding: string;
  bytes: number | null;
  contentType: string | null;
  disabled: boolean;
};

/** The text pretty-printed when it is JSON, else null. */
export function formattedJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/** Tall enough for the payload (long lines wrap at about 80 characters), within reason. */
function rowsFor(text: string): number {
  const lines = text.split("\n").reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / 80)), 0);
  return Math.min(24, Math.max(5, lines + 1));
}

export function PayloadEditor({ value, onChange, encoding, bytes, contentType, disabled }: PayloadEditorProps) {
  const id = useId();
  // The engine sends text as "utf8" and anything else as "base64".
  const binary = encoding === "base64";
  const pretty = binary ? null : formattedJson(value);
  const facts = [contentType ?? "JSON", bytes === null ? null : formatBytes(bytes), binary ? `${encoding}, read-only` : null]
    .filter((fact) => fact !== null)
    .join(" · ");

  return (
    <div className="payload-editor">
      <div className="payload-editor__heading">
        <label className="dlq-detail__label" htmlFor={id}>
          Payload
        </label>
        <span className="dlq-detail__muted">{facts}</span>
        {pretty !== null && pretty !== value && (
          <button
            type="button"
            className="button button--small"
            disabled={disabled}
            onClick={() => onChange(pretty)}
          >
            Format JSON
          </button>
        )}
      </div>
      <textarea
        id={id}
        className="payload-editor__text"
        data-testid="dlq-payload"
        value={value}
        readOnly={binary}
        disabled={disabled}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        rows={rowsFor(value)}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
