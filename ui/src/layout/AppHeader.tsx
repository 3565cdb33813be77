// Top bar: brand, the engine's overall status and its storage mode.
import type { Health } from "../backend/Backend";
import { ModeLabel } from "../health/ModeLabel";
import { OverallStatusBadge } from "../health/OverallStatusBadge";
import { Logo } from "./Logo";
import "./layout.css";

export function AppHeader({ health }: { health: Health | null }) {
  return (
    <header className="app-header">
      <div className="app-header__brand">
        <Logo size={32} />
        <h1 className="app-header__title">Cartographus</h1>
      </div>
      {health !== null && (
        <div className="app-header__status">
          <ModeLabel mode={health.mode} />
          <OverallStatusBadge status={health.status} />
        </div>
      )}
    </header>
  );
}
