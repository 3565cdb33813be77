// Turns whatever a transport throws (Error, Tauri's string rejections, anything) into
// an Error whose message a person can read on screen.

/** Best-effort readable text for an unknown thrown value. */
export function describeFailure(failure: unknown): string {
  if (failure instanceof Error) return failure.message || failure.name;
  if (typeof failure === "string") return failure;
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
