// The current time, re-read every `intervalMs` while `running` (progress bars move between
// updates only while something plays; otherwise nothing re-renders on a timer).
import { useEffect, useState } from "react";

export function useNow(intervalMs: number, running: boolean, now: () => number = Date.now): number {
  const [time, setTime] = useState(now);

  useEffect(() => {
    if (!running) return;
    setTime(now());
    const timer = setInterval(() => setTime(now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, running, now]);

  return running ? time : now();
}
