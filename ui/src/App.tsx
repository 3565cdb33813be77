// The dashboard shell: header, section tabs, the active section and the footer; or, in place of
// the tabs and section, the setup wizard (by itself at first start, or from "Connect a source").
import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { AnalyticsView } from "./analytics/AnalyticsView";
import { useBackend } from "./backend/BackendContext";
import { DedupView } from "./dedup/DedupView";
import { DlqView } from "./dlq/DlqView";
import { NewDeadLetters } from "./dlq/NewDeadLetters";
import { createQueryClient } from "./data/queryClient";
import { HealthView } from "./health/HealthView";
import { HistoryView } from "./history/HistoryView";
import { useHealth } from "./health/useHealth";
import { useStats } from "./health/useStats";
import { AppFooter } from "./layout/AppFooter";
import { AppHeader } from "./layout/AppHeader";
import { ConnectionNotice } from "./layout/ConnectionNotice";
import { IngestionNotice } from "./layout/IngestionNotice";
import { SectionTabs } from "./layout/SectionTabs";
import { LiveView } from "./live/LiveView";
import { LogsView } from "./logs/LogsView";
import { PipelineView } from "./pipeline/PipelineView";
import { ReplayView } from "./replay/ReplayView";
import { useNavigate, useRoute } from "./router/useRoute";
import { SettingsView } from "./settings/SettingsView";
import { isThemeChoice, useTheme } from "./settings/theme";
import { useSettings } from "./settings/useSettings";
import { SetupWizard } from "./setup/SetupWizard";
import { useFirstRunSetup } from "./setup/useFirstRunSetup";
import "./layout/layout.css";

/** The app with its one query cache, which every view reads and every push writes. */
export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <Dashboard />
    </QueryClientProvider>
  );
}

function Dashboard() {
  const backend = useBackend();
  // Lives here, not in HealthView, because the header shows the overall status too.
  const { retry, ...healthState } = useHealth();
  // Here too: the Dead letters tab shows how many wait.
  const statsState = useStats();
  // Every section is a route (#/history?…), so deep links and the back button work.
  const route = useRoute();
  const navigate = useNavigate();
  const section = route.section;
  // The saved theme, from the settings' cache entry (a save replaces it); without it (a browser
  // without the token) the system's is kept.
  const savedTheme = useSettings().view?.settings.find((s) => s.key === "theme")?.value;
  useTheme(isThemeChoice(savedTheme) ? savedTheme : "system");
  const setup = useFirstRunSetup();
  const connectSource = useRef<HTMLButtonElement>(null);
  // Closing the wizard hands focus back to the button that opens it.
  const refocusConnectSource = useRef(false);

  useEffect(() => {
    if (setup.open || !refocusConnectSource.current) return;
    refocusConnectSource.current = false;
    connectSource.current?.focus();
  }, [setup.open]);

  function closeSetup() {
    refocusConnectSource.current = true;
    setup.closeSetup();
  }

  return (
    <div className="app-shell">
      <AppHeader
        health={healthState.health}
        alerts={statsState.stats?.alerts ?? []}
        onConnectSource={setup.open ? undefined : setup.openSetup}
        connectSourceRef={connectSource}
      />
      {setup.open ? (
        <>
          {!backend.authorized && <ConnectionNotice />}
          <main className="app-main" id="setup">
            <SetupWizard onClose={closeSetup} />
          </main>
        </>
      ) : (
        <>
          <SectionTabs
            active={section}
            onSelect={(id) => navigate({ section: id })}
            dlqCount={statsState.stats?.dlq_size ?? null}
          />
          {!backend.authorized && <ConnectionNotice />}
          <IngestionNotice health={healthState.health} offerPause={section === "health"} />
          {backend.kind === "http" && section !== "dlq" && (
            <NewDeadLetters dlqSize={statsState.stats?.dlq_size ?? null} onOpen={() => navigate({ section: "dlq" })} />
          )}
          <main className="app-main" id={`section-${section}`} role="tabpanel" aria-labelledby={`tab-${section}`}>
            {section === "live" && <LiveView />}
            {section === "history" && <HistoryView route={route} />}
            {section === "analytics" && <AnalyticsView route={route} />}
            {section === "health" && <HealthView state={healthState} stats={statsState} onRetry={retry} />}
            {section === "pipeline" && <PipelineView health={healthState} stats={statsState} />}
            {section === "dlq" && <DlqView />}
            {section === "duplicates" && <DedupView route={route} />}
            {section === "replay" && <ReplayView />}
            {section === "logs" && <LogsView />}
            {section === "settings" && <SettingsView />}
          </main>
        </>
      )}
      <AppFooter backendKind={backend.kind} listenerDetail={healthState.health?.parts.listener?.detail ?? null} />
    </div>
  );
}
