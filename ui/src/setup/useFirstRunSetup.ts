// Whether the setup wizard is open: by itself at first start (see setupDismissal), or when the
// user asks for it. Closing it, however, counts as dismissing it for good.
import { useCallback, useEffect, useState } from "react";
import { browserStorage } from "../backend/apiToken";
import { useBackend } from "../backend/BackendContext";
import { isSetupDismissed, noSourceHeardFrom, rememberSetupDismissed } from "./setupDismissal";

export type SetupVisibility = { open: boolean; openSetup(): void; closeSetup(): void };

export function useFirstRunSetup(): SetupVisibility {
  const backend = useBackend();
  const [open, setOpen] = useState(false);

  useEffect(() => {
    // Without the API token the setup calls are refused: nothing to offer yet.
    if (!backend.authorized || isSetupDismissed(browserStorage())) return;
    let active = true;
    backend.getSetup().then(
      (overview) => {
        if (active && noSourceHeardFrom(overview)) setOpen(true);
      },
      // An engine without the setup API (or not answering): the dashboard is all there is.
      () => {},
    );
    return () => {
      active = false;
    };
  }, [backend]);

  const openSetup = useCallback(() => setOpen(true), []);
  const closeSetup = useCallback(() => {
    rememberSetupDismissed(browserStorage());
    setOpen(false);
  }, []);

  return { open, openSetup, closeSetup };
}
