// In a browser, after the listener moved away from the address this page came from: the page
// can reach nothing any more, so the wizard shows only where the app listens now and a link to
// open it there (the token travels in the link's fragment; it is not shown).
import type { ListenChanged } from "../backend/Backend";
import { withoutFragment } from "../backend/listenMove";
import "./setup.css";

export type MovedAwayProps = { changed: ListenChanged; continueAt: string };

export function MovedAway({ changed, continueAt }: MovedAwayProps) {
  return (
    <div className="notice notice--success setup-notice setup-moved-away" role="status" data-testid="setup-moved-away">
      <p className="notice__text">
        The app now listens on <code className="setup-code">{changed.listen}</code> (it listened on {changed.previous}).
      </p>
      <p className="notice__text" data-testid="setup-continue">
        This page came from the old address, which no longer answers. Continue at{" "}
        <a className="setup-link" href={continueAt} data-testid="setup-continue-link">
          {withoutFragment(continueAt)}
        </a>
        .
      </p>
    </div>
  );
}
