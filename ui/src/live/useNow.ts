// The current time, re-read every `intervalMs` while `running` (progress bars move between
// updates only while something plays; otherwise nothing re-renders on a timer).
import { useEffect, useState } from "react";

export function useNow(intervalMs: number, running: boolean, now: () => number = Date.now): number {
  const [clock, setClock] = useState(() => ({ running, time: now() }));

  // Starting to run re-reads the time at once, in this render, rather than a tick later.
  if (clock.running !== running) setClock({ running, time: now() });

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setClock({ running: true, time: now() }), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, running, now]);

  return running ? clock.time : now();
}
