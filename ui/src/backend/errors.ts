// Turns whatever a transport throws (Error, Tauri's string rejections, anything) into
// an Error whose message a person can read on screen.

/** Best-effort readable text for an unknown thrown value. */
export function describeFailure(failure: unknown): string {
  if (failure instanceof Error) return failure.message || failure.name;
  if (typeof failure === "string") return failure;
  if (isCodedError(failure)) return failure.message;
  try {
    return JSON.stringify(failure) ?? String(failure);
  } catch {
    return String(failure);
  }
}

/** "Cannot reach the engine at <where>: <reason>", the wording every host uses for transport failures. */
export function unreachableEngineError(where: string, failure: unknown): Error {
  return new Error(`Cannot reach the engine at ${where}: ${describeFailure(failure)}`, { cause: failure });
}

/**
 * The engine answered, and said no: a stable `code` to match on (not_found, bad_request,
 * engine_starting, or a still-failing retry's own code) and a `message` to show as is.
 * Tauri commands reject with `{code, message}`; the HTTP API answers `{"error":{code, message}}`.
 */
export class EngineError extends Error {
  override readonly name = "EngineError";

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A `{code, message}` object, as Tauri commands reject with (the bindings' CommandError). */
export function isCodedError(value: unknown): value is { code: string; message: string } {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.code === "string" && typeof candidate.message === "string";
}

/** The engine's code when `failure` is an EngineError, else null. */
export function engineErrorCode(failure: unknown): string | null {
  return failure instanceof EngineError ? failure.code : null;
}
