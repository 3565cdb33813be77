// The dashboard shell: header, section tabs, the active section and the footer.
import { useBackend } from "./backend/BackendContext";
import { HealthView } from "./health/HealthView";
import { useHealth } from "./health/useHealth";
import { useStats } from "./health/useStats";
import { AppFooter } from "./layout/AppFooter";
import { AppHeader } from "./layout/AppHeader";
import { ConnectionNotice } from "./layout/ConnectionNotice";
import { SectionTabs } from "./layout/SectionTabs";
import "./layout/layout.css";

export function App() {
  const backend = useBackend();
  // Lives here, not in HealthView, because the header shows the overall status too.
  const { retry, ...healthState } = useHealth();
  const statsState = useStats();

  return (
    <div className="app-shell">
      <AppHeader health={healthState.health} />
      <SectionTabs active="health" />
      {!backend.authorized && <ConnectionNotice />}
      <main className="app-main" id="section-health" role="tabpanel" aria-labelledby="tab-health">
        <HealthView state={healthState} stats={statsState} onRetry={retry} />
      </main>
      <AppFooter backendKind={backend.kind} />
    </div>
  );
}
