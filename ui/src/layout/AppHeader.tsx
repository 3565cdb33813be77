// Top bar: brand, the engine's overall status and its storage mode, and "Connect a source".
import type { Ref } from "react";
import type { Health } from "../backend/Backend";
import { ModeLabel } from "../health/ModeLabel";
import { OverallStatusBadge } from "../health/OverallStatusBadge";
import { Logo } from "./Logo";
import "./layout.css";

type AppHeaderProps = {
  health: Health | null;
  /** Opens the setup wizard; no button while it is open. */
  onConnectSource?: () => void;
  connectSourceRef?: Ref<HTMLButtonElement>;
};

export function AppHeader({ health, onConnectSource, connectSourceRef }: AppHeaderProps) {
  return (
    <header className="app-header">
      <div className="app-header__brand">
        <Logo size={32} />
        <h1 className="app-header__title">Cartographus</h1>
      </div>
      {(health !== null || onConnectSource !== undefined) && (
        <div className="app-header__status">
          {health !== null && (
            <>
              <ModeLabel mode={health.mode} />
              <OverallStatusBadge status={health.status} />
            </>
          )}
          {onConnectSource !== undefined && (
            <button
              type="button"
              className="button connect-source"
              data-testid="connect-source"
              ref={connectSourceRef}
              onClick={onConnectSource}
            >
              Connect a source
            </button>
          )}
        </div>
      )}
    </header>
  );
}
