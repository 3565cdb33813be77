// Whether the setup wizard is open: by itself at first start (see setupDismissal), or when the
// user asks for it. Closing it, however, counts as dismissing it for good. The first-start check
// reads the setup overview's cache entry, which the wizard then opens on without asking again.
import { useQuery } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { browserStorage } from "../backend/apiToken";
import { useBackend } from "../backend/BackendContext";
import { queryKeys } from "../data/queryKeys";
import { isSetupDismissed, noSourceHeardFrom, rememberSetupDismissed } from "./setupDismissal";

export type SetupVisibility = { open: boolean; openSetup(): void; closeSetup(): void };

export function useFirstRunSetup(): SetupVisibility {
  const backend = useBackend();
  const [open, setOpen] = useState(false);
  // Without the API token the setup calls are refused: nothing to offer yet.
  const [checking, setChecking] = useState(() => backend.authorized && !isSetupDismissed(browserStorage()));
  // An engine without the setup API (or not answering) leaves the dashboard as all there is.
  const { data } = useQuery({ queryKey: queryKeys.setup, queryFn: () => backend.getSetup(), enabled: checking });

  // Decided once, on the first overview: later answers (the wizard's polls) do not reopen it.
  if (checking && data !== undefined) {
    setChecking(false);
    if (noSourceHeardFrom(data)) setOpen(true);
  }

  const openSetup = useCallback(() => setOpen(true), []);
  const closeSetup = useCallback(() => {
    rememberSetupDismissed(browserStorage());
    setOpen(false);
  }, []);

  return { open, openSetup, closeSetup };
}
