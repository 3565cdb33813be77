// A value to paste somewhere else (a webhook URL): shown read-only with a Copy button. Where the
// clipboard is refused, the text is selected and the user is told to press Ctrl+C.
import { useId, useRef, useState } from "react";
import "./setup.css";

type CopyFieldProps = { label: string; value: string; testId: string };

type Copied = "idle" | "copied" | "select";

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input?.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

export function CopyField({ label, value, testId }: CopyFieldProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<Copied>("idle");

  async function copy() {
    const done = await copyText(value, input.current);
    if (!done) input.current?.select();
    setCopied(done ? "copied" : "select");
  }

  return (
    <div className="setup-field">
      <label className="setup-field__label" htmlFor={id}>
        {label}
      </label>
      <div className="copy-field">
        <input
          id={id}
          ref={input}
          className="setup-field__control copy-field__value"
          data-testid={testId}
          value={value}
          readOnly
          spellCheck={false}
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="button" data-testid={`${testId}-copy`} onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="setup-field__help" role="status">
        {copied === "copied" ? "Copied." : copied === "select" ? "Selected: press Ctrl+C to copy it." : ""}
      </p>
    </div>
  );
}
