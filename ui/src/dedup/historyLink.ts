// Where "See it in History" goes: a restored event is stored without a session of its own and
// events carry no session id, so the link opens History filtered to the playback's user and
// title over all time (not its source: the session may be the kept twin's, from another source).
import type { MediaEvent } from "../backend/Backend";
import { readHistoryState, writeHistoryState } from "../history/historyFilter";

export function historyLinkParams(event: MediaEvent): URLSearchParams {
  const state = readHistoryState(new URLSearchParams());
  return writeHistoryState({
    ...state,
    user: event.username ?? "",
    q: event.title ?? event.grandparent_title ?? "",
  });
}
