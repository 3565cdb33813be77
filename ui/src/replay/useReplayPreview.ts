// The preview of a replay range through TanStack Query, keyed by the range, so it follows the
// picker: typing settles for a moment first, and the last answer stays shown while the next loads.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ReplayRange } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";

export const SETTLE_MS = 250;

export function replayPreviewKey(range: ReplayRange | null) {
  return ["replay-preview", range?.from ?? null, range?.to ?? null] as const;
}

/** `value`, once it stopped changing for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** `range` null: nothing to ask (the picker holds a problem). */
export function useReplayPreview(range: ReplayRange | null) {
  const backend = useBackend();
  // A string key, so an equal range from a new render is the same value.
  const wanted = useSettled(JSON.stringify(range), SETTLE_MS);
  const settled = JSON.parse(wanted) as ReplayRange | null;
  return useQuery({
    queryKey: replayPreviewKey(settled),
    queryFn: () => backend.previewReplay(settled!),
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    // The stream grows while the view is open; what a range covers is worth a fresh look.
    staleTime: 5_000,
  });
}
