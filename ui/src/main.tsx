// Entry point: picks the Backend for this host and mounts the app.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { createBackend } from "./backend";
import { BackendProvider } from "./backend/BackendContext";
import { ErrorBoundary } from "./layout/ErrorBoundary";
import { repairNavigatorLanguage } from "./platform/locale";
import { applyTheme } from "./settings/theme";
import "./styles/theme.css";
import "./styles/base.css";

// Before any library reads it (uPlot formats numbers with it at load).
repairNavigatorLanguage();

// The OS's preference until the saved theme is read: no light flash on a dark desktop.
applyTheme("system");

const rootElement = document.getElementById("root");
if (rootElement === null) throw new Error("index.html has no #root element");

createRoot(rootElement).render(
  <StrictMode>
    <ErrorBoundary>
      <BackendProvider backend={createBackend()}>
        <App />
      </BackendProvider>
    </ErrorBoundary>
  </StrictMode>,
);
