// Top bar: brand, the pipeline alerts' badge, the engine's overall status and its storage mode,
// and "Connect a source".
import type { Ref } from "react";
import type { Health, PipelineAlert } from "../backend/Backend";
import { ModeLabel } from "../health/ModeLabel";
import { OverallStatusBadge } from "../health/OverallStatusBadge";
import { AlertBadge } from "./AlertBadge";
import { Logo } from "./Logo";
import "../pipeline/pipeline.css";
import "./layout.css";

type AppHeaderProps = {
  health: Health | null;
  /** The pipeline alerts holding now (a badge linking to the Pipeline view). */
  alerts?: PipelineAlert[];
  /** Opens the setup wizard; no button while it is open. */
  onConnectSource?: () => void;
  connectSourceRef?: Ref<HTMLButtonElement>;
};

export function AppHeader({ health, alerts = [], onConnectSource, connectSourceRef }: AppHeaderProps) {
  return (
    <header className="app-header">
      <div className="app-header__brand">
        <Logo size={32} />
        <h1 className="app-header__title">Cartographus</h1>
      </div>
      {(health !== null || onConnectSource !== undefined || alerts.length > 0) && (
        <div className="app-header__status">
          <AlertBadge alerts={alerts} />
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
